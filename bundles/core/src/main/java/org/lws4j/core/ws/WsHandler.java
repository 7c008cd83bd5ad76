package org.lws4j.core.ws;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import java.util.ArrayList;
import java.util.List;

import org.lws4j.api.CloseStatus;
import org.lws4j.api.Extension;
import org.lws4j.api.ExtensionException;
import org.lws4j.api.ExtensionSession;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Role;
import org.lws4j.api.WriteMode;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.http.RequestHead;
import org.lws4j.core.loop.ConnectionImpl;
import org.lws4j.core.loop.RoleHandler;

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
    private final int rxSize;
    private final long maxFrame;
    private final long maxMessage;
    private RequestHead head;
    private boolean established;
    private boolean closedDelivered;
    private State state = State.OPEN;

    // receiving
    private final FrameHeader hdr = new FrameHeader();
    private final Utf8Validator utf8 = new Utf8Validator();
    private boolean inFrame;
    private long frameLeft;
    private long frameOffset;
    private boolean msgOpen;
    private int msgOpcode;
    private long msgBytes;
    private boolean firstPending;
    private ByteBuffer acc;
    private ByteBuffer control;

    // what the current RECEIVE is
    private boolean curFirst;
    private boolean curFinal;
    private long curRemaining;

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
    private final int allowedRsv;
    private boolean msgTransformed;
    private boolean decodePending;
    private boolean decodeLast;
    private long msgDecoded;

    public WsHandler(ConnectionImpl conn, RequestHead head, ContextConfig cfg, boolean client, List<WsUpgrade.Agreed> agreed) {
        super(conn);
        this.agreed = List.copyOf(agreed);
        this.transform = agreed.isEmpty() ? null : agreed.get(0).session();
        int bits = 0;
        for (WsUpgrade.Agreed a : agreed) {
            bits |= a.session().rsvBits();
        }
        this.allowedRsv = bits >> 4;
        this.head = head;
        this.client = client;
        int rx = conn.binding() == null ? 0 : conn.binding().protocol().rxBufferSize();
        this.rxSize = rx > 0 ? rx : DEFAULT_RX;
        this.maxFrame = cfg.wsMaxFrameSize();
        this.maxMessage = cfg.wsMaxMessageSize();
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

    @Override
    public void onData(ByteBuffer in) {
        if (pingNanos > 0 && in.hasRemaining()) {
            lastRx = System.nanoTime();
            pingOutstanding = false;
        }
        while (conn.isOpen()) {
            if (state == State.OPEN && conn.rxUserPaused()) {
                return; // flow control: the bytes stay queued in the connection
            }
            if (!inFrame) {
                if (!in.hasRemaining() || !hdr.read(in)) {
                    return;
                }
                if (!startFrame()) {
                    return;
                }
                if (frameLeft == 0) {
                    endOfEmptyFrame();
                }
                continue;
            }
            if (!in.hasRemaining()) {
                return;
            }
            boolean isControl = FrameHeader.isControl(hdr.opcode);
            long want = isControl ? frameLeft
                    : Math.min(frameLeft, acc == null || acc.position() == 0 ? rxSize : acc.remaining());
            int n = (int) Math.min(in.remaining(), want);
            ByteBuffer piece = in.slice();
            piece.limit(n);
            in.position(in.position() + n);
            if (hdr.masked) {
                FrameHeader.unmask(piece, hdr.mask, frameOffset);
            }
            frameOffset += n;
            frameLeft -= n;
            if (isControl) {
                control.put(piece);
                if (frameLeft == 0) {
                    inFrame = false;
                    control.flip();
                    handleControl(hdr.opcode, control);
                }
            } else {
                dataPiece(piece);
            }
        }
    }

    /** Checks a frame header; false when the connection is being failed. */
    private boolean startFrame() {
        int op = hdr.opcode;
        if (!client && !hdr.masked) {
            return fail(CloseStatus.PROTOCOL_ERROR, "client frames must be masked");
        }
        if (client && hdr.masked) {
            return fail(CloseStatus.PROTOCOL_ERROR, "server frames must not be masked");
        }
        if ((hdr.rsv & ~allowedRsv) != 0) {
            return fail(CloseStatus.PROTOCOL_ERROR, "reserved bits set without an extension");
        }
        if (hdr.rsv != 0 && (FrameHeader.isControl(op) || op == FrameHeader.OP_CONTINUATION)) {
            return fail(CloseStatus.PROTOCOL_ERROR, "reserved bits set on a control or continuation frame");
        }
        if (!FrameHeader.isKnown(op)) {
            return fail(CloseStatus.PROTOCOL_ERROR, "reserved opcode " + op);
        }
        if (hdr.length < 0) {
            return fail(CloseStatus.PROTOCOL_ERROR, "64-bit payload length with the top bit set");
        }
        if (FrameHeader.isControl(op)) {
            if (!hdr.fin) {
                return fail(CloseStatus.PROTOCOL_ERROR, "fragmented control frame");
            }
            if (hdr.length > 125) {
                return fail(CloseStatus.PROTOCOL_ERROR, "control frame payload over 125 bytes");
            }
            control = ByteBuffer.allocate((int) hdr.length);
        } else {
            if (op == FrameHeader.OP_CONTINUATION && !msgOpen) {
                return fail(CloseStatus.PROTOCOL_ERROR, "continuation frame with no message to continue");
            }
            if (op != FrameHeader.OP_CONTINUATION && msgOpen) {
                return fail(CloseStatus.PROTOCOL_ERROR, "new message before the last one ended");
            }
            if (hdr.length > maxFrame) {
                return fail(CloseStatus.MESSAGE_TOO_LARGE, "frame of " + hdr.length + " bytes is over the limit of " + maxFrame);
            }
            if (op != FrameHeader.OP_CONTINUATION) {
                msgOpen = true;
                msgOpcode = op;
                msgBytes = 0;
                msgDecoded = 0;
                firstPending = true;
                utf8.reset();
                msgTransformed = transform != null && (hdr.rsv & (transform.rsvBits() >> 4)) != 0;
            }
            msgBytes += hdr.length;
            if (msgBytes > maxMessage && !msgTransformed) {
                return fail(CloseStatus.MESSAGE_TOO_LARGE, "message over the limit of " + maxMessage + " bytes");
            }
        }
        inFrame = true;
        frameLeft = hdr.length;
        frameOffset = 0;
        return true;
    }

    private void endOfEmptyFrame() {
        inFrame = false;
        if (FrameHeader.isControl(hdr.opcode)) {
            handleControl(hdr.opcode, ByteBuffer.allocate(0));
            return;
        }
        if (msgTransformed) {
            decodePiece(ByteBuffer.allocate(0), hdr.fin);
            return;
        }
        if (hdr.fin && msgOpcode == FrameHeader.OP_TEXT && !utf8.isComplete()) {
            fail(CloseStatus.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
            return;
        }
        boolean hadAcc = acc != null && acc.position() > 0;
        if (hadAcc) {
            deliverAcc(hdr.fin);
        } else if (hdr.fin || firstPending) {
            // an empty message (or the empty first frame of one) is still delivered
            deliver(ByteBuffer.allocate(0), hdr.fin, 0);
        }
        if (hdr.fin) {
            msgOpen = false;
        }
    }

    private void dataPiece(ByteBuffer piece) {
        if (msgTransformed) {
            boolean frameEnds = frameLeft == 0;
            if (frameEnds) {
                inFrame = false;
            }
            decodePiece(piece, frameEnds && hdr.fin);
            return;
        }
        if (msgOpcode == FrameHeader.OP_TEXT && state == State.OPEN) {
            if (!utf8.feed(piece)) {
                fail(CloseStatus.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
                return;
            }
            if (frameLeft == 0 && hdr.fin && !utf8.isComplete()) {
                fail(CloseStatus.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
                return;
            }
        }
        boolean frameEnds = frameLeft == 0;
        boolean last = frameEnds && hdr.fin;
        if ((acc == null || acc.position() == 0) && (piece.remaining() == rxSize || frameEnds)) {
            deliver(piece, last, frameLeft);
        } else {
            if (acc == null) {
                acc = ByteBuffer.allocate(rxSize);
            }
            acc.put(piece);
            if (!acc.hasRemaining() || frameEnds) {
                deliverAcc(last);
            }
        }
        if (frameEnds) {
            inFrame = false;
            if (hdr.fin) {
                msgOpen = false;
            }
        }
    }

    // ---- transformed (compressed) messages ---------------------------------------------------

    /** Runs a piece of a transformed message through the extension; the sink delivers. */
    private void decodePiece(ByteBuffer piece, boolean last) {
        if (state != State.OPEN) {
            return;
        }
        decodeLast = last;
        boolean done;
        try {
            done = transform.decode(piece, last, this::decoded);
        } catch (ExtensionException e) {
            fail(e.closeCode(), e.getMessage());
            return;
        }
        decodePending = !done;
        if (done && last && conn.isOpen() && state == State.OPEN) {
            endOfDecodedMessage();
        }
    }

    /** The sink: checks and gathers decoded bytes, delivering full pieces as more arrive. */
    private boolean decoded(ByteBuffer b) {
        if (state != State.OPEN || !conn.isOpen()) {
            return false;
        }
        msgDecoded += b.remaining();
        if (msgDecoded > maxMessage) {
            fail(CloseStatus.MESSAGE_TOO_LARGE, "message inflates past the limit of " + maxMessage + " bytes");
            return false;
        }
        if (msgOpcode == FrameHeader.OP_TEXT && !utf8.feed(b)) {
            fail(CloseStatus.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
            return false;
        }
        while (b.hasRemaining()) {
            if (acc == null) {
                acc = ByteBuffer.allocate(rxSize);
            }
            if (!acc.hasRemaining()) {
                deliverAcc(false); // more follows, so this piece is not the last
                if (state != State.OPEN || !conn.isOpen()) {
                    return false;
                }
            }
            int n = Math.min(acc.remaining(), b.remaining());
            ByteBuffer slice = b.slice();
            slice.limit(n);
            acc.put(slice);
            b.position(b.position() + n);
        }
        return state == State.OPEN && conn.isOpen() && !conn.rxUserPaused();
    }

    private void endOfDecodedMessage() {
        if (msgOpcode == FrameHeader.OP_TEXT && !utf8.isComplete()) {
            fail(CloseStatus.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
            return;
        }
        if (acc == null) {
            acc = ByteBuffer.allocate(0);
        }
        deliverAcc(true);
        msgOpen = false;
    }

    @Override
    public void onRxResumed() {
        if (decodePending && state == State.OPEN) {
            decodePiece(ByteBuffer.allocate(0), decodeLast);
        }
    }

    private void deliverAcc(boolean last) {
        acc.flip();
        ByteBuffer data = acc;
        deliver(data, last, frameLeft);
        // the protocol had the buffer only during its callback
        if (last || acc.capacity() == 0) {
            acc = null; // idle connections keep no receive buffer
        } else {
            acc.clear();
        }
    }

    private void deliver(ByteBuffer data, boolean last, long remaining) {
        if (state != State.OPEN) {
            return;
        }
        curFirst = firstPending;
        firstPending = false;
        curFinal = last;
        curRemaining = remaining;
        Result r = conn.call(client ? Reason.CLIENT_RECEIVE : Reason.RECEIVE, data.asReadOnlyBuffer());
        if (r == Result.CLOSE) {
            closeFromProtocol(0, null);
        }
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
        conn.log(LogLevel.INFO, "%s: peer closed with %d", conn, code);
        if (conn.call(Reason.WS_PEER_INITIATED_CLOSE, payload.duplicate().asReadOnlyBuffer()) == Result.CLOSE) {
            conn.closeNow("protocol closed at once on the peer's close");
            return;
        }
        // echo the peer's code, as RFC 6455 section 5.5.1 asks
        sendClose(code == CloseStatus.NO_STATUS ? 0 : code, "");
        conn.closeAfterFlush("peer closed");
    }

    /** Fails the connection for a peer's violation: Close with the code, then close the TCP connection. */
    private boolean fail(int code, String reason) {
        conn.log(LogLevel.INFO, "%s: failing WebSocket: %d %s", conn, code, reason);
        if (state == State.OPEN) {
            sendClose(code, reason);
        }
        conn.closeAfterFlush("WebSocket failed: " + code + " " + reason);
        return false;
    }

    // ---- sending -------------------------------------------------------------------------------

    private void sendFrame(int opcode, boolean fin, ByteBuffer payload) {
        sendFrame(opcode, fin, 0, payload);
    }

    private void sendFrame(int opcode, boolean fin, int rsv, ByteBuffer payload) {
        byte[] mask = client ? FrameWriter.newMask() : null;
        ByteBuffer h = FrameWriter.header(opcode, fin, rsv, payload.remaining(), mask);
        conn.send(h, mask == null ? payload : FrameWriter.masked(payload, mask));
    }

    private void sendClose(int code, String reason) {
        state = State.CLOSE_SENT;
        sendFrame(FrameHeader.OP_CLOSE, true, FrameWriter.closePayload(code, reason));
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
                return sendData(opcode, fin, data, txTransformed ? transform.rsvBits() >> 4 : 0);
            case CONTINUATION:
                if (!txMsgOpen) {
                    throw new IllegalStateException("CONTINUATION with no message open");
                }
                opcode = FrameHeader.OP_CONTINUATION;
                txMsgOpen = !fin;
                return sendData(opcode, fin, data, 0);
            case PING:
            case PONG:
                if (data.remaining() > 125 || !fin) {
                    throw new IllegalStateException(mode + " payload must be final and at most 125 bytes");
                }
                opcode = mode == WriteMode.PING ? FrameHeader.OP_PING : FrameHeader.OP_PONG;
                break;
            default:
                throw new IllegalStateException("write(" + mode + ") on a WebSocket");
        }
        sendFrame(opcode, fin, data);
        return true;
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
        sendFrame(opcode, fin, rsv, payload);
        return true;
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

    @Override
    public void onShutdown() {
        goAway("server shutting down");
    }

    /** The protocol or the server goes: CLOSED to the protocol now, 1001 to the peer. */
    private void goAway(String reason) {
        deliverClosed();
        conn.unbindProtocol();
        if (state == State.OPEN) {
            sendClose(CloseStatus.GOING_AWAY, reason);
            conn.setRoleDeadline(CLOSE_WAIT_NANOS);
        }
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
        return curFirst;
    }

    @Override
    public boolean isFinalFragment() {
        return curFinal;
    }

    @Override
    public boolean isBinary() {
        return msgOpcode == FrameHeader.OP_BINARY;
    }

    @Override
    public long remainingPacketPayload() {
        return curRemaining;
    }
}
