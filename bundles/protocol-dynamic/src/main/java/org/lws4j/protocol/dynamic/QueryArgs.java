package org.lws4j.protocol.dynamic;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits a raw query string into its arguments, in order, percent-decoded. Lenient, as a page
 * that only shows what came should be: a bad escape is kept as it was sent, bytes that are not
 * UTF-8 become U+FFFD, and an argument without '=' has a null value.
 */
final class QueryArgs {
    private QueryArgs() {
    }

    static List<Map.Entry<String, String>> parse(String rawQuery) {
        List<Map.Entry<String, String>> args = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return args;
        }
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? null : decode(part.substring(eq + 1));
            args.add(new SimpleImmutableEntry<>(decode(name), value));
        }
        return args;
    }

    /** Percent-decodes {@code s}, with '+' as a space (form encoding, as browsers send queries). */
    static String decode(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi;
            int lo;
            if (c == '%' && i + 2 < s.length() && (hi = Character.digit(s.charAt(i + 1), 16)) >= 0
                    && (lo = Character.digit(s.charAt(i + 2), 16)) >= 0) {
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    raw = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(raw, 0, raw.length);
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }
}
