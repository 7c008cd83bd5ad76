package org.lws4j.api.util;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Percent-encoding (RFC 3986 section 2.1) and the form encoding browsers use for queries and
 * urlencoded bodies: lws's {@code lws_urldecode}. Decoding is lenient, as a server that shows or
 * stores what came should be: {@code %XX} becomes that byte, a {@code %} not followed by two hex
 * digits stays as sent, and the bytes are read as UTF-8 with anything that is not UTF-8 becoming
 * U+FFFD. Stateless and thread-safe.
 */
@ProviderType
public final class PercentEncoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentEncoding() {
    }

    /** Decodes {@code s}; '+' stays a '+' (paths). */
    public static String decode(String s) {
        return decode(s.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Decodes a query or form component: '+' is a space. */
    public static String decodeForm(String s) {
        return decode(s.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Decodes a form component given as the bytes sent: '+' is a space. */
    public static String decodeForm(byte[] raw) {
        return decode(raw, true);
    }

    private static String decode(byte[] raw, boolean plusIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            int hi;
            int lo;
            if (b == '%' && i + 2 < raw.length && (hi = Character.digit(raw[i + 1], 16)) >= 0
                    && (lo = Character.digit(raw[i + 2], 16)) >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(plusIsSpace && b == '+' ? ' ' : b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Encodes {@code s} as UTF-8 with every byte that is not an RFC 3986 unreserved character
     * ({@code A-Z a-z 0-9 - . _ ~}) as {@code %XX}: safe in a path segment, a query name or value.
     */
    public static String encode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(b.length + 8);
        for (byte x : b) {
            int c = x & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
            }
        }
        return out.toString();
    }

    /**
     * The arguments of a raw query ({@code a=1&b&c=x+y}), in order, names and values decoded as
     * form components; an argument without '=' has a null value, empty arguments are skipped.
     * Empty for a null or empty query.
     */
    public static List<Map.Entry<String, String>> queryArgs(String rawQuery) {
        List<Map.Entry<String, String>> args = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return args;
        }
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = decodeForm(eq < 0 ? part : part.substring(0, eq));
            args.add(new SimpleImmutableEntry<>(name, eq < 0 ? null : decodeForm(part.substring(eq + 1))));
        }
        return args;
    }
}
