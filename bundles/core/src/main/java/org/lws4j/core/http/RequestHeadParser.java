package org.lws4j.core.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads one request head (request line and header fields, RFC 9112 sections 3 and 5) into a
 * header buffer lent by the pool, across as many reads as it takes. Bytes after the head are
 * left in the input for the body or the next request. Strict where leniency lets requests be
 * smuggled: no whitespace before a colon, no obsolete line folding, no control characters.
 *
 * <p>Errors: 400 malformed, 414 request line longer than the buffer, 431 head longer than the
 * buffer or too many fields, 501 a method we do not implement, 505 an HTTP version other than 1.x.
 */
public final class RequestHeadParser {
    /** Where the head stands after a feed. */
    public enum Status {
        NEED_MORE, DONE, ERROR,
        /** The buffer is full but the head may be longer: {@link #moveTo} a bigger one, then feed again. */
        NEED_BUFFER
    }

    private static final int MAX_FIELDS = 100;
    private static final int MAX_LEADING_EMPTY_LINES = 8;

    private byte[] buf;
    private int limit;
    private int len;
    private int scan;
    private int requestLineEnd = -1;
    private int leadingSkipped;
    private int errorStatus;
    private String errorMessage;
    private RequestHead head;

    /** Starts a head in {@code buffer}, which the parser holds until {@link #release()}; the head may fill it. */
    public void begin(byte[] buffer) {
        begin(buffer, buffer.length);
    }

    /**
     * Starts a head of at most {@code limit} bytes in {@code buffer}, which may be smaller: when
     * it fills first, {@link #feed} answers {@link Status#NEED_BUFFER}.
     */
    public void begin(byte[] buffer, int limit) {
        this.limit = Math.max(limit, buffer.length);
        buf = buffer;
        len = 0;
        scan = 0;
        requestLineEnd = -1;
        leadingSkipped = 0;
        head = null;
        errorStatus = 0;
        errorMessage = null;
    }

    /**
     * Goes on in {@code other} (bigger, or just big enough for what is held): copies the bytes
     * taken so far and returns the buffer used until now.
     */
    public byte[] moveTo(byte[] other) {
        if (other.length < len) {
            throw new IllegalArgumentException("a buffer of " + other.length + " bytes cannot hold the " + len + " taken");
        }
        System.arraycopy(buf, 0, other, 0, len);
        byte[] old = buf;
        buf = other;
        return old;
    }

    /** Bytes of the head taken so far. */
    public int length() {
        return len;
    }

    /** The most the head may take. */
    public int limit() {
        return limit;
    }

    /** Gives the buffer back (to be returned to the pool); the parser then holds none. */
    public byte[] release() {
        byte[] b = buf;
        buf = null;
        len = 0;
        return b;
    }

    public boolean hasBuffer() {
        return buf != null;
    }

    /** True once any byte of a request line has arrived. */
    public boolean started() {
        return len > 0;
    }

    /**
     * For fallback to raw: false once a first line has arrived that cannot be an HTTP request line
     * ("METHOD target HTTP/x.y"); true while it still can be.
     */
    public boolean firstLineCouldBeHttp() {
        if (requestLineEnd < 0) {
            for (int i = 0; i < len; i++) {
                int c = buf[i] & 0xff;
                if (c == ' ') {
                    return true; // the method token ended; the rest may still be right
                }
                if (c < 'A' || c > 'Z') {
                    return false;
                }
            }
            return true;
        }
        int end = requestLineEnd > 0 && buf[requestLineEnd - 1] == '\r' ? requestLineEnd - 1 : requestLineEnd;
        String line = new String(buf, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1);
        return line.matches("[A-Z]+ \\S+ HTTP/\\d\\.\\d");
    }

    /** A copy of the bytes taken so far (to hand them to another role). */
    public byte[] taken() {
        return java.util.Arrays.copyOf(buf, len);
    }

    public RequestHead head() {
        return head;
    }

    public int errorStatus() {
        return errorStatus;
    }

    public String errorMessage() {
        return errorMessage;
    }

    /** Takes bytes from {@code in} up to the end of the head. */
    public Status feed(ByteBuffer in) {
        while (in.hasRemaining()) {
            if (len == 0) {
                // a client may send an empty line or two between requests (RFC 9112 section 2.2)
                while (in.hasRemaining() && (in.get(in.position()) == '\r' || in.get(in.position()) == '\n')) {
                    in.get();
                    if (++leadingSkipped > MAX_LEADING_EMPTY_LINES * 2) {
                        return error(400, "too many empty lines before the request line");
                    }
                }
                if (!in.hasRemaining()) {
                    return Status.NEED_MORE;
                }
            }
            int room = buf.length - len;
            if (room == 0) {
                if (buf.length < limit) {
                    return Status.NEED_BUFFER;
                }
                return requestLineEnd < 0
                        ? error(414, "request line longer than " + limit + " bytes")
                        : error(431, "request head longer than " + limit + " bytes");
            }
            int n = Math.min(room, in.remaining());
            in.get(buf, len, n);
            len += n;
            int end = findEnd();
            if (end >= 0) {
                in.position(in.position() - (len - end));
                len = end;
                return parse();
            }
        }
        return Status.NEED_MORE;
    }

    /** Index just past the empty line ending the head, or -1; resumable across feeds. */
    private int findEnd() {
        int i = scan;
        while (i < len) {
            if (buf[i] == '\n') {
                if (requestLineEnd < 0) {
                    requestLineEnd = i;
                }
                if (i + 1 >= len) {
                    scan = i;
                    return -1;
                }
                if (buf[i + 1] == '\n') {
                    return i + 2;
                }
                if (buf[i + 1] == '\r') {
                    if (i + 2 >= len) {
                        scan = i;
                        return -1;
                    }
                    if (buf[i + 2] == '\n') {
                        return i + 3;
                    }
                }
            }
            i++;
        }
        scan = i;
        return -1;
    }

    private Status parse() {
        int lineStart = 0;
        int lineEnd = lineEnd(lineStart);
        if (!parseRequestLine(lineStart, lineEnd)) {
            return Status.ERROR;
        }
        String[] names = new String[8];
        String[] values = new String[8];
        int count = 0;
        lineStart = next(lineEnd);
        while (true) {
            lineEnd = lineEnd(lineStart);
            if (lineEnd == lineStart) {
                break; // the empty line
            }
            if (buf[lineStart] == ' ' || buf[lineStart] == '\t') {
                return error(400, "obsolete line folding in header field");
            }
            int colon = -1;
            for (int i = lineStart; i < lineEnd; i++) {
                if (buf[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon <= lineStart) {
                return error(400, "header field without a name or colon");
            }
            for (int i = lineStart; i < colon; i++) {
                if (!isTchar(buf[i])) {
                    return error(400, "invalid character in header field name");
                }
            }
            int vs = colon + 1;
            int ve = lineEnd;
            while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t')) {
                vs++;
            }
            while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) {
                ve--;
            }
            for (int i = vs; i < ve; i++) {
                int b = buf[i] & 0xff;
                if ((b < 0x20 && b != '\t') || b == 0x7f) {
                    return error(400, "control character in header field value");
                }
            }
            if (count == MAX_FIELDS) {
                return error(431, "more than " + MAX_FIELDS + " header fields");
            }
            if (count == names.length) {
                names = java.util.Arrays.copyOf(names, count * 2);
                values = java.util.Arrays.copyOf(values, count * 2);
            }
            names[count] = ascii(lineStart, colon).toLowerCase(Locale.ROOT);
            values[count] = ascii(vs, ve);
            count++;
            lineStart = next(lineEnd);
        }
        head = new RequestHead(method, target, rawPath, query, version,
                java.util.Arrays.copyOf(names, count), java.util.Arrays.copyOf(values, count), targetHost);
        return Status.DONE;
    }

    private String method;
    private String target;
    private String rawPath;
    private String query;
    private String version;
    private String targetHost;

    /** Parses the request line into the fields above; false (with the error set) if it is bad. */
    private boolean parseRequestLine(int start, int end) {
        int sp1 = indexOf(' ', start, end);
        int sp2 = sp1 < 0 ? -1 : indexOf(' ', sp1 + 1, end);
        if (sp1 <= start || sp2 < 0 || sp2 == sp1 + 1 || sp2 + 1 >= end || indexOf(' ', sp2 + 1, end) >= 0) {
            return fail(400, "malformed request line");
        }
        for (int i = start; i < sp1; i++) {
            if (!isTchar(buf[i])) {
                return fail(400, "invalid character in method");
            }
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            int b = buf[i] & 0xff;
            if (b <= 0x20 || b >= 0x7f) {
                return fail(400, "invalid character in request target");
            }
        }
        version = ascii(sp2 + 1, end);
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            if (version.matches("HTTP/[0-9]\\.[0-9]")) {
                return fail(505, "HTTP version " + version.substring(5) + " is not supported");
            }
            return fail(400, "malformed HTTP version");
        }
        method = ascii(start, sp1);
        if (!isKnownMethod(method)) {
            return fail(501, "method " + method + " is not implemented");
        }
        target = ascii(sp1 + 1, sp2);
        if (target.indexOf('#') >= 0) {
            // in any form, the authority of an absolute-form target too (RFC 9112 section 3.2)
            return fail(400, "fragment in request target");
        }
        targetHost = null;
        String t = target;
        if (t.startsWith("http://") || t.startsWith("https://")) {
            int hostStart = t.indexOf("://") + 3;
            int slash = t.indexOf('/', hostStart);
            int q = t.indexOf('?', hostStart);
            int hostEnd = slash < 0 ? (q < 0 ? t.length() : q) : (q >= 0 && q < slash ? q : slash);
            targetHost = t.substring(hostStart, hostEnd);
            t = hostEnd == t.length() ? "/" : (t.charAt(hostEnd) == '?' ? "/" + t.substring(hostEnd) : t.substring(hostEnd));
        } else if (t.equals("*")) {
            if (!method.equals("OPTIONS")) {
                return fail(400, "'*' target is only for OPTIONS");
            }
        } else if (t.charAt(0) != '/') {
            return fail(400, "request target must start with '/'");
        }
        int q = t.indexOf('?');
        rawPath = q < 0 ? t : t.substring(0, q);
        query = q < 0 ? null : t.substring(q + 1);
        return true;
    }

    private int lineEnd(int start) {
        int i = start;
        while (buf[i] != '\n') {
            i++;
        }
        return i > start && buf[i - 1] == '\r' ? i - 1 : i;
    }

    private int next(int lineEnd) {
        return buf[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private String ascii(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private boolean fail(int status, String message) {
        error(status, message);
        return false;
    }

    private Status error(int status, String message) {
        errorStatus = status;
        errorMessage = message;
        return Status.ERROR;
    }

    /** The methods of RFC 9110 (and PATCH); other tokens get 501. */
    static boolean isKnownMethod(String m) {
        switch (m) {
            case "GET":
            case "HEAD":
            case "POST":
            case "PUT":
            case "DELETE":
            case "OPTIONS":
            case "PATCH":
            case "TRACE":
                return true;
            default:
                return false;
        }
    }

    /** RFC 9110 token characters. */
    static boolean isTchar(byte b) {
        int c = b & 0xff;
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0 && c < 0x80;
    }
}
