package org.lws4j.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.lws4j.api.HttpRequest;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Mount;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Role;
import org.lws4j.api.WriteMode;

/**
 * One HTTP/1.1 exchange on a callback mount, with the test as the client. The protocol gets the
 * core's order: HTTP (with the path below the mountpoint), HTTP_BODY for each piece of a declared
 * body the test sends, HTTP_BODY_COMPLETION once a declared body (even an empty one) is in, and
 * HTTP_WRITEABLE each time the test lets the socket drain after the protocol asked (writing the
 * headers asks by itself). The transaction ends with HTTP_DROP_PROTOCOL once the response is
 * complete and the body read; a connection that closes before that gives CLOSED_HTTP instead.
 *
 * <p>The response reads as a client sees it: {@link #status()}, {@link #headers()} with the
 * framing the core adds (Content-Length, or Transfer-Encoding: chunked when the length is
 * unknown, Connection: close when the connection will not be kept), and the body, de-chunked,
 * nothing for HEAD. The core's rules for the protocol's calls hold: body writes only from
 * HTTP_WRITEABLE, after the headers, within the Content-Length; one response.
 */
public final class TestExchange extends TestConnection {
    /** Request body left unread past which an early answer closes the connection instead of reading it. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    private final TestRequest request;
    private final KitRequestHead head;
    private final boolean isHead;
    private boolean keepAlive;
    private boolean protocolBound;
    private boolean bodyDeclared;
    private long bodyLength = -1;
    private long bodyQueued;
    private long bodyRead;
    private boolean bodyEnded;
    private boolean bodyDone;
    private final ArrayDeque<byte[]> body = new ArrayDeque<>();
    private boolean responseStarted;
    private boolean responseDone;
    private boolean completeAfterCallback;
    private boolean transactionEnded;
    private long responseLength = -1;
    private long responseSent;

    // what the client got
    private int status;
    private final List<Map.Entry<String, String>> responseHeaders = new ArrayList<>();
    private final ByteArrayOutputStream responseBody = new ByteArrayOutputStream();

    @Override
    TestRequest openedWith() {
        return request;
    }

    TestExchange(TestVhost vhost, TestRequest request) {
        super(vhost, request.peer);
        this.request = request;
        this.head = new KitRequestHead(request, vhost);
        this.isHead = head.method().equals("HEAD");
    }

    // ---- the client: sending ---------------------------------------------------------------------

    /**
     * Sends a piece of the declared request body: HTTP_BODY (unless the protocol has stopped
     * reading: then it waits, and arrives in order when it resumes). With a Content-Length, the
     * piece that completes it brings HTTP_BODY_COMPLETION too.
     *
     * @return false when the connection has closed or is closing: the piece went nowhere
     */
    public boolean sendBody(byte[] piece) {
        ctx.checkOwner();
        if (!bodyDeclared) {
            throw new IllegalStateException("the request declared no body (contentLength or chunked)");
        }
        if (bodyLength >= 0 && bodyQueued + piece.length > bodyLength) {
            throw new IllegalStateException("more body than its Content-Length " + bodyLength);
        }
        if (state != State.OPEN) {
            return false;
        }
        bodyQueued += piece.length;
        ctx.turn(() -> {
            body.add(piece.clone());
            countIn(piece.length);
            readBody();
        });
        return true;
    }

    /** {@link #sendBody(byte[])} of UTF-8 text. */
    public boolean sendBody(String text) {
        return sendBody(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Ends a chunked body (the last chunk): HTTP_BODY_COMPLETION. */
    public void endBody() {
        ctx.checkOwner();
        if (bodyLength >= 0 || !bodyDeclared) {
            throw new IllegalStateException("only a chunked body is ended by the client; a Content-Length ends by itself");
        }
        bodyEnded = true;
        ctx.turn(this::readBody);
    }

    /**
     * The client closes its side (TCP FIN). During a protocol's response the protocol hears
     * CLOSED_HTTP at once and the connection ends, as in the core.
     */
    @Override
    public void disconnect() {
        ctx.checkOwner();
        ctx.turn(() -> {
            if (state == State.CLOSED) {
                return;
            }
            closeNow(!responseDone && protocolBound ? "peer closed before the response was complete" : "peer closed the connection");
        });
    }

    void sendDeclaredBody() {
        byte[] b = request.body;
        if (b == null || state != State.OPEN) {
            return;
        }
        int piece = request.pieceSize > 0 ? request.pieceSize : Math.max(1, b.length);
        for (int at = 0; at < b.length && state == State.OPEN; at += piece) {
            sendBody(java.util.Arrays.copyOfRange(b, at, Math.min(b.length, at + piece)));
        }
    }

    // ---- the client: what it read ----------------------------------------------------------------

    /** The response status, or 0 while none came. */
    public int status() {
        return status;
    }

    /** The first value of response header {@code name} (any case), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : responseHeaders) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** The response headers as the client got them, in order. */
    public List<Map.Entry<String, String>> headers() {
        return List.copyOf(responseHeaders);
    }

    /** The response body that reached the client so far. */
    public byte[] body() {
        return responseBody.toByteArray();
    }

    /** {@link #body()} as UTF-8. */
    public String bodyText() {
        return responseBody.toString(StandardCharsets.UTF_8);
    }

    /** True once the protocol (or the core) has sent the whole response. */
    public boolean isResponseComplete() {
        return responseDone;
    }

    /** True once the transaction ended (HTTP_DROP_PROTOCOL): response complete and body read. */
    public boolean isComplete() {
        return transactionEnded;
    }

    // ---- the exchange, as the core runs it ---------------------------------------------------------

    void begin() {
        ctx.opened(this);
        keepAlive = head.isHttp11() ? !head.hasToken("connection", "close") : head.hasToken("connection", "keep-alive");
        if (!frameBody()) {
            return;
        }
        KitMount mount = head.kitMount();
        if (mount == null) {
            respondNow(HttpResponse.of(404).contentType("text/html"), errorPage(404, "no mount for " + head.path()));
            return;
        }
        if (mount.kind() != Mount.Kind.CALLBACK) {
            throw new IllegalStateException("the test kit serves callback:// mounts only, not " + mount.origin());
        }
        TestBinding b = vhost.protocol(mount.protocol());
        if (b == null) {
            respondNow(HttpResponse.of(503).contentType("text/html").header("Retry-After", "5"),
                    errorPage(503, "The service for this URL is not available right now; try again shortly."));
            return;
        }
        bind(b);
        protocolBound = true;
        if (call(Reason.HTTP, ByteBuffer.wrap(head.pathInMount().getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer())
                == Result.CLOSE) {
            closeAfterFlush("protocol closed the HTTP transaction");
            return;
        }
        if (!bodyDeclared) {
            maybeComplete();
        } else {
            readBody(); // an empty body (Content-Length: 0) is complete at once
        }
    }

    /** The body's framing, refused as the core refuses it; false when refused (answered). */
    private boolean frameBody() {
        List<String> te = head.headers("transfer-encoding");
        List<String> cl = head.headers("content-length");
        String bad = null;
        int badStatus = 400;
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                bad = "both Transfer-Encoding and Content-Length";
            } else if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
                bad = "transfer coding not supported: " + String.join(", ", te);
                badStatus = 501;
            } else if (!head.isHttp11()) {
                bad = "Transfer-Encoding in an HTTP/1.0 request";
            }
            bodyDeclared = true;
        } else if (!cl.isEmpty()) {
            bodyLength = head.contentLength();
            if (bodyLength < 0 || cl.stream().anyMatch(v -> !v.trim().equals(cl.get(0).trim()))) {
                bad = "bad Content-Length: " + cl;
            }
            bodyDeclared = true;
        }
        if (bad != null) {
            keepAlive = false;
            bodyDeclared = false;
            bodyDone = true;
            respondNow(HttpResponse.of(badStatus).contentType("text/html"), errorPage(badStatus, bad));
            return false;
        }
        bodyDone = !bodyDeclared;
        return true;
    }

    /** Delivers body pieces while the protocol reads; completes the body at its end. */
    private void readBody() {
        while (state == State.OPEN && !bodyDone) {
            if (isRxPaused() && protocolBound && !responseDone) {
                return; // the protocol stopped reading: the rest waits
            }
            byte[] piece = body.poll();
            if (piece != null) {
                bodyRead += piece.length;
                if (piece.length > 0 && protocolBound && !responseDone) {
                    // a view into a bigger buffer, as the core hands over a view of what it read
                    byte[] around = new byte[piece.length + 32];
                    System.arraycopy(piece, 0, around, 16, piece.length);
                    if (call(Reason.HTTP_BODY, ByteBuffer.wrap(around, 16, piece.length).slice()) == Result.CLOSE) {
                        closeAfterFlush("protocol closed during the request body");
                        return;
                    }
                }
                continue;
            }
            if (bodyLength >= 0 ? bodyRead == bodyLength : bodyEnded) {
                bodyComplete();
            }
            return;
        }
    }

    private void bodyComplete() {
        bodyDone = true;
        if (protocolBound && !responseDone && call(Reason.HTTP_BODY_COMPLETION, null) == Result.CLOSE) {
            closeAfterFlush("protocol closed at the end of the request body");
            return;
        }
        maybeComplete();
    }

    /** Ends the transaction once the response is complete and the request body consumed. */
    private void maybeComplete() {
        if (!responseDone || state != State.OPEN || transactionEnded) {
            return;
        }
        if (inCallback() != null) {
            completeAfterCallback = true; // once the protocol's callback has returned
            return;
        }
        if (!bodyDone) {
            long left = bodyLength >= 0 ? bodyLength - bodyRead : -1;
            if (!keepAlive || left < 0 || left > DRAIN_LIMIT) {
                closeAfterFlush("response complete; request body not read");
            }
            return; // else the rest of a small body is read and dropped
        }
        if (protocolBound) {
            call(Reason.HTTP_DROP_PROTOCOL, null);
            unbind();
            protocolBound = false;
        }
        transactionEnded = true;
        if (!keepAlive) {
            closeAfterFlush("Connection: close");
        }
    }

    @Override
    void afterCallback() {
        if (completeAfterCallback) {
            completeAfterCallback = false;
            maybeComplete();
        }
    }

    @Override
    void resumeDelivery() {
        readBody();
    }

    @Override
    void onWriteable() {
        if (protocolBound && !responseDone && call(Reason.HTTP_WRITEABLE, null) == Result.CLOSE) {
            closeAfterFlush("protocol closed from HTTP_WRITEABLE");
        }
    }

    @Override
    void closeByProtocol(int code, String reason) {
        closeAfterFlush("closed by protocol (" + code + " " + reason + ")");
    }

    @Override
    void onClosed(String why) {
        if (!transactionEnded && protocolBound) {
            call(Reason.CLOSED_HTTP, null);
        }
    }

    @Override
    void unbound() {
        if (transactionEnded || !protocolBound) {
            unbind();
            return;
        }
        call(Reason.CLOSED_HTTP, null);
        unbind();
        protocolBound = false;
        if (!responseStarted) {
            respondNow(HttpResponse.of(503).contentType("text/html").header("Retry-After", "5"),
                    errorPage(503, "The service for this URL is not available right now; try again shortly."));
        } else if (!responseDone) {
            closeAfterFlush("protocol went away mid-response");
        }
    }

    // ---- the response ------------------------------------------------------------------------

    /** Sends the head of {@code r} framing {@code length} bytes (-1: unknown). */
    private void sendHead(HttpResponse r, long length) {
        responseStarted = true;
        if (!bodyDone && bodyDeclared && !protocolBound) {
            long left = bodyLength >= 0 ? bodyLength - bodyRead : -1;
            if (left < 0 || left > DRAIN_LIMIT) {
                keepAlive = false;
            }
        }
        List<Map.Entry<String, String>> h = new ArrayList<>();
        if (r.contentType() != null) {
            h.add(Map.entry("Content-Type", r.contentType()));
        }
        h.addAll(r.headers());
        boolean bodyless = r.status() < 200 || r.status() == 204 || r.status() == 304;
        if (bodyless) {
            responseLength = 0;
        } else if (length >= 0) {
            h.add(Map.entry("Content-Length", Long.toString(length)));
            responseLength = length;
        } else if (head.isHttp11()) {
            h.add(Map.entry("Transfer-Encoding", "chunked"));
        } else {
            keepAlive = false; // HTTP/1.0 without a length: the close ends the body
        }
        if (!keepAlive) {
            h.add(Map.entry("Connection", "close"));
        } else if (!head.isHttp11()) {
            h.add(Map.entry("Connection", "keep-alive"));
        }
        int st = r.status();
        send(64 + h.size() * 32L, () -> {
            status = st;
            responseHeaders.addAll(h);
        });
    }

    private void sendBodyPiece(ByteBuffer data) {
        int n = data.remaining();
        responseSent += n;
        byte[] b = new byte[n];
        data.get(b);
        if (!isHead && n > 0) {
            send(n, () -> responseBody.writeBytes(b));
        }
    }

    private void respondNow(HttpResponse r, ByteBuffer content) {
        if (responseStarted) {
            throw new IllegalStateException("the response has already started");
        }
        boolean bodyless = r.status() < 200 || r.status() == 204 || r.status() == 304;
        sendHead(r, bodyless ? 0 : content.remaining());
        if (!bodyless) {
            sendBodyPiece(content);
        }
        responseDone();
    }

    private void responseDone() {
        responseDone = true;
        maybeComplete();
    }

    private void checkExchange(String what) {
        if (transactionEnded) {
            throw new IllegalStateException(what + ": no HTTP transaction in progress");
        }
    }

    static ByteBuffer errorPage(int status, String message) {
        String title = status + " " + StatusText.of(status);
        String page = "<!DOCTYPE html><html><head><title>" + title + "</title></head><body><h1>" + title
                + "</h1><p>" + escape(message == null ? "" : message) + "</p></body></html>\n";
        return ByteBuffer.wrap(page.getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ---- the role's part of the API ------------------------------------------------------------

    @Override
    public Role role() {
        return Role.HTTP;
    }

    @Override
    public HttpRequest request() {
        checkThread();
        if (transactionEnded) {
            throw new IllegalStateException("no HTTP request in progress on this connection");
        }
        return head;
    }

    @Override
    public void writeHttpHeaders(HttpResponse response) {
        checkThread();
        checkExchange("writeHttpHeaders");
        if (responseStarted) {
            throw new IllegalStateException("response headers were already sent");
        }
        sendHead(response, response.contentLength());
        if (responseLength == 0 || isHead && responseLength >= 0) {
            responseDone();
        } else {
            wantWriteable();
        }
    }

    @Override
    public void respond(HttpResponse response, ByteBuffer content) {
        checkThread();
        checkExchange("respond");
        respondNow(response, content);
    }

    @Override
    public void respondStatus(int st, String message) {
        checkThread();
        checkExchange("respondStatus");
        if (responseStarted) {
            throw new IllegalStateException("the response has already started");
        }
        HttpResponse r = HttpResponse.of(st).contentType("text/html");
        if (st == 503) {
            r.header("Retry-After", "5");
        }
        respondNow(r, errorPage(st, message));
    }

    @Override
    public void redirect(int st, String location) {
        checkThread();
        checkExchange("redirect");
        String loc = location.replace("\r", "").replace("\n", "");
        String html = "Moved to <a href=\"" + escape(loc) + "\">" + escape(loc) + "</a>";
        String title = st + " " + StatusText.of(st);
        respondNow(HttpResponse.of(st).header("Location", loc).contentType("text/html"), ByteBuffer.wrap(
                ("<!DOCTYPE html><html><head><title>" + title + "</title></head><body><h1>" + title + "</h1><p>" + html
                        + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public boolean write(ByteBuffer data, WriteMode mode, boolean fin) {
        checkThread();
        if (state != State.OPEN) {
            return false;
        }
        if (mode != WriteMode.HTTP) {
            throw new IllegalStateException("write(" + mode + ") on an HTTP connection; use WriteMode.HTTP");
        }
        checkExchange("write");
        if (inCallback() != Reason.HTTP_WRITEABLE) {
            throw new IllegalStateException("HTTP body writes belong in HTTP_WRITEABLE, not " + inCallback());
        }
        if (!responseStarted) {
            throw new IllegalStateException("write the response headers first (writeHttpHeaders)");
        }
        if (responseDone) {
            throw new IllegalStateException("the response body is already complete");
        }
        int n = data.remaining();
        if (responseLength >= 0 && responseSent + n > responseLength) {
            throw new IllegalStateException("body longer than its Content-Length " + responseLength);
        }
        sendBodyPiece(data);
        if (fin) {
            if (responseLength >= 0 && responseSent < responseLength) {
                ctx.log().log(LogLevel.WARN, "%s: protocol %s ended a body at %d of its %d bytes; closing",
                        this, protocolName(), responseSent, responseLength);
                keepAlive = false;
            }
            responseDone();
        }
        return state == State.OPEN || !fin;
    }

    @Override
    public String toString() {
        return "http#" + id() + " " + request;
    }
}
