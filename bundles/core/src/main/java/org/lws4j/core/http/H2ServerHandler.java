package org.lws4j.core.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.Context;
import org.lws4j.api.Log;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Role;
import org.lws4j.core.conn.ConnectionHost;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.conn.RoleHandler;
import org.lws4j.core.h2.ErrorCode;
import org.lws4j.core.h2.H2Connection;
import org.lws4j.core.h2.H2Limits;
import org.lws4j.core.h2.H2Listener;
import org.lws4j.core.h2.H2Request;
import org.lws4j.core.h2.HeaderField;
import org.lws4j.core.vhost.VhostImpl;

/**
 * The HTTP/2 server role (lws's h2) on one socket: {@link H2Connection} keeps the frames, streams
 * and windows; each request stream gets a connection of its own (lws's child wsi) served by the
 * HTTP role as an HTTP/1.1 exchange, so vhosts, mounts (files, redirects, callbacks, origins)
 * and the protocol callbacks work unchanged: the request is handed to it as an HTTP/1.1 head and
 * body ({@code Connection: close}, a chunked body when no length was given), its response comes
 * back through {@link H2StreamEndpoint} as HEADERS and DATA. An RFC 8441 extended CONNECT with
 * {@code :protocol websocket} is handed over as a WebSocket upgrade; its 101 becomes 200 and the
 * stream carries the WebSocket frames both ways.
 *
 * <p>Frames are gathered and written in one send per turn. A stream writes only while its
 * window and the socket's queue allow; it is woken when they do. Service thread only.
 */
public final class H2ServerHandler extends RoleHandler implements H2Listener {
    /** Socket output queued past which streams wait for the socket. */
    private static final long SOCKET_QUEUE_LIMIT = 256 * 1024;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final HttpHost host;
    private final List<VhostImpl> candidates;
    private final H2Connection h2;
    private final Map<Integer, H2StreamEndpoint> streams = new HashMap<>();
    private final Set<H2StreamEndpoint> waitingForSocket = new LinkedHashSet<>();
    private final List<ByteBuffer> pending = new ArrayList<>();
    private long pendingBytes;
    private boolean flushPosted;
    private boolean closing;
    /** After the final GOAWAY, before the close: the peer has a moment to read it. */
    private boolean draining;
    private static final long DRAIN_LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * The server or the connection's vhost is going (onShutdown): GOAWAY went out, the streams got
     * their goodbyes, and the socket closes when they are done or at {@link #SHUTDOWN_GRACE_NANOS}.
     */
    private boolean shuttingDown;
    private static final long SHUTDOWN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long the idle close waits for the answer to its shutdown PING before it goes on without. */
    private static final long SHUTDOWN_ACK_NANOS = TimeUnit.SECONDS.toNanos(1);

    public H2ServerHandler(ConnectionImpl conn, HttpHost host, List<VhostImpl> candidates) {
        super(conn);
        this.host = host;
        this.candidates = candidates;
        // RFC 8441 is offered unless the port's default vhost says "ws-over-h2": "0"
        boolean ws = candidates.isEmpty() || candidates.get(0).config().flagOption("ws-over-h2", true);
        this.h2 = new H2Connection(H2Limits.defaults().withConnectProtocol(ws), this, this::frame, System::nanoTime);
    }

    @Override
    public Role role() {
        return Role.HTTP;
    }

    /**
     * Whether the first bytes of a connection of its own (not a stream's) are the HTTP/2 client
     * preface, h2c by prior knowledge (RFC 9113 3.3): at least "PRI ", all of them matching.
     */
    static boolean isPreface(ConnectionImpl conn, List<VhostImpl> candidates, ByteBuffer in) {
        if (in.remaining() < 4 || conn.endpoint() instanceof H2StreamEndpoint || !h2cAllowed(conn, candidates)) {
            return false;
        }
        byte[] p = org.lws4j.core.h2.PrefaceReader.PREFACE;
        for (int i = 0, n = Math.min(p.length, in.remaining()); i < n; i++) {
            if (in.get(in.position() + i) != p[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Takes over a connection whose HTTP/1.1 request asked for h2c ({@code Upgrade: h2c} with
     * {@code HTTP2-Settings}, RFC 7540 3.2) when it can: a cleartext connection's first request,
     * without a body, whose settings and fields pass the HTTP/2 checks. Answers 101, becomes the
     * role, and serves the request as stream 1. False (nothing done) when it cannot: the request
     * is then served over HTTP/1.1, as a server may.
     */
    static boolean upgrade(ConnectionImpl conn, HttpHost host, List<VhostImpl> candidates, RequestHead head) {
        if (conn.isSecure() || !h2cAllowed(conn, candidates) || !head.isHttp11() || !head.headerHasToken("upgrade", "h2c")
                || !head.headerHasToken("connection", "http2-settings") || head.contentLength() > 0
                || head.header("transfer-encoding") != null || head.headers("http2-settings").size() != 1) {
            return false;
        }
        List<org.lws4j.core.h2.Setting> settings = new ArrayList<>();
        H2Request request;
        try {
            byte[] p = Base64.getUrlDecoder().decode(head.header("http2-settings").trim().replace("=", ""));
            if (p.length % 6 != 0) {
                return false;
            }
            ByteBuffer b = ByteBuffer.wrap(p);
            while (b.hasRemaining()) {
                settings.add(org.lws4j.core.h2.Setting.checked(b.getShort() & 0xffff, b.getInt() & 0xffffffffL));
            }
            List<HeaderField> fields = new ArrayList<>();
            fields.add(new HeaderField(":method", head.method()));
            fields.add(new HeaderField(":scheme", "http"));
            fields.add(new HeaderField(":path", head.target()));
            if (head.header("host") != null) {
                fields.add(new HeaderField(":authority", head.header("host")));
            }
            for (String name : head.headerNames()) {
                String n = name.toLowerCase(java.util.Locale.ROOT);
                if (!Set.of("host", "connection", "upgrade", "http2-settings", "keep-alive", "te").contains(n)) {
                    for (String v : head.headers(name)) {
                        fields.add(new HeaderField(n, v));
                    }
                }
            }
            request = org.lws4j.core.h2.RequestHeaders.check(1, fields, false);
        } catch (IllegalArgumentException | org.lws4j.core.h2.H2Exception e) {
            return false;
        }
        conn.send(ByteBuffer.wrap("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)));
        H2ServerHandler h = new H2ServerHandler(conn, host, candidates);
        conn.setHandler(h);
        try {
            h.h2.upgrade(settings, request);
        } catch (org.lws4j.core.h2.H2Exception e) {
            h.h2.goAway(e.code(), e.getMessage());
        }
        h.flush();
        return true;
    }

    /**
     * HTTP/2 on a cleartext port is on unless the port's default vhost says {@code "h2c": "0"}
     * (behind a proxy that passes Upgrade on, h2c lets clients past the proxy's rules); on TLS
     * ports ALPN decides.
     */
    private static boolean h2cAllowed(ConnectionImpl conn, List<VhostImpl> candidates) {
        return conn.isSecure() || candidates.isEmpty() || candidates.get(0).config().flagOption("h2c", true);
    }

    H2Connection h2() {
        return h2;
    }

    @Override
    public void onStart() {
        h2.start();
        idleDeadline();
        flush();
    }

    @Override
    public void onData(ByteBuffer in) {
        h2.receive(in);
        flush();
    }

    // ---- output ------------------------------------------------------------------------------

    private void frame(ByteBuffer b) {
        pending.add(b);
        pendingBytes += b.remaining();
    }

    /** Writes the frames gathered so far (now, or at the end of this turn). */
    void flushSoon() {
        if (!flushPosted) {
            flushPosted = true;
            conn.thread().execute(() -> {
                flushPosted = false;
                if (conn.isOpen()) {
                    flush();
                }
            });
        }
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        ByteBuffer[] bufs = pending.toArray(new ByteBuffer[0]);
        pending.clear();
        pendingBytes = 0;
        conn.send(bufs);
        if (socketFull() || !waitingForSocket.isEmpty()) {
            // streams that found the socket full wait for WRITEABLE: without asking here, a
            // queue that filled only with what was gathered this turn (pendingBytes) and then
            // went out whole would never call onWriteable, and they would wait until a timeout
            conn.requestWriteable();
        }
    }

    boolean socketFull() {
        return conn.queuedBytes() + pendingBytes > SOCKET_QUEUE_LIMIT;
    }

    void waitForSocket(H2StreamEndpoint s) {
        waitingForSocket.add(s);
        conn.requestWriteable();
    }

    @Override
    public void onWriteable() {
        List<H2StreamEndpoint> l = new ArrayList<>(waitingForSocket);
        waitingForSocket.clear();
        for (H2StreamEndpoint s : l) {
            if (!socketFull() && s.child != null) {
                s.child.writableFromBridge();
            } else {
                waitingForSocket.add(s);
            }
        }
        flush();
    }

    // ---- streams -----------------------------------------------------------------------------

    @Override
    public void onRequest(int streamId, H2Request r, boolean endStream) {
        boolean websocket = r.isExtendedConnect() && r.protocol().equalsIgnoreCase("websocket");
        H2StreamEndpoint ep = new H2StreamEndpoint(this, conn.endpoint(), streamId, r.method().equals("HEAD"), websocket);
        ep.tunnel = websocket;
        ep.chunkedRequest = !endStream && !websocket && r.contentLength() < 0;
        ConnectionImpl child = new ConnectionImpl((conn.id() << 31) | streamId, conn.thread(), new ChildHost(conn.host()), ep);
        ep.child = child;
        streams.put(streamId, ep);
        idleDeadline();
        try {
            child.register(new HttpServerHandler(child, host, candidates));
        } catch (IOException e) {
            child.closeNow("stream start failed: " + e);
            return;
        }
        if (candidates.isEmpty()) {
            // the port serves no vhost any more (removed): this stream gets its 503, and GOAWAY
            // tells the client to take its next request to a new connection (which is refused)
            h2.goAway(ErrorCode.NO_ERROR, "no vhost on this port any more");
        }
        ByteBuffer head = ByteBuffer.wrap(requestHead(r, endStream, websocket).getBytes(StandardCharsets.ISO_8859_1));
        // the request's framing tells the HTTP role where it ends: END_STREAM is not an EOF
        child.deliver(head);
        if (child.vhostNow() != null) {
            // the socket belongs to the vhost of its latest request, as over HTTP/1.1 (an edited
            // vhost is a new one): removing that vhost or the TLS provider ends it
            conn.setVhost(child.vhostNow());
        }
    }

    /** The request as HTTP/1.1 for the stream's HTTP role. */
    private static String requestHead(H2Request r, boolean endStream, boolean websocket) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(websocket ? "GET" : r.method()).append(' ')
                .append(r.method().equals("CONNECT") && !websocket ? r.authority() : r.path())
                .append(" HTTP/1.1\r\n");
        if (r.authority() != null) {
            sb.append("Host: ").append(r.authority()).append("\r\n");
        }
        for (HeaderField f : r.headers()) {
            switch (f.name()) {
                case "host", "cookie", "expect", "te" -> {
                }
                default -> sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
            }
        }
        String cookie = r.cookie();
        if (cookie != null) {
            sb.append("cookie: ").append(cookie).append("\r\n");
        }
        if (websocket) {
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            sb.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ")
                    .append(Base64.getEncoder().encodeToString(key)).append("\r\n");
        } else {
            sb.append("Connection: close\r\n");
            if (!endStream && r.contentLength() < 0) {
                sb.append("Transfer-Encoding: chunked\r\n");
            }
        }
        return sb.append("\r\n").toString();
    }

    @Override
    public void onData(int streamId, ByteBuffer data, boolean endStream) {
        H2StreamEndpoint ep = streams.get(streamId);
        int n = data.remaining();
        if (ep == null || ep.child == null) {
            h2.resetStream(streamId, ErrorCode.STREAM_CLOSED);
            return;
        }
        ConnectionImpl child = ep.child;
        boolean chunked = ep.chunkedRequest;
        if (chunked && n > 0) {
            child.deliver(ByteBuffer.wrap((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
            child.deliver(data);
            child.deliver(ByteBuffer.wrap(new byte[] {'\r', '\n'}));
        } else {
            child.deliver(data);
        }
        if (child.heldInput() > 0) {
            // the stream's protocol paused its body: the peer gets this window back once it is read
            ep.uncredited += n;
        } else {
            h2.consumed(streamId, n);
        }
        if (endStream) {
            if (chunked) {
                child.deliver(ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            }
            if (ep.tunnel) {
                child.deliverEof(); // the WebSocket's peer ended its side
            }
        }
    }

    @Override
    public void onTrailers(int streamId, List<HeaderField> trailers) {
        onData(streamId, ByteBuffer.allocate(0), true);
    }

    @Override
    public void onReset(int streamId, ErrorCode code, boolean byPeer) {
        H2StreamEndpoint ep = streams.get(streamId);
        if (ep != null && ep.child != null) {
            ep.child.closeNow("stream " + streamId + " reset" + (byPeer ? " by the peer" : "") + ": " + code);
        }
    }

    @Override
    public void onWritable(int streamId) {
        H2StreamEndpoint ep = streams.get(streamId);
        if (ep != null && ep.child != null) {
            ConnectionImpl c = ep.child;
            conn.thread().execute(c::writableFromBridge);
        }
    }

    void childClosed(H2StreamEndpoint ep) {
        streams.remove(ep.streamId);
        waitingForSocket.remove(ep);
        ep.child = null;
        idleDeadline();
    }

    @Override
    public void onGoAway(int lastStreamId, ErrorCode code, boolean byPeer) {
        if (org.lws4j.core.log.LogBuild.INFO && conn.host().log().enabled(LogLevel.INFO)) {
            conn.log(LogLevel.INFO, "%s: GOAWAY %s last stream %d%s", conn, code, lastStreamId, byPeer ? " from the peer" : "");
        }
    }

    @Override
    public void onClosed(ErrorCode code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        closeStreams("HTTP/2 connection closed: " + code);
        flush();
        if (code == ErrorCode.NO_ERROR && !h2.peerSawGoAway()) {
            // drained after a GOAWAY the peer may not have read yet: a request it sent meanwhile
            // is to be retried on a new connection, which the GOAWAY tells it; closing at once
            // would meet that request with an EOF instead. Input is ignored meanwhile (RFC 9113
            // 6.8). After the two-step shutdown (the peer answered the PING that followed the
            // first GOAWAY) it has sent nothing more to be served, and the socket closes now.
            draining = true;
            conn.setRoleDeadline(DRAIN_LINGER_NANOS);
            return;
        }
        conn.closeAfterFlush("HTTP/2 " + code + ": " + reason);
    }

    private void closeStreams(String why) {
        for (H2StreamEndpoint ep : new ArrayList<>(streams.values())) {
            if (ep.child != null) {
                ep.child.closeNow(why);
            }
        }
        streams.clear();
    }

    // ---- the socket's events -----------------------------------------------------------------

    /** Without streams the connection may idle for the keep-alive time; with some, stalls are checked. */
    private void idleDeadline() {
        if (draining || shuttingDown || h2.awaitingShutdownAck()) {
            return;
        }
        VhostImpl v = candidates.isEmpty() ? null : candidates.get(0);
        int secs = streams.isEmpty() && v != null && v.config().keepaliveTimeout() > 0
                ? v.config().keepaliveTimeout() : host.config().timeoutSecs();
        conn.setRoleDeadline(TimeUnit.SECONDS.toNanos(secs));
    }

    @Override
    public void onRoleTimeout() {
        if (draining) {
            conn.closeAfterFlush("HTTP/2 connection drained");
            return;
        }
        if (shuttingDown) {
            // streams still open at the end of the grace time are cut
            closing = true;
            closeStreams("server shutting down: grace time over");
            flush();
            conn.closeAfterFlush("server shutting down");
            return;
        }
        if (h2.awaitingShutdownAck()) {
            // the peer did not answer the PING after the first GOAWAY: send the final one without
            h2.goAway(ErrorCode.NO_ERROR, "idle");
            flush();
            idleDeadline();
            return;
        }
        if (h2.settingsAckOverdue(TimeUnit.SECONDS.toNanos(host.config().timeoutSecs()))) {
            h2.goAway(ErrorCode.SETTINGS_TIMEOUT, "no SETTINGS ack");
            flush();
            return;
        }
        if (streams.isEmpty() && !h2.isGoingAway()) {
            // idle: the two-step shutdown of RFC 9113 6.8 (GOAWAY 2^31-1 and a PING, then the final
            // GOAWAY), so that a request the peer sends meanwhile is served, not lost
            h2.shutdown();
            flush();
            conn.setRoleDeadline(SHUTDOWN_ACK_NANOS);
            return;
        }
        h2.resetStalled(STALL_NANOS);
        flush();
        idleDeadline();
    }

    @Override
    public void onEof() {
        closing = true;
        closeStreams("peer closed the connection");
        conn.closeNow("peer closed the connection");
    }

    @Override
    public void onClosed(String why) {
        closing = true;
        closeStreams(why);
    }

    /**
     * The server stops, the connection's vhost is removed, or the TLS provider goes: GOAWAY with
     * the last stream the peer opened (later ones are not served; the peer may retry them
     * elsewhere), then every open stream ends the way its role ends over HTTP/1.1 (a WebSocket
     * sends 1001 and waits for the peer's close, a response being written is finished from what is
     * queued), and the socket closes once they are done (RFC 9113 6.8), or after
     * {@link #SHUTDOWN_GRACE_NANOS} at the latest.
     */
    @Override
    public void onShutdown() {
        if (closing || shuttingDown) {
            return;
        }
        shuttingDown = true;
        conn.setRoleDeadline(SHUTDOWN_GRACE_NANOS);
        h2.goAway(ErrorCode.NO_ERROR, "server shutting down");
        for (H2StreamEndpoint ep : new ArrayList<>(streams.values())) {
            if (ep.child != null && ep.child.isOpen()) {
                ep.child.handler().onShutdown();
            }
        }
        flush();
    }

    /** The connections of the streams open now (HTTP exchanges and WebSockets over HTTP/2). */
    @Override
    public List<ConnectionImpl> streams() {
        List<ConnectionImpl> l = new ArrayList<>(streams.size());
        for (H2StreamEndpoint ep : streams.values()) {
            if (ep.child != null) {
                l.add(ep.child);
            }
        }
        return l;
    }

    /**
     * A stream's connection: the context's, listed with the others (a WebSocket over HTTP/2 shows
     * on the status page and in {@code lws:connections} as over HTTP/1.1), but not counted as a
     * socket of its own against the connection limit.
     */
    private record ChildHost(ConnectionHost parent) implements ConnectionHost {
        @Override
        public Context context() {
            return parent.context();
        }

        @Override
        public Log log() {
            return parent.log();
        }

        @Override
        public void connectionOpened(ConnectionImpl c) {
            parent.streamOpened(c);
        }

        @Override
        public void connectionClosed(ConnectionImpl c) {
            parent.streamClosed(c);
        }
    }
}
