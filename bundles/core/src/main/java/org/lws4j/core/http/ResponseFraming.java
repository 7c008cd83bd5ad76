package org.lws4j.core.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.lws4j.api.HttpResponse;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Reason;
import org.lws4j.core.conn.ConnectionImpl;

/**
 * How a response goes on the wire (RFC 9112 section 6): the head with its framing (Content-Length,
 * chunked, or close-delimited for HTTP/1.0), Connection, the vhost's extra headers; body pieces,
 * chunked where the length is unknown; and the core's own small HTML pages.
 */
final class ResponseFraming {
    /** A request body still to come that is larger than this is not drained: the connection closes. */
    private static final long DRAIN_LIMIT = 64 * 1024;
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CRLF_LAST_CHUNK = "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private ResponseFraming() {
    }

    /**
     * The head of {@code r} for exchange {@code ex}, framing {@code length} bytes of body (-1:
     * unknown). Marks the response started and records its framing in the exchange.
     */
    static ByteBuffer head(Exchange ex, HttpResponse r, long length, String date, String server,
                           Map<String, String> vhostHeaders) {
        int status = r.status();
        ex.status = status;
        ex.responseStarted = true;
        // a request body that will not be read makes the connection unusable for the next one
        if (!ex.bodyDone && ex.body != null && !ex.protocolBound) {
            long left = ex.body.remaining();
            if (left < 0 || left > DRAIN_LIMIT || ex.expectContinue && !ex.continueSent) {
                ex.keepAlive = false;
            }
        }
        ResponseHead h = new ResponseHead(status, date, server);
        if (StatusText.bodyless(status)) {
            ex.responseLength = 0;
        } else if (length >= 0) {
            h.header("Content-Length", Long.toString(length));
            ex.responseLength = length;
        } else if (ex.head.isHttp11()) {
            h.header("Transfer-Encoding", "chunked");
            ex.chunked = !ex.isHead;
        } else {
            ex.keepAlive = false; // HTTP/1.0 without a length: the close ends the body
        }
        if (!ex.keepAlive) {
            h.header("Connection", "close");
        } else if (!ex.head.isHttp11()) {
            h.header("Connection", "keep-alive");
        }
        h.headers(vhostHeaders);
        return h.from(r).end();
    }

    /** Sends one piece of body the way the exchange frames it (nothing at all for HEAD). */
    static void body(ConnectionImpl conn, Exchange ex, ByteBuffer data, boolean fin) {
        int n = data.remaining();
        ex.responseSent += n;
        if (ex.isHead) {
            data.position(data.limit());
            return;
        }
        if (!ex.chunked) {
            if (n > 0) {
                conn.send(data);
            }
            return;
        }
        if (n == 0) {
            if (fin) {
                conn.send(ByteBuffer.wrap(LAST_CHUNK));
            }
            return;
        }
        ByteBuffer size = ByteBuffer.wrap((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        conn.send(size, data, ByteBuffer.wrap(fin ? CRLF_LAST_CHUNK : CRLF));
    }

    /** A short HTML page for a status the core answers itself. */
    /** What a protocol's HTTP body write must respect: its callback, the head first, the length. */
    static void checkProtocolWrite(ConnectionImpl conn, Exchange e, int n) {
        if (conn.inCallback() != Reason.HTTP_WRITEABLE) {
            throw new IllegalStateException("HTTP body writes belong in HTTP_WRITEABLE, not " + conn.inCallback());
        }
        if (!e.responseStarted) {
            throw new IllegalStateException("write the response headers first (writeHttpHeaders)");
        }
        if (e.responseDone) {
            throw new IllegalStateException("the response body is already complete");
        }
        if (e.responseLength >= 0 && e.responseSent + n > e.responseLength) {
            throw new IllegalStateException("body longer than its Content-Length " + e.responseLength);
        }
    }

    /** A protocol ended its body: short of its Content-Length, the connection cannot be kept. */
    static void checkEnded(ConnectionImpl conn, Exchange e) {
        if (e.responseLength >= 0 && e.responseSent < e.responseLength) {
            conn.log(LogLevel.WARN, "%s: protocol %s ended a body at %d of its %d bytes; closing",
                    conn, conn.protocolName(), e.responseSent, e.responseLength);
            e.keepAlive = false;
        }
    }

    /** An HTML status answer; a 503 says when to try again, as every 503 of the core does. */
    static HttpResponse statusResponse(int status) {
        HttpResponse r = HttpResponse.of(status).contentType("text/html");
        return status == 503 ? r.header("Retry-After", String.valueOf(HttpServerHandler.RETRY_AFTER_SECS)) : r;
    }

    static ByteBuffer errorPage(int status, String message) {
        return page(status, message == null ? "" : Html.escape(message));
    }

    /** The page of a redirect, with a link to where it goes. */
    static ByteBuffer redirectPage(int status, String location) {
        String loc = Html.escape(location);
        return page(status, "Moved to <a href=\"" + loc + "\">" + loc + "</a>");
    }

    private static ByteBuffer page(int status, String html) {
        String title = status + " " + StatusText.of(status);
        String page = "<!DOCTYPE html><html><head><title>" + title + "</title></head><body><h1>" + title
                + "</h1><p>" + html + "</p></body></html>\n";
        return ByteBuffer.wrap(page.getBytes(StandardCharsets.UTF_8));
    }
}
