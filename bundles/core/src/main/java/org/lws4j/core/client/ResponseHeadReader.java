package org.lws4j.core.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the status line and header fields of a response a client receives, across as many reads
 * as it takes, up to a bound. Bytes after the head stay in the input.
 */
final class ResponseHeadReader {
    private static final int MAX = 16 * 1024;

    private final byte[] buf = new byte[MAX];
    private int len;
    private int status;
    private String reason = "";
    private final List<String[]> headers = new ArrayList<>();
    private String error;

    /** Takes bytes up to the end of the head; true once it is complete (or broken: see {@link #error()}). */
    boolean feed(ByteBuffer in) {
        while (in.hasRemaining()) {
            if (len == MAX) {
                error = "response head longer than " + MAX + " bytes";
                return true;
            }
            byte b = in.get();
            buf[len++] = b;
            if (b == '\n' && endsHead()) {
                parse();
                return true;
            }
        }
        return false;
    }

    private boolean endsHead() {
        return (len >= 2 && buf[len - 2] == '\n') || (len >= 4 && buf[len - 2] == '\r' && buf[len - 3] == '\n');
    }

    private void parse() {
        String[] lines = new String(buf, 0, len, StandardCharsets.ISO_8859_1).split("\r?\n");
        String first = lines[0];
        if (!first.startsWith("HTTP/1.") || first.length() < 12 || first.charAt(8) != ' ') {
            error = "not an HTTP/1.x response: " + first;
            return;
        }
        try {
            status = Integer.parseInt(first.substring(9, 12));
        } catch (NumberFormatException e) {
            error = "bad status line: " + first;
            return;
        }
        reason = first.length() > 13 ? first.substring(13) : "";
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            if (l.isEmpty()) {
                break;
            }
            int colon = l.indexOf(':');
            if (colon <= 0) {
                error = "bad header line: " + l;
                return;
            }
            headers.add(new String[] {l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim()});
        }
    }

    String error() {
        return error;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }

    String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    List<String> headers(String name) {
        List<String> l = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                l.add(h[1]);
            }
        }
        return l;
    }

    boolean hasToken(String name, String token) {
        for (String v : headers(name)) {
            for (String t : v.split(",")) {
                if (t.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
