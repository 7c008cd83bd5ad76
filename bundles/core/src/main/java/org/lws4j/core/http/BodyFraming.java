package org.lws4j.core.http;

import java.util.List;

/**
 * How a request body is framed (RFC 9112 section 6.3): chunked, a Content-Length, or none. The
 * combinations that let a request be smuggled past another server are refused: both headers,
 * codings other than chunked, chunked in HTTP/1.0, and Content-Length values that disagree.
 */
final class BodyFraming {
    /** The framing, or the status and reason to refuse the request with. */
    record Result(BodyDecoder decoder, int status, String message) {
        boolean refused() {
            return status != 0;
        }
    }

    private BodyFraming() {
    }

    static Result of(RequestHead head, long maxBody) {
        List<String> te = head.headers("transfer-encoding");
        List<String> cl = head.headers("content-length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                return refuse(400, "both Transfer-Encoding and Content-Length");
            }
            if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
                return refuse(501, "transfer coding not supported: " + String.join(", ", te));
            }
            if (!head.isHttp11()) {
                return refuse(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            return new Result(BodyDecoder.chunked(maxBody), 0, null);
        }
        if (cl.isEmpty()) {
            return new Result(null, 0, null);
        }
        long n = -1;
        for (String v : cl) {
            long m = parseLength(v);
            if (m < 0 || (n >= 0 && m != n)) {
                return refuse(400, "bad Content-Length: " + v);
            }
            n = m;
        }
        if (n > maxBody) {
            return refuse(413, "request body of " + n + " bytes is over the limit of " + maxBody);
        }
        return new Result(BodyDecoder.fixed(n), 0, null);
    }

    private static Result refuse(int status, String message) {
        return new Result(null, status, message);
    }

    private static long parseLength(String v) {
        String s = v.trim();
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }
}
