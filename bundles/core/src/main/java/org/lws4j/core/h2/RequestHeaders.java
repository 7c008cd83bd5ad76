package org.lws4j.core.h2;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks of RFC 9113 section 8 on a decoded request header list and its trailers. A list
 * that fails is malformed: a stream error of type PROTOCOL_ERROR (section 8.1.1).
 *
 * <ul>
 *   <li>names: not empty, no upper case, no octet 0x00-0x20 or 0x7f-0xff, no colon but the
 *       leading one of a pseudo-header; values: no NUL, CR or LF, no leading or trailing
 *       space or tab (8.2.1);</li>
 *   <li>pseudo-headers: only :method, :scheme, :authority, :path and, for an extended CONNECT
 *       when this side sent SETTINGS_ENABLE_CONNECT_PROTOCOL, :protocol; each once, all before
 *       the regular fields, none in trailers (8.3);</li>
 *   <li>:method always; :scheme and a non-empty :path unless CONNECT; a plain CONNECT has only
 *       :method and :authority (8.5); an extended one all four and :protocol (RFC 8441 4);</li>
 *   <li>no connection-specific field (connection, keep-alive, proxy-connection,
 *       transfer-encoding, upgrade); te only as "trailers" (8.2.2);</li>
 *   <li>content-length a number, repeated only with the same value; Host, when present with
 *       :authority, the same;</li>
 *   <li>:method a token, and no white space or control octet in :path, :authority or :scheme
 *       (the request is handed on as an HTTP/1.1 request line and Host field).</li>
 * </ul>
 *
 * Stateless; any thread.
 */
public final class RequestHeaders {
    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    private RequestHeaders() {
    }

    /** Checks a request's list; {@code extendedConnect} says whether this side allowed :protocol. */
    public static H2Request check(int streamId, List<HeaderField> fields, boolean extendedConnect)
            throws H2Exception {
        String method = null;
        String scheme = null;
        String authority = null;
        String path = null;
        String protocol = null;
        String host = null;
        long contentLength = -1;
        boolean regular = false;
        List<HeaderField> headers = new ArrayList<>(fields.size());
        for (HeaderField f : fields) {
            String name = f.name();
            String value = f.value();
            checkValue(streamId, value);
            if (name.startsWith(":")) {
                if (regular) {
                    throw malformed(streamId, name + " after a regular field");
                }
                switch (name) {
                    case ":method" -> method = once(streamId, method, f);
                    case ":scheme" -> scheme = once(streamId, scheme, f);
                    case ":authority" -> authority = once(streamId, authority, f);
                    case ":path" -> path = once(streamId, path, f);
                    case ":protocol" -> protocol = once(streamId, protocol, f);
                    default -> throw malformed(streamId, "pseudo-header " + name);
                }
                continue;
            }
            regular = true;
            checkRegular(streamId, f);
            if (name.equals("content-length")) {
                long n = contentLength(streamId, value);
                if (contentLength >= 0 && contentLength != n) {
                    throw malformed(streamId, "content-length values differ");
                }
                contentLength = n;
            } else if (name.equals("host")) {
                host = value;
            }
            headers.add(f);
        }
        if (method == null) {
            throw malformed(streamId, "no :method");
        }
        checkToken(streamId, ":method", method);
        checkNoSpace(streamId, ":path", path);
        checkNoSpace(streamId, ":authority", authority);
        checkNoSpace(streamId, ":scheme", scheme);
        if (method.equals("CONNECT")) {
            if (protocol == null) {
                if (scheme != null || path != null || authority == null) {
                    throw malformed(streamId, "CONNECT with :scheme or :path, or without :authority");
                }
            } else if (!extendedConnect) {
                throw malformed(streamId, ":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL");
            } else if (scheme == null || path == null || authority == null || path.isEmpty()) {
                throw malformed(streamId, "extended CONNECT without :scheme, :path or :authority");
            }
        } else {
            if (protocol != null) {
                throw malformed(streamId, ":protocol on " + method);
            }
            if (scheme == null || path == null || path.isEmpty()) {
                throw malformed(streamId, "no :scheme or :path");
            }
            if (!path.startsWith("/") && !(path.equals("*") && method.equals("OPTIONS"))) {
                throw malformed(streamId, ":path " + path);
            }
        }
        if (authority != null && host != null && !authority.equals(host)) {
            throw malformed(streamId, "Host differs from :authority");
        }
        return new H2Request(method, scheme, authority != null ? authority : host, path, protocol,
                List.copyOf(headers), contentLength);
    }

    /** Checks trailers: regular fields only. */
    public static void checkTrailers(int streamId, List<HeaderField> fields) throws H2Exception {
        for (HeaderField f : fields) {
            checkValue(streamId, f.value());
            if (f.name().startsWith(":")) {
                throw malformed(streamId, "pseudo-header in trailers");
            }
            checkRegular(streamId, f);
        }
    }

    /**
     * Checks a response's field block as a client receives it (RFC 9113 section 8.3.2): one
     * {@code :status} of three digits first, no other pseudo-header, regular fields as in a
     * request.
     *
     * @return the status
     */
    public static int checkResponse(int streamId, List<HeaderField> fields) throws H2Exception {
        int status = -1;
        boolean regular = false;
        for (HeaderField f : fields) {
            checkValue(streamId, f.value());
            if (f.name().startsWith(":")) {
                if (!f.name().equals(":status") || status >= 0 || regular) {
                    throw malformed(streamId, "pseudo-header " + f.name() + " in a response");
                }
                String v = f.value();
                if (v.length() != 3 || !v.chars().allMatch(Character::isDigit)) {
                    throw malformed(streamId, ":status " + v);
                }
                status = Integer.parseInt(v);
            } else {
                regular = true;
                checkRegular(streamId, f);
            }
        }
        if (status < 0) {
            throw malformed(streamId, "response without :status");
        }
        return status;
    }

    private static void checkRegular(int streamId, HeaderField f) throws H2Exception {
        String name = f.name();
        if (name.isEmpty()) {
            throw malformed(streamId, "empty field name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c >= 'A' && c <= 'Z' || c == ':') {
                throw malformed(streamId, "field name with octet " + (int) c);
            }
        }
        if (CONNECTION_SPECIFIC.contains(name)) {
            throw malformed(streamId, "connection-specific field " + name);
        }
        if (name.equals("te") && !f.value().equals("trailers")) {
            throw malformed(streamId, "te other than trailers");
        }
    }

    private static void checkValue(int streamId, String value) throws H2Exception {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                throw malformed(streamId, "field value with NUL, CR or LF");
            }
        }
        if (!value.isEmpty()) {
            char first = value.charAt(0);
            char last = value.charAt(value.length() - 1);
            if (first == ' ' || first == '\t' || last == ' ' || last == '\t') {
                throw malformed(streamId, "field value with leading or trailing white space");
            }
        }
    }

    /** A method is a token (RFC 9110 5.6.2): it goes into an HTTP/1.1 request line as it is. */
    private static void checkToken(int streamId, String what, String value) throws H2Exception {
        if (value.isEmpty()) {
            throw malformed(streamId, "empty " + what);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                throw malformed(streamId, what + " with octet " + (int) c);
            }
        }
    }

    /** A request target, authority or scheme has no white space or control octet (8.3.1). */
    private static void checkNoSpace(int streamId, String what, String value) throws H2Exception {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                throw malformed(streamId, what + " with octet " + (int) c);
            }
        }
    }

    private static String once(int streamId, String seen, HeaderField f) throws H2Exception {
        if (seen != null) {
            throw malformed(streamId, f.name() + " twice");
        }
        return f.value();
    }

    private static long contentLength(int streamId, String value) throws H2Exception {
        if (value.isEmpty() || value.length() > 18) {
            throw malformed(streamId, "content-length " + value);
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed(streamId, "content-length " + value);
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static H2Exception malformed(int streamId, String message) {
        return H2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, "malformed request: " + message);
    }
}
