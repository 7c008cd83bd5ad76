package org.lws4j.core.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.HttpRequest;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Role;
import org.lws4j.api.WriteMode;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.log.LogBuild;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.conn.RoleHandler;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.spi.metrics.MetricsSink;

/**
 * The HTTP/1.1 server role (lws's h1): reads request heads into a pooled header buffer, picks the
 * vhost and mount, frames request bodies, and frames responses written by the core (files,
 * redirects, errors) or by a protocol's HTTP callbacks. Keep-alive and pipelining: the next
 * request is read only after the current response is complete and its output has drained.
 */
public final class HttpServerHandler extends RoleHandler {
    private enum Phase { IDLE, HEAD, BODY, RESPONDING }

    static final int RETRY_AFTER_SECS = 5;
    /** Request body bytes that must arrive within each {@code timeout-secs} (a minimum rate). */
    static final int BODY_MIN_BYTES = 1024;
    /** The most request body read and dropped after an early answer to keep the connection. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    private final HttpHost host;
    private final List<VhostImpl> candidates;
    private final ContextConfig cfg;
    private final HeadBuffer head;
    private final RequestRouter router;
    private Phase phase = Phase.IDLE;
    private Exchange ex;
    private int transactions;
    private boolean resumeWhenDrained;
    private boolean peerEof;
    private boolean completeAfterCallback;
    /** When the next request head's first byte came, while a metrics service times requests; 0 otherwise. */
    private long headStartedAt;

    public HttpServerHandler(ConnectionImpl conn, HttpHost host, List<VhostImpl> candidates) {
        super(conn);
        this.host = host;
        this.candidates = candidates;
        this.cfg = host.config();
        this.head = new HeadBuffer(conn, cfg.maxHttpHeaderData());
        this.router = new RequestRouter(this, conn, host, candidates);
    }

    @Override
    public Role role() {
        return Role.HTTP;
    }

    @Override
    public void onStart() {
        if (rawFallback()) {
            conn.setRoleDeadline(TimeUnit.MILLISECONDS.toNanos(RawFallback.timeoutMillis(candidates.get(0))));
        } else {
            conn.setRoleDeadline(TimeUnit.SECONDS.toNanos(cfg.timeoutSecs()));
        }
    }

    // ---- fallback to raw (lws's LWS_SERVER_OPTION_FALLBACK_TO_RAW): RawFallback ---------------

    /** True when the port's default vhost turns connections that do not speak HTTP into raw ones. */
    private boolean rawFallback() {
        return transactions == 0 && RawFallback.enabled(candidates);
    }

    private void becomeRaw(byte[] replay, ByteBuffer in) {
        head.release();
        RawFallback.become(conn, candidates.get(0), replay, in);
    }

    // ---- reading -------------------------------------------------------------------------------

    @Override
    public void onData(ByteBuffer in) {
        while (conn.isOpen()) {
            switch (phase) {
                case IDLE:
                case HEAD:
                    if (resumeWhenDrained) {
                        // a pipelined request waits until the last response has left
                        if (in.hasRemaining()) {
                            conn.holdRx();
                        }
                        return;
                    }
                    if (phase == Phase.IDLE && transactions == 0 && head.idle() && H2ServerHandler.isPreface(conn, candidates, in)) {
                        conn.setHandler(new H2ServerHandler(conn, host, candidates));
                        conn.handler().onData(in); // HTTP/2 with prior knowledge (RFC 9113 3.3)
                        return;
                    }
                    if (!in.hasRemaining() || !readHead(in)) {
                        return;
                    }
                    if (conn.handler() != this) {
                        conn.handler().onData(in); // upgraded: the rest is the new role's
                        return;
                    }
                    break;
                case BODY:
                    if (!readBody(in)) {
                        return;
                    }
                    break;
                case RESPONDING:
                default:
                    // a pipelined request waits until this response is complete
                    if (in.hasRemaining()) {
                        conn.holdRx();
                    }
                    return;
            }
        }
    }

    /** Returns false when reading must stop here (waiting, error, or all input taken). */
    private boolean readHead(ByteBuffer in) {
        if (head.idle() && rawFallback() && in.hasRemaining()) {
            byte first = in.get(in.position());
            if (first < 'A' || first > 'Z') {
                becomeRaw(new byte[0], in); // no HTTP method starts like this
                return false;
            }
        }
        if (headStartedAt == 0 && conn.thread().metrics() != null) {
            headStartedAt = System.nanoTime();
        }
        RequestHeadParser.Status st = head.feed(in);
        if (st == RequestHeadParser.Status.NEED_MORE && rawFallback() && !head.parser.firstLineCouldBeHttp()) {
            becomeRaw(head.taken(), in); // "HELLO THERE\n" is not a request line
            return false;
        }
        switch (st) {
            case NEED_MORE:
                if (phase == Phase.IDLE && !head.idle()) {
                    phase = Phase.HEAD;
                    // while it may still fall back to raw, the short raw deadline stands
                    if (!rawFallback()) {
                        conn.setRoleDeadline(TimeUnit.SECONDS.toNanos(cfg.timeoutSecs()));
                    }
                }
                return false;
            case ERROR:
                if (rawFallback()) {
                    becomeRaw(head.taken(), in);
                    return false;
                }
                RequestHeadParser p = head.parser;
                head.release();
                if (LogBuild.INFO && conn.host().log().enabled(LogLevel.INFO)) {
                    conn.log(LogLevel.INFO, "%s: bad request head: %d %s", conn, p.errorStatus(), p.errorMessage());
                }
                fail(p.errorStatus(), p.errorMessage());
                return false;
            case DONE:
            default:
                RequestHead h = head.parser.head();
                head.release();
                conn.setRoleDeadline(0);
                begin(h);
                return true;
        }
    }

    /** Returns true when the body is complete and the loop should go on with what follows. */
    private boolean readBody(ByteBuffer in) {
        if (ex.waitingForProtocol) {
            return false; // the body waits for its protocol, unread
        }
        while (true) {
            if (conn.rxUserPaused() && ex.protocolBound && !ex.responseDone) {
                // the protocol stopped reading: the rest stays queued, and the wait is the
                // protocol's, not the client's (the timeout starts afresh when it reads again)
                conn.setRoleDeadline(0);
                ex.bodyArmedAt = -1;
                return false;
            }
            BodyDecoder.Step s = ex.body.next(in);
            switch (s) {
                case PIECE:
                    if (ex.protocolBound && !ex.responseDone) {
                        if (conn.call(Reason.HTTP_BODY, ex.body.piece()) == Result.CLOSE) {
                            conn.closeAfterFlush("protocol closed during the request body");
                            return false;
                        }
                    }
                    if (!conn.isOpen()) {
                        return false;
                    }
                    break;
                case NEED_MORE:
                    // a minimum rate, not a deadline per byte: the timeout is re-armed only once
                    // BODY_MIN_BYTES more arrived, so a body trickled a byte at a time times out
                    if (ex.bodyArmedAt < 0 || ex.body.total() - ex.bodyArmedAt >= BODY_MIN_BYTES) {
                        ex.bodyArmedAt = ex.body.total();
                        conn.setRoleDeadline(TimeUnit.SECONDS.toNanos(cfg.timeoutSecs()));
                    }
                    return false;
                case ERROR:
                    ex.keepAlive = false;
                    fail(ex.body.errorStatus(), ex.body.errorMessage());
                    return false;
                case DONE:
                default:
                    conn.setRoleDeadline(0);
                    bodyComplete();
                    return true;
            }
        }
    }

    private void bodyComplete() {
        ex.bodyDone = true;
        phase = Phase.RESPONDING;
        if (ex.protocolBound && !ex.responseDone) {
            if (conn.call(Reason.HTTP_BODY_COMPLETION, null) == Result.CLOSE) {
                conn.closeAfterFlush("protocol closed at the end of the request body");
                return;
            }
        }
        maybeComplete();
    }

    // ---- dispatch ------------------------------------------------------------------------------

    private void begin(RequestHead head) {
        transactions++;
        ex = new Exchange(head);
        if (headStartedAt != 0) {
            ex.startedAt = headStartedAt;
            ex.headNanos = System.nanoTime() - headStartedAt;
            headStartedAt = 0;
        }
        phase = Phase.RESPONDING;
        ex.keepAlive = head.isHttp11()
                ? !head.headerHasToken("connection", "close")
                : head.headerHasToken("connection", "keep-alive");
        if (LogBuild.HEADER && conn.host().log().enabled(LogLevel.HEADER)) {
            conn.log(LogLevel.HEADER, "%s: %s %s %s", conn, head.method(), head.target(), head.version());
        }

        if (transactions == 1 && H2ServerHandler.upgrade(conn, host, candidates, head)) {
            ex = null; // the request is stream 1 of the HTTP/2 role now
            return;
        }
        if (!frameBody(head)) {
            return;
        }
        router.route(ex);
    }

    /** Sets up the request body's framing; false if the framing is bad (already answered). */
    private boolean frameBody(RequestHead head) {
        BodyFraming.Result f = BodyFraming.of(head, cfg.maxHttpBody());
        if (f.refused()) {
            fail(f.status(), f.message());
            return false;
        }
        ex.body = f.decoder();
        if (ex.body != null) {
            ex.bodyDone = false;
            phase = Phase.BODY;
        }
        return true;
    }

    void sendContinue() {
        if (ex != null && ex.expectContinue && !ex.continueSent && !ex.responseStarted) {
            ex.continueSent = true;
            conn.send(ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        }
    }

    // ---- responses made by the core ----------------------------------------------------------

    /** A request we will not serve for a reason the client can fix; the connection stays usable. */
    void refuse(int status, String why) {
        if (LogBuild.INFO && conn.host().log().enabled(LogLevel.INFO)) {
            conn.log(LogLevel.INFO, "%s: %d for %s: %s", conn, status, ex.head.target(), why);
        }
        respondError(status, null, false);
    }

    void unavailable(String why) {
        if (LogBuild.INFO && conn.host().log().enabled(LogLevel.INFO)) {
            conn.log(LogLevel.INFO, "%s: 503 for %s: %s", conn, ex.head.target(), why);
        }
        respondNow(ResponseFraming.statusResponse(503),
                ResponseFraming.errorPage(503, "The service for this URL is not available right now; try again shortly."));
    }

    /** A request so malformed that the connection cannot be trusted any more: answer and close. */
    void fail(int status, String why) {
        if (ex != null && ex.responseStarted) {
            conn.closeNow(why);
            return;
        }
        if (ex == null) {
            ex = new Exchange(new RequestHead("GET", "/", "/", null, "HTTP/1.1", new String[0], new String[0], null));
        }
        phase = Phase.RESPONDING;
        ex.keepAlive = false;
        respondError(status, why, true);
    }

    void respondError(int status, String detail, boolean close) {
        if (close) {
            ex.keepAlive = false;
        }
        String msg = detail != null ? detail : StatusText.of(status);
        respondNow(HttpResponse.of(status).contentType("text/html"), ResponseFraming.errorPage(status, msg));
    }

    void redirectTo(int status, String location) {
        String loc = location.replace("\r", "").replace("\n", "");
        respondNow(HttpResponse.of(status).header("Location", loc).contentType("text/html"),
                ResponseFraming.redirectPage(status, loc));
    }

    // ---- response framing --------------------------------------------------------------------

    /** The response head for the current exchange, framing {@code length} bytes (-1: unknown). */
    ByteBuffer head(HttpResponse r, long length) {
        VhostImpl v = (VhostImpl) conn.vhostNow();
        return ResponseFraming.head(ex, r, length, HttpDates.now(), host.serverString(),
                v == null ? java.util.Map.of() : v.config().headers());
    }

    /** Sends a complete response (head and body) in one write. */
    void respondNow(HttpResponse r, ByteBuffer body) {
        if (ex.responseStarted) {
            throw new IllegalStateException("the response has already started");
        }
        ByteBuffer head = head(r, StatusText.bodyless(r.status()) ? 0 : body.remaining());
        if (ex.isHead || StatusText.bodyless(r.status())) {
            conn.send(head);
        } else {
            conn.send(head, body);
        }
        responseDone();
    }

    void responseDone() {
        ex.responseDone = true;
        countRequest(ex.status);
        if (ex.file != null) {
            ex.file.close();
            ex.file = null;
        }
        maybeComplete();
    }

    /**
     * A transaction a callback completes (by answering) ends only once the callback has returned,
     * so the session stays usable until then.
     */
    @Override
    public void afterCallback() {
        if (completeAfterCallback) {
            completeAfterCallback = false;
            maybeComplete();
        }
    }

    /** Ends the transaction once both the response is complete and the request body is consumed. */
    void maybeComplete() {
        if (ex == null || !ex.responseDone || !conn.isOpen()) {
            return;
        }
        if (conn.inCallback() != null) {
            completeAfterCallback = true; // finish when the protocol's callback returns
            return;
        }
        if (!ex.bodyDone) {
            long left = ex.body.remaining();
            if (!ex.keepAlive || left < 0 || left > DRAIN_LIMIT) {
                // an answer before a big (or unknown) body ended: close rather than read it all
                conn.closeAfterFlush("response complete; request body not read");
            }
            // else: the rest of a small body is read and dropped, then the next request comes
            return;
        }
        if (ex.protocolBound) {
            conn.call(Reason.HTTP_DROP_PROTOCOL, null);
            conn.unbindProtocol();
        }
        boolean keep = ex.keepAlive && !peerEof;
        ex = null;
        if (!keep) {
            conn.closeAfterFlush(peerEof ? "peer closed its side; response complete" : "Connection: close");
            return;
        }
        phase = Phase.IDLE;
        if (conn.queuedBytes() > 0) {
            // the keep-alive clock starts when the response has left, however slow the reader
            conn.setRoleDeadline(0);
            resumeWhenDrained = true;
            conn.requestWriteable();
        } else {
            conn.setRoleDeadline(TimeUnit.SECONDS.toNanos(keepaliveSecs()));
            conn.resumeRx();
        }
    }

    @Override
    public void onRxResumed() {
        // a protocol that paused the body may have paused it after its last byte
        if (phase == Phase.BODY && ex != null) {
            readBody(ByteBuffer.allocate(0));
        }
    }

    private int keepaliveSecs() {
        VhostImpl v = (VhostImpl) conn.vhostNow();
        int k = v == null ? 5 : v.config().keepaliveTimeout();
        return k > 0 ? k : cfg.timeoutSecs();
    }

    @Override
    public void onWriteable() {
        if (resumeWhenDrained) {
            resumeWhenDrained = false;
            conn.setRoleDeadline(TimeUnit.SECONDS.toNanos(keepaliveSecs()));
            conn.resumeRx();
            return;
        }
        if (ex == null) {
            return;
        }
        if (ex.file != null) {
            FileResponses.pump(this, conn, ex);
            return;
        }
        if (ex.protocolBound && !ex.responseDone) {
            if (conn.call(Reason.HTTP_WRITEABLE, null) == Result.CLOSE) {
                conn.closeAfterFlush("protocol closed from HTTP_WRITEABLE");
            }
        }
    }

    @Override
    public void onRoleTimeout() {
        if ((phase == Phase.IDLE || phase == Phase.HEAD) && rawFallback()) {
            // a peer that waits for us to speak first, or stops mid-line, is not speaking HTTP
            becomeRaw(head.taken(), null);
            return;
        }
        if (phase == Phase.IDLE && transactions > 0 && head.idle()) {
            conn.closeNow("keep-alive connection idle");
            return;
        }
        if (phase == Phase.RESPONDING) {
            return; // a protocol may take its time to answer
        }
        head.release();
        fail(408, phase == Phase.BODY ? "request body too slow" : "request head too slow");
    }

    /** Plain bytes on a TLS port: a plain HTTP request gets a plain 400 saying so; noise gets nothing. */
    @Override
    public void onForeignBytes(org.lws4j.core.loop.Endpoint.ForeignBytesException e) {
        int b = e.firstByte();
        if (b >= 'A' && b <= 'Z') {
            String body = "This port speaks TLS: use https://\n";
            String resp = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body;
            conn.sendAroundEndpoint(ByteBuffer.wrap(resp.getBytes(StandardCharsets.ISO_8859_1)));
        }
    }

    @Override
    public void onEof() {
        if (ex != null && !ex.responseDone && ex.protocolBound) {
            // a protocol's response (a CGI program, a callback) still being made for a client that
            // left: it hears CLOSED_HTTP now and stops, rather than work on for nobody (lws closes
            // on a read of 0 too); files below keep the half-close courtesy, being ours and finite
            conn.closeNow("peer closed before the response was complete");
            return;
        }
        if (ex != null && !ex.responseDone && ex.bodyDone) {
            // a half-close after the request (clients that shut down their side once they have
            // sent it): the response still goes out whole, then the connection closes
            peerEof = true;
            conn.holdRx();
            return;
        }
        if (conn.queuedBytes() > 0) {
            conn.closeAfterFlush("peer closed its side; sending what is queued");
            return;
        }
        conn.closeNow("peer closed the connection");
    }

    @Override
    public void onClosed(String why) {
        head.closed();
        if (ex != null) {
            if (ex.file != null) {
                ex.file.close();
            }
            if (ex.protocolBound) {
                conn.call(Reason.CLOSED_HTTP, null);
            }
        }
    }

    @Override
    public void onUnbind() {
        if (ex == null || !ex.protocolBound) {
            conn.unbindProtocol();
            return;
        }
        conn.call(Reason.CLOSED_HTTP, null);
        conn.unbindProtocol();
        ex.protocolBound = false;
        if (!ex.responseStarted) {
            unavailable("protocol went away during the request");
        } else if (!ex.responseDone) {
            conn.closeAfterFlush("protocol went away mid-response");
        }
    }

    @Override
    public void onShutdown() {
        if (ex == null) {
            conn.closeNow("server shutting down");
        } else {
            conn.closeAfterFlush("server shutting down");
        }
    }

    // ---- the API for protocols ---------------------------------------------------------------

    private Exchange exchange(String what) {
        if (ex == null) {
            throw new IllegalStateException(what + ": no HTTP transaction in progress");
        }
        return ex;
    }

    @Override
    public HttpRequest request() {
        return exchange("request").head;
    }

    @Override
    public void writeHttpHeaders(HttpResponse response) {
        Exchange e = exchange("writeHttpHeaders");
        if (e.responseStarted) {
            throw new IllegalStateException("response headers were already sent");
        }
        conn.send(head(response, response.contentLength()));
        if (e.responseLength == 0 || e.isHead && e.responseLength >= 0) {
            responseDone();
        } else {
            conn.requestWriteable();
        }
    }

    @Override
    public void respond(HttpResponse response, ByteBuffer body) {
        exchange("respond");
        respondNow(response, body);
    }

    @Override
    public void respondStatus(int status, String message) {
        Exchange e = exchange("respondStatus");
        if (e.responseStarted) {
            throw new IllegalStateException("the response has already started");
        }
        respondNow(ResponseFraming.statusResponse(status), ResponseFraming.errorPage(status, message));
    }

    @Override
    public void redirect(int status, String location) {
        exchange("redirect");
        redirectTo(status, location);
    }

    @Override
    public boolean write(ByteBuffer data, WriteMode mode, boolean fin) {
        if (mode != WriteMode.HTTP) {
            throw new IllegalStateException("write(" + mode + ") on an HTTP connection; use WriteMode.HTTP");
        }
        Exchange e = exchange("write");
        ResponseFraming.checkProtocolWrite(conn, e, data.remaining());
        ResponseFraming.body(conn, e, data, fin);
        if (fin) {
            ResponseFraming.checkEnded(conn, e);
            responseDone();
        }
        return conn.isOpen() || !fin;
    }

    /** The exchange ends here: the connection becomes a WebSocket. */
    void endExchangeForUpgrade() {
        countRequest(101);
        ex = null;
    }

    /** The exchange's response is complete: counted and timed, when a metrics service is installed. */
    private void countRequest(int status) {
        MetricsSink m = conn.thread().metrics();
        if (m != null) {
            m.httpRequest(conn.metricsVhost(), conn.protocolName(), ex.head.method(), status, ex.headNanos,
                    ex.startedAt == 0 ? -1 : System.nanoTime() - ex.startedAt);
        }
    }

    /** The exchange being served, or null between requests. */
    Exchange exchange() {
        return ex;
    }
}
