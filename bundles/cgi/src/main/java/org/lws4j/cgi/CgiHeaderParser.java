package org.lws4j.cgi;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the header block at the start of a CGI program's output (RFC 3875 section 6.3) as it
 * arrives, in pieces of any size, and checks it. Lines end with LF or CRLF (programs use both);
 * the block ends with an empty line. Strict where a mistake would reach the client: a line that
 * is not {@code name: value}, a control character, a second Status, Content-Type, Location or
 * Content-Length, a bad status or length, a Transfer-Encoding (the program may not frame the
 * body itself), a block over {@value #MAX_BLOCK} bytes, or a block without any of Content-Type,
 * Location or Status: each is a {@link MalformedException}, which the caller turns into a 500.
 * Hop-by-hop headers and the Date and Server the core sets itself are dropped.
 *
 * <p>Used by one thread at a time (the program's stdout reader).
 */
final class CgiHeaderParser {
    /** The biggest header block accepted. */
    static final int MAX_BLOCK = 16 * 1024;

    private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "upgrade", "date", "server");

    /** The program's header block is not acceptable; the message says why, for the log. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    private final byte[] line = new byte[MAX_BLOCK];
    private int lineLength;
    private int blockLength;
    private boolean done;

    private int status;
    private String contentType;
    private String location;
    private long contentLength = -1;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();

    /**
     * Feeds {@code len} bytes from {@code buf} at {@code off}.
     *
     * @return the index in {@code buf} where the body starts, if the block ended in these bytes;
     *     otherwise -1 (more is needed)
     * @throws MalformedException when the block cannot be a valid one
     */
    int feed(byte[] buf, int off, int len) throws MalformedException {
        if (done) {
            throw new IllegalStateException("the header block is already complete");
        }
        for (int i = off; i < off + len; i++) {
            byte b = buf[i];
            if (++blockLength > MAX_BLOCK) {
                throw new MalformedException("header block over " + MAX_BLOCK + " bytes");
            }
            if (b != '\n') {
                line[lineLength++] = b;
                continue;
            }
            int end = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            lineLength = 0;
            if (end == 0) {
                done = true;
                check();
                return i + 1;
            }
            header(new String(line, 0, end, StandardCharsets.ISO_8859_1));
        }
        return -1;
    }

    /** True once the empty line that ends the block was read. */
    boolean isDone() {
        return done;
    }

    /** Bytes of the block read so far. */
    int bytesRead() {
        return blockLength;
    }

    /** The checked head; valid once {@link #feed} has returned an index. */
    CgiResponseHead head() {
        if (!done) {
            throw new IllegalStateException("the header block is not complete");
        }
        int s = status != 0 ? status : location != null ? 302 : 200;
        return new CgiResponseHead(s, contentType, location, contentLength, List.copyOf(headers));
    }

    private void header(String text) throws MalformedException {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new MalformedException("not a header line: \"" + printable(text) + "\"");
        }
        String name = text.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new MalformedException("bad header name: \"" + printable(name) + "\"");
            }
        }
        String value = text.substring(colon + 1).strip();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new MalformedException("control character in header " + name);
            }
        }
        String key = name.toLowerCase(Locale.ROOT);
        switch (key) {
            case "status":
                status = once(status != 0, name, parseStatus(value));
                break;
            case "content-type":
                contentType = once(contentType != null, name, nonEmpty(name, value));
                break;
            case "location":
                location = once(location != null, name, nonEmpty(name, value));
                break;
            case "content-length":
                contentLength = once(contentLength >= 0, name, parseLength(value));
                break;
            case "transfer-encoding":
                throw new MalformedException("a CGI program may not set Transfer-Encoding");
            default:
                if (!DROPPED.contains(key)) {
                    headers.add(new SimpleImmutableEntry<>(name, value));
                }
        }
    }

    private void check() throws MalformedException {
        if (status == 0 && contentType == null && location == null) {
            throw new MalformedException("no Content-Type, Location or Status header");
        }
    }

    private static <T> T once(boolean seen, String name, T value) throws MalformedException {
        if (seen) {
            throw new MalformedException("more than one " + name + " header");
        }
        return value;
    }

    private static String nonEmpty(String name, String value) throws MalformedException {
        if (value.isEmpty()) {
            throw new MalformedException("empty " + name + " header");
        }
        return value;
    }

    /** "404" or "404 Not Found": a final status, 200 to 599. */
    private static int parseStatus(String value) throws MalformedException {
        if (value.length() < 3 || value.length() > 3 && value.charAt(3) != ' '
                || !isDigits(value.substring(0, 3))) {
            throw new MalformedException("bad Status: \"" + printable(value) + "\"");
        }
        int s = Integer.parseInt(value.substring(0, 3));
        if (s < 200 || s > 599) {
            throw new MalformedException("Status out of range: " + s);
        }
        return s;
    }

    private static long parseLength(String value) throws MalformedException {
        if (value.isEmpty() || value.length() > 18 || !isDigits(value)) {
            throw new MalformedException("bad Content-Length: \"" + printable(value) + "\"");
        }
        return Long.parseLong(value);
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 token characters. */
    private static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /** At most 80 characters of {@code s}, control characters as '?', for a log line. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), 80));
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 80 ? out.append("...").toString() : out.toString();
    }
}
