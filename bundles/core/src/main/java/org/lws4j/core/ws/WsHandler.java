package org.lws4j.core.ws;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import java.util.ArrayList;
import java.util.List;

import org.lws4j.api.CloseStatus;
import org.lws4j.spi.extension.Extension;
import org.lws4j.spi.extension.ExtensionException;
import org.lws4j.spi.extension.ExtensionSession;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Role;
import org.lws4j.api.WriteMode;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.http.RequestHead;
import org.lws4j.core.log.LogBuild;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.conn.RoleHandler;

/**
 * The WebSocket role (RFC 6455), after the handshake. Reads frames, enforces the framing rules
 * (masking, reserved bits and opcodes, control frame rules, fragmentation order, UTF-8 checked as
 * it arrives, frame and message size limits) and delivers message data to the protocol in pieces
 * of at most its rx buffer size, with first/final/remaining telling where each piece stands.
 * Answers pings, runs the close handshake, and frames what the protocol writes.
 *
 * <p>Once a Close frame has been sent nothing else is sent on the connection, and data that
 * still arrives is dropped while waiting for the peer's Close.
 */
public final class WsHandler extends RoleHandler {
    private enum State { OPEN, CLOSE_SENT }

    static final int DEFAULT_RX = 4096;
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final boolean client;
    /**
     * The frame reader, made when the first byte arrives: an idle connection (a mirror listener,
     * a dashboard) never needs its header buffer, UTF-8 state and message bookkeeping, and on a
     * server holding many of them those are a good part of what each costs.
     */
    private WsReceiver rx;
    private final ContextConfig cfg;
    private final int rxSize;
    private RequestHead head;
    private boolean established;
    private boolean closedDelivered;
    private State state = State.OPEN;

    // idle pings (ws-pingpong-secs)
    private final long pingNanos;
    private org.lws4j.core.loop.Timer pingTimer;
    private long lastRx = System.nanoTime();
    private boolean pingOutstanding;

    // sending
    private boolean txMsgOpen;
    private boolean txTransformed;

    // extensions: at most one transforms messages (permessage-deflate); others only take part
    private final List<WsUpgrade.Agreed> agreed;
    private final ExtensionSession transform;
    public WsHandler(ConnectionImpl conn, RequestHead head, ContextConfig cfg, boolean client, List<WsUpgrade.Agreed> agreed) {
        super(conn);
        this.agreed = List.copyOf(agreed);
        this.transform = agreed.isEmpty() ? null : agreed.get(0).session();
        this.head = head;
        this.client = client;
        this.cfg = cfg;
        int rx = conn.binding() == null ? 0 : conn.binding().rxBufferSize();
        this.rxSize = rx > 0 ? rx : DEFAULT_RX;
        this.pingNanos = TimeUnit.SECONDS.toNanos(cfg.wsPingPongSecs());
    }

    @Override
    public Role role() {
        return Role.WEBSOCKET;
    }

    @Override
    public void onStart() {
        conn.setRoleDeadline(0);
        if (pingNanos > 0) {
            pingTimer = new org.lws4j.core.loop.Timer(this::pingTick);
            conn.thread().timers().schedule(pingTimer, System.nanoTime() + pingNanos);
        }
        Result r = conn.call(client ? Reason.CLIENT_ESTABLISHED : Reason.ESTABLISHED, null);
        established = true;
        head = null; // lws frees header information after ESTABLISHED
        if (r == Result.CLOSE) {
            closeFromProtocol(0, null);
        }
    }

    // ---- receiving -----------------------------------------------------------------------------

    /**
     * lws's ws-pingpong-secs: a connection silent that long gets a ping; one still silent a
     * period later (no pong, nothing at all) is taken for dead and closed.
     */
    private void pingTick() {
        if (state != State.OPEN || !conn.isOpen()) {
            return;
        }
        long now = System.nanoTime();
        long idle = now - lastRx;
        if (idle < pingNanos) {
            conn.thread().timers().schedule(pingTimer, lastRx + pingNanos);
            return;
        }
        if (pingOutstanding) {
            conn.closeNow("no pong within " + (pingNanos / 1_000_000_000L) + " s of our ping");
            return;
        }
        pingOutstanding = true;
        sendFrame(FrameHeader.OP_PING, true, ByteBuffer.wrap(new byte[] {'l', 'w', 's'}));
        conn.thread().timers().schedule(pingTimer, now + pingNanos);
    }

    // ---- receiving -----------------------------------------------------------------------------

    @Override
    public void onData(ByteBuffer in) {
        if (pingNanos > 0 && in.hasRemaining()) {
            lastRx = System.nanoTime();
            pingOutstanding = false;
        }
        if (rx != null || in.hasRemaining()) {
            receiver().onData(in); // the handshake's reader hands over what followed it, often nothing
        }
    }

    /** The frame reader, made on first use (see {@link #rx}). */
    private WsReceiver receiver() {
        WsReceiver r = rx;
        if (r == null) {
            int bits = 0;
            for (WsUpgrade.Agreed a : agreed) {
                bits |= a.session().rsvBits();
            }
            r = new WsReceiver(this, conn, client, rxSize, cfg.wsMaxFrameSize(), cfg.wsMaxMessageSize(), bits >> 4, transform);
            rx = r;
        }
        return r;
    }

    @Override
    public void onRxResumed() {
        if (pending != null) {
            replayPending(); // kept pieces go first, in order
            if (pending != null) {
                return;
            }
        }
        if (rx != null) {
            rx.resumed();
        }
    }

    /** True while message data is still delivered: no Close sent, the connection not closing. */
    boolean receiving() {
        return state == State.OPEN && conn.isOpen();
    }

    /** A piece of message data for the protocol. */
    void received(ByteBuffer data) {
        if (parked != null) {
            keepWhileParked(data);
            return;
        }
        if (rx.isFinalFragment()) {
            conn.countMessageIn();
        }
        if (conn.call(client ? Reason.CLIENT_RECEIVE : Reason.RECEIVE, data) == Result.CLOSE) {
            closeFromProtocol(0, null);
        }
    }

    /** A control frame from the peer. */
    void control(int opcode, ByteBuffer payload) {
        handleControl(opcode, payload);
    }

    private void handleControl(int opcode, ByteBuffer payload) {
        switch (opcode) {
            case FrameHeader.OP_PING:
                if (state == State.OPEN) {
                    sendFrame(FrameHeader.OP_PONG, true, payload);
                }
                break;
            case FrameHeader.OP_PONG:
                if (state == State.OPEN) {
                    if (conn.call(client ? Reason.CLIENT_RECEIVE_PONG : Reason.RECEIVE_PONG, payload.asReadOnlyBuffer()) == Result.CLOSE) {
                        closeFromProtocol(0, null);
                    }
                }
                break;
            case FrameHeader.OP_CLOSE:
            default:
                peerClose(payload);
                break;
        }
    }

    private void peerClose(ByteBuffer payload) {
        int code = CloseStatus.NO_STATUS;
        if (payload.remaining() == 1) {
            fail(CloseStatus.PROTOCOL_ERROR, "close frame with a 1-byte payload");
            return;
        }
        if (payload.remaining() >= 2) {
            code = payload.getShort(payload.position()) & 0xffff;
            if (!CloseStatus.isSendable(code)) {
                fail(CloseStatus.PROTOCOL_ERROR, "close code " + code + " may not be sent");
                return;
            }
            ByteBuffer reason = payload.duplicate();
            reason.position(reason.position() + 2);
            Utf8Validator v = new Utf8Validator();
            if (!v.feed(reason) || !v.isComplete()) {
                fail(CloseStatus.INVALID_PAYLOAD, "close reason is not UTF-8");
                return;
            }
        }
        if (state == State.CLOSE_SENT) {
            conn.closeAfterFlush("close handshake complete");
            return;
        }
        countClose(code, true);
        if (LogBuild.INFO && conn.host().log().enabled(LogLevel.INFO)) {
            conn.log(LogLevel.INFO, "%s: peer closed with %d", conn, code);
        }
        if (conn.call(Reason.WS_PEER_INITIATED_CLOSE, payload.duplicate().asReadOnlyBuffer()) == Result.CLOSE) {
            conn.closeNow("protocol closed at once on the peer's close");
            return;
        }
        // echo the peer's code and reason (RFC 6455 section 5.5.1), as lws does: the peer's page
        // shows what it sent; a copy, as the payload lives in the thread's read buffer
        state = State.CLOSE_SENT;
        ByteBuffer echo = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
        sendFrame(FrameHeader.OP_CLOSE, true, echo);
        conn.closeAfterFlush("peer closed");
    }

    /** Fails the connection for a peer's violation: Close with the code, then close the TCP connection. */
    boolean fail(int code, String reason) {
        if (LogBuild.INFO && conn.host().log().enabled(LogLevel.INFO)) {
            conn.log(LogLevel.INFO, "%s: failing WebSocket: %d %s", conn, code, reason);
        }
        if (state == State.OPEN) {
            sendClose(code, reason);
        }
        conn.closeAfterFlush("WebSocket failed: " + code + " " + reason);
        return false;
    }

    // ---- sending -------------------------------------------------------------------------------

    private boolean sendFrame(int opcode, boolean fin, ByteBuffer payload) {
        return sendFrame(opcode, fin, 0, payload);
    }

    /** False when the connection took nothing (it is closing, or the socket failed). */
    private boolean sendFrame(int opcode, boolean fin, int rsv, ByteBuffer payload) {
        byte[] mask = client ? FrameWriter.newMask() : null;
        ByteBuffer h = FrameWriter.header(opcode, fin, rsv, payload.remaining(), mask);
        return conn.send(h, mask == null ? payload : FrameWriter.masked(payload, mask));
    }

    private void sendClose(int code, String reason) {
        countClose(CloseStatus.isSendable(code) ? code : CloseStatus.NO_STATUS, false);
        state = State.CLOSE_SENT;
        sendFrame(FrameHeader.OP_CLOSE, true, FrameWriter.closePayload(code, reason));
    }

    /** A close handshake begins: counted by code and side, when a metrics service is installed. */
    private void countClose(int code, boolean byPeer) {
        org.lws4j.spi.metrics.MetricsSink m = conn.thread().metrics();
        if (m != null) {
            m.wsClose(conn.metricsVhost(), conn.protocolName(), code, byPeer);
        }
    }

    /** The protocol closes: Close frame now (once), then wait a bounded time for the peer's. */
    private void closeFromProtocol(int code, String reason) {
        if (state != State.OPEN) {
            return;
        }
        sendClose(code, reason);
        conn.setRoleDeadline(CLOSE_WAIT_NANOS);
    }

    @Override
    public boolean write(ByteBuffer data, WriteMode mode, boolean fin) {
        Reason expected = client ? Reason.CLIENT_WRITEABLE : Reason.SERVER_WRITEABLE;
        if (conn.inCallback() != expected) {
            throw new IllegalStateException("WebSocket writes belong in " + expected + ", not " + conn.inCallback());
        }
        if (state != State.OPEN) {
            return false;
        }
        int opcode;
        switch (mode) {
            case TEXT:
            case BINARY:
                if (txMsgOpen) {
                    throw new IllegalStateException("the last message was not finished; use CONTINUATION");
                }
                opcode = mode == WriteMode.TEXT ? FrameHeader.OP_TEXT : FrameHeader.OP_BINARY;
                txMsgOpen = !fin;
                txTransformed = transform != null && transform.transforms(mode, data.remaining());
                return counted(fin, sendData(opcode, fin, data, txTransformed ? transform.rsvBits() >> 4 : 0));
            case CONTINUATION:
                if (!txMsgOpen) {
                    throw new IllegalStateException("CONTINUATION with no message open");
                }
                opcode = FrameHeader.OP_CONTINUATION;
                txMsgOpen = !fin;
                return counted(fin, sendData(opcode, fin, data, 0));
            case PING:
            case PONG:
                if (data.remaining() > 125 || !fin) {
                    throw new IllegalStateException(mode + " payload must be final and at most 125 bytes");
                }
                opcode = mode == WriteMode.PING ? FrameHeader.OP_PING : FrameHeader.OP_PONG;
                return sendFrame(opcode, true, data);
            default:
                throw new IllegalStateException("write(" + mode + ") on a WebSocket");
        }
    }

    private boolean counted(boolean fin, boolean sent) {
        if (fin && sent) {
            conn.countMessageOut();
        }
        return sent;
    }

    private boolean sendData(int opcode, boolean fin, ByteBuffer data, int rsv) {
        ByteBuffer payload = data;
        if (txTransformed) {
            try {
                payload = transform.encode(data, fin);
            } catch (ExtensionException e) {
                conn.log(LogLevel.ERR, "%s: extension failed to encode: %s", conn, e.getMessage());
                closeFromProtocol(CloseStatus.UNEXPECTED_CONDITION, "extension failed");
                return false;
            }
        }
        return sendFrame(opcode, fin, rsv, payload);
    }

    /** True if this connection negotiated {@code e}. */
    public boolean uses(Extension e) {
        for (WsUpgrade.Agreed a : agreed) {
            if (a.extension() == e) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<String> extensions() {
        List<String> names = new ArrayList<>(agreed.size());
        for (WsUpgrade.Agreed a : agreed) {
            names.add(a.session().response().name());
        }
        return names;
    }

    @Override
    public boolean setExtensionOption(String extension, String option, String value) {
        for (WsUpgrade.Agreed a : agreed) {
            if (a.session().response().name().equals(extension)) {
                return a.session().setOption(option, value);
            }
        }
        return false;
    }

    /** A protocol's writes are whole frames with nothing to track between them: several may share a write. */
    @Override
    public boolean batchesWriteable() {
        return true;
    }

    @Override
    public void onWriteable() {
        if (state == State.OPEN && established) {
            if (conn.call(client ? Reason.CLIENT_WRITEABLE : Reason.SERVER_WRITEABLE, null) == Result.CLOSE) {
                closeFromProtocol(0, null);
            }
        }
    }

    @Override
    public void close(int code, String reason) {
        closeFromProtocol(code, reason == null ? "" : reason);
    }

    @Override
    public void onRoleTimeout() {
        conn.closeNow(state == State.CLOSE_SENT ? "peer did not answer our Close" : "timed out");
    }

    @Override
    public void onEof() {
        conn.closeNow(state == State.CLOSE_SENT ? "peer closed after our Close" : "peer closed without a Close frame");
    }

    @Override
    public void onClosed(String why) {
        if (pingTimer != null) {
            conn.thread().timers().cancel(pingTimer);
        }
        deliverClosed();
        for (WsUpgrade.Agreed a : agreed) {
            try {
                a.session().close();
            } catch (RuntimeException ignored) {
                // the connection is gone either way
            }
        }
    }

    private void deliverClosed() {
        if (!closedDelivered && established) {
            closedDelivered = true;
            conn.call(client ? Reason.CLIENT_CLOSED : Reason.CLOSED, null);
        }
    }

    @Override
    public void onUnbind() {
        goAway("going away");
    }

    // ---- handoff: parked while the protocol is updated -----------------------------------------

    /** What a parked connection may keep of the peer's messages before it stops reading it. */
    static final int PARKED_RX_LIMIT = 1 << 20;
    /** Message pieces that came while parked, in order; null when not parked. */
    private java.util.ArrayDeque<WsReceiver.Piece> parked;
    private long parkedBytes;

    @Override
    public boolean park() {
        if (client || !established || state != State.OPEN) {
            return false;
        }
        parked = new java.util.ArrayDeque<>();
        parkedBytes = 0;
        conn.forgetProtocolState();
        return true;
    }

    private void keepWhileParked(ByteBuffer data) {
        WsReceiver.Piece p = rx.capture(data);
        parked.add(p);
        parkedBytes += p.data().length;
        if (parkedBytes > PARKED_RX_LIMIT) {
            conn.holdRx(); // TCP back-pressure does the rest until the new instance reads
        }
    }

    @Override
    public void resumeParked() {
        if (parked == null) {
            return;
        }
        java.util.ArrayDeque<WsReceiver.Piece> kept = parked;
        parked = null;
        pending = kept;
        replayPending();
        // the new instance may owe the peer something (a ring it rebuilt): it gets a WRITEABLE
        if (conn.isOpen() && state == State.OPEN) {
            conn.requestWriteable();
        }
    }

    /** What came while parked and is not delivered yet (the new instance paused reading). */
    private java.util.ArrayDeque<WsReceiver.Piece> pending;

    private void replayPending() {
        while (pending != null && !pending.isEmpty() && receiving() && !conn.rxUserPaused()) {
            WsReceiver.Piece p = pending.poll();
            if (p.last()) {
                conn.countMessageIn();
            }
            receiver().replay(p);
        }
        if (pending != null && pending.isEmpty()) {
            pending = null;
            conn.resumeRx();
        }
    }

    @Override
    public void abandonParked(String why) {
        parked = null;
        if (state == State.OPEN) {
            sendClose(CloseStatus.GOING_AWAY, why);
            conn.setRoleDeadline(CLOSE_WAIT_NANOS);
        }
    }

    @Override
    public void onShutdown() {
        goAway("server shutting down");
    }

    /** The protocol or the server goes: CLOSED to the protocol now, 1001 to the peer. */
    private void goAway(String reason) {
        deliverClosed();
        if (state == State.OPEN) {
            sendClose(CloseStatus.GOING_AWAY, reason); // before unbinding: its count names the protocol
            conn.setRoleDeadline(CLOSE_WAIT_NANOS);
        }
        conn.unbindProtocol();
    }

    // ---- what the protocol may ask -------------------------------------------------------------

    @Override
    public HttpRequest request() {
        if (head == null) {
            throw new IllegalStateException("HTTP header information is released after ESTABLISHED; copy what you need there");
        }
        return head;
    }

    @Override
    public boolean isFirstFragment() {
        return rx != null && rx.isFirstFragment();
    }

    @Override
    public boolean isFinalFragment() {
        return rx != null && rx.isFinalFragment();
    }

    @Override
    public boolean isBinary() {
        return rx != null && rx.isBinary();
    }

    @Override
    public long remainingPacketPayload() {
        return rx == null ? 0 : rx.remainingPacketPayload();
    }
}
