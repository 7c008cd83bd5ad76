package org.lws4j.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.lws4j.api.CloseStatus;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Role;
import org.lws4j.api.WriteMode;

/**
 * A server WebSocket with the test as its client. The test sends messages, fragments, pings and
 * Close frames; the protocol gets them as the core gives them: RECEIVE in pieces of at most its
 * rx buffer size (pvo {@code rx-buffer-size} overrides), with {@link #isFirstFragment()},
 * {@link #isFinalFragment()} and {@link #remainingPacketPayload()} saying where each piece
 * stands; pings answered by the core; RECEIVE_PONG; WS_PEER_INITIATED_CLOSE. What the protocol
 * writes from SERVER_WRITEABLE reaches the test as {@link #frames()} and whole
 * {@link #messages()}; a Close it sends as {@link #closeCode()} and {@link #closeReason()}.
 *
 * <p>The callbacks come in the core's order: FILTER_PROTOCOL_CONNECTION, ESTABLISHED (request
 * headers readable then only), RECEIVE / RECEIVE_PONG / SERVER_WRITEABLE / TIMER, CLOSED. While
 * the protocol has stopped reading ({@code rxFlowControl(false)}) what the test sends waits and
 * arrives in order once it resumes. The test's client answers the protocol's Close at once, and
 * its pings with pongs, as browsers do.
 */
public final class TestWebSocket extends TestConnection {
    /** A frame the protocol wrote, as the client read it. */
    public record Frame(WriteMode mode, boolean fin, byte[] payload) {
        /** The payload as UTF-8. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** A whole message the protocol wrote, its fragments joined. */
    public record Message(boolean binary, byte[] data) {
        /** The message as text; fails when it is not UTF-8 (a browser would close with 1007). */
        public String text() {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalStateException("the message is not UTF-8 (" + data.length + " bytes)", e);
            }
        }

        @Override
        public String toString() {
            return (binary ? "binary " : "text ") + data.length + " bytes";
        }
    }

    /** A frame the test sent, being delivered. */
    private static final class InFrame {
        final int opcode;
        final boolean fin;
        final byte[] payload;
        int offset;
        boolean started;

        InFrame(int opcode, boolean fin, byte[] payload) {
            this.opcode = opcode;
            this.fin = fin;
            this.payload = payload;
        }
    }

    private static final int OP_CONT = 0;
    private static final int OP_TEXT = 1;
    private static final int OP_BINARY = 2;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;
    private static final int OP_PONG = 10;

    private final TestRequest request;
    private KitRequestHead head;
    private int handshakeStatus;
    private String handshakeMessage;
    private String chosenProtocol;
    private boolean established;
    private boolean closedDelivered;
    private boolean closeSent;
    private int rxSize = 4096;

    // from the client
    private final ArrayDeque<InFrame> inbound = new ArrayDeque<>();
    private boolean peerMsgOpen;
    private boolean peerCloseSent;
    private boolean msgOpen;
    private int msgOpcode;
    private boolean firstPending;
    private final Utf8Check utf8 = new Utf8Check();
    private boolean curFirst;
    private boolean curFinal;
    private long curRemaining;

    // to the client
    private boolean txMsgOpen;
    private final List<Frame> frames = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();
    private final List<byte[]> pongs = new ArrayList<>();
    private ByteArrayOutputStream assembling;
    private boolean assemblingBinary;
    private int nextMessage;
    private int closeCode = -1;
    private String closeReason;

    @Override
    TestRequest openedWith() {
        return request;
    }

    TestWebSocket(TestVhost vhost, TestRequest request) {
        super(vhost, request.peer);
        this.request = request;
    }

    // ---- the client: sending -------------------------------------------------------------------

    /** Sends a text message in one frame. */
    public TestWebSocket sendText(String text) {
        return sendFrame(WriteMode.TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a binary message in one frame. */
    public TestWebSocket sendBinary(byte[] data) {
        return sendFrame(WriteMode.BINARY, true, data);
    }

    /** Sends one text message as a frame per part (TEXT, then CONTINUATION frames, the last final). */
    public TestWebSocket sendTextFragments(String... parts) {
        byte[][] b = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            b[i] = parts[i].getBytes(StandardCharsets.UTF_8);
        }
        return sendFragments(false, b);
    }

    /** Sends one message as a frame per part (TEXT or BINARY, then CONTINUATION frames, the last final). */
    public TestWebSocket sendFragments(boolean binary, byte[]... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("a message has at least one frame");
        }
        for (int i = 0; i < parts.length; i++) {
            WriteMode m = i > 0 ? WriteMode.CONTINUATION : binary ? WriteMode.BINARY : WriteMode.TEXT;
            sendFrame(m, i == parts.length - 1, parts[i]);
        }
        return this;
    }

    /**
     * Sends one frame: TEXT, BINARY or CONTINUATION (data, {@code fin} ending the message), PING
     * or PONG (final, at most 125 bytes). Frames a client may not send in that order (a
     * continuation of nothing, a new message inside another) are refused here: the core would fail
     * the connection with 1002 and never call the protocol with them.
     */
    public TestWebSocket sendFrame(WriteMode mode, boolean fin, byte[] payload) {
        ctx.checkOwner();
        int op = switch (mode) {
            case TEXT -> OP_TEXT;
            case BINARY -> OP_BINARY;
            case CONTINUATION -> OP_CONT;
            case PING -> OP_PING;
            case PONG -> OP_PONG;
            default -> throw new IllegalArgumentException("a WebSocket client sends no " + mode + " frames");
        };
        if (op >= OP_CLOSE && (!fin || payload.length > 125)) {
            throw new IllegalArgumentException(mode + " frames are final and at most 125 bytes");
        }
        if (op == OP_CONT && !peerMsgOpen) {
            throw new IllegalStateException("a CONTINUATION with no message open (the core answers 1002)");
        }
        if ((op == OP_TEXT || op == OP_BINARY) && peerMsgOpen) {
            throw new IllegalStateException("a new message before the last one ended (the core answers 1002)");
        }
        if (op < OP_CLOSE) {
            peerMsgOpen = !fin;
        }
        return fromClient(new InFrame(op, fin, payload.clone()));
    }

    /** Sends a ping; the core answers it with a pong ({@link #pongs()}) and the protocol never sees it. */
    public TestWebSocket ping(byte[] payload) {
        return sendFrame(WriteMode.PING, true, payload);
    }

    /** Sends an unsolicited pong: RECEIVE_PONG. */
    public TestWebSocket pong(byte[] payload) {
        return sendFrame(WriteMode.PONG, true, payload);
    }

    /**
     * Sends a Close with {@code code} and {@code reason}: WS_PEER_INITIATED_CLOSE, then (unless it
     * returns CLOSE) the core echoes the Close and the connection ends with CLOSED.
     */
    public TestWebSocket sendClose(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r).array();
        return closeFromClient(p);
    }

    /** Sends a Close with no status code. */
    public TestWebSocket sendClose() {
        return closeFromClient(new byte[0]);
    }

    private TestWebSocket closeFromClient(byte[] payload) {
        ctx.checkOwner();
        if (payload.length > 125) {
            throw new IllegalArgumentException("a Close payload has at most 125 bytes");
        }
        return fromClient(new InFrame(OP_CLOSE, true, payload));
    }

    @Override
    public void disconnect() {
        ctx.checkOwner();
        ctx.turn(() -> closeNow(closeSent ? "peer closed after our Close" : "peer closed without a Close frame"));
    }

    private TestWebSocket fromClient(InFrame f) {
        checkOpenForClient();
        if (f.opcode == OP_CLOSE) {
            peerCloseSent = true;
        }
        ctx.turn(() -> {
            inbound.add(f);
            countIn(2 + 4 + f.payload.length);
            deliver();
        });
        return this;
    }

    private void checkOpenForClient() {
        if (handshakeStatus != 101) {
            throw new IllegalStateException("the handshake was refused with " + handshakeStatus + ": " + handshakeMessage);
        }
        if (peerCloseSent) {
            throw new IllegalStateException("the client has sent its Close: nothing may follow it");
        }
        if (state == State.CLOSED) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    // ---- the client: what it read -------------------------------------------------------------

    /** The status the handshake was answered with: 101, or 400, 403 or 503 when refused. */
    public int handshakeStatus() {
        return handshakeStatus;
    }

    /** The protocol the 101 named in Sec-WebSocket-Protocol (only when the client asked for one), or null. */
    public String acceptedProtocol() {
        return chosenProtocol;
    }

    /** Every frame the protocol wrote that reached the client, in order. */
    public List<Frame> frames() {
        return List.copyOf(frames);
    }

    /** Every whole data message that reached the client, in order. */
    public List<Message> messages() {
        return List.copyOf(messages);
    }

    /** The text of every whole text message, in order. */
    public List<String> texts() {
        List<String> out = new ArrayList<>();
        for (Message m : messages) {
            if (!m.binary()) {
                out.add(m.text());
            }
        }
        return out;
    }

    /** The next message not yet taken by this method, or null. */
    public Message nextMessage() {
        return nextMessage < messages.size() ? messages.get(nextMessage++) : null;
    }

    /** The next message's text (see {@link #nextMessage()}), or null. */
    public String nextText() {
        Message m = nextMessage();
        return m == null ? null : m.text();
    }

    /** The payloads of the pongs the core sent back for the client's pings. */
    public List<byte[]> pongs() {
        return List.copyOf(pongs);
    }

    /**
     * The code of the Close the client got: the status code, {@link CloseStatus#NO_STATUS} (1005)
     * for a Close without one, or -1 while none came.
     */
    public int closeCode() {
        return closeCode;
    }

    /** The reason of the Close the client got, or null. */
    public String closeReason() {
        return closeReason;
    }

    // ---- the handshake ---------------------------------------------------------------------------

    void handshake() {
        head = new KitRequestHead(request, vhost);
        if (!head.method().equals("GET") || !head.isHttp11()) {
            refuse(400, "a WebSocket handshake is an HTTP/1.1 GET");
            return;
        }
        List<String> asked = new ArrayList<>();
        for (String h : head.headers("sec-websocket-protocol")) {
            for (String t : h.split(",")) {
                if (!t.trim().isEmpty()) {
                    asked.add(t.trim());
                }
            }
        }
        TestBinding chosen = null;
        boolean offeredButAbsent = false;
        if (asked.isEmpty()) {
            String def = vhost.defaultProtocol();
            if (def == null) {
                refuse(400, "this vhost offers no WebSocket protocol");
                return;
            }
            chosen = vhost.protocol(def);
            offeredButAbsent = chosen == null;
        } else {
            for (String name : asked) {
                if (!vhost.protocolNames().contains(name)) {
                    continue;
                }
                chosen = vhost.protocol(name);
                if (chosen != null) {
                    break;
                }
                offeredButAbsent = true;
            }
        }
        if (chosen == null) {
            refuse(offeredButAbsent ? 503 : 400, offeredButAbsent ? "protocol " + String.join(", ", asked)
                    + " is not available right now" : "none of the requested protocols is offered here");
            return;
        }
        ctx.opened(this);
        bind(chosen);
        rxSize = chosen.rxBufferSize();
        if (call(Reason.FILTER_PROTOCOL_CONNECTION, null) == Result.CLOSE) {
            unbind();
            refuse(403, "protocol " + chosen.name() + " refused the connection");
            ctx.closed(this);
            return;
        }
        handshakeStatus = 101;
        chosenProtocol = asked.isEmpty() ? null : chosen.name();
        Result r = call(Reason.ESTABLISHED, null);
        established = true;
        head = null; // lws frees header information after ESTABLISHED
        if (r == Result.CLOSE) {
            closeFromProtocol(0, null);
        }
    }

    private void refuse(int status, String why) {
        handshakeStatus = status;
        handshakeMessage = why;
        head = null;
        state = State.CLOSED;
        ctx.log().info("%s: WebSocket handshake refused: %d %s", this, status, why);
    }

    // ---- receiving -------------------------------------------------------------------------------

    private boolean receiving() {
        return !closeSent && state == State.OPEN;
    }

    @Override
    void resumeDelivery() {
        deliver();
    }

    /** Delivers what the client sent, as far as rx flow control lets it. */
    private void deliver() {
        while (state == State.OPEN && !inbound.isEmpty()) {
            if (receiving() && isRxPaused()) {
                return; // flow control: the frames wait
            }
            InFrame f = inbound.peek();
            if (f.opcode >= OP_CLOSE) {
                inbound.poll();
                control(f.opcode, f.payload);
                continue;
            }
            if (!f.started) {
                f.started = true;
                if (f.opcode != OP_CONT) {
                    msgOpen = true;
                    msgOpcode = f.opcode;
                    firstPending = true;
                    utf8.reset();
                }
            }
            if (f.payload.length == 0) {
                inbound.poll();
                if (f.fin && msgOpcode == OP_TEXT && !utf8.isComplete()) {
                    fail(CloseStatus.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
                } else if (f.fin || firstPending) {
                    piece(ByteBuffer.allocate(0), f.fin, 0);
                }
                if (f.fin) {
                    msgOpen = false;
                }
                continue;
            }
            int n = Math.min(rxSize, f.payload.length - f.offset);
            ByteBuffer piece = ByteBuffer.wrap(f.payload, f.offset, n).slice();
            f.offset += n;
            long remaining = f.payload.length - f.offset;
            boolean last = remaining == 0 && f.fin;
            if (remaining == 0) {
                inbound.poll();
            }
            if (msgOpcode == OP_TEXT && receiving()) {
                if (!utf8.feed(piece)) {
                    fail(CloseStatus.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
                    return;
                }
                if (last && !utf8.isComplete()) {
                    fail(CloseStatus.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
                    return;
                }
            }
            piece(piece, last, remaining);
            if (last) {
                msgOpen = false;
            }
        }
    }

    private void piece(ByteBuffer data, boolean last, long remaining) {
        if (!receiving()) {
            return; // after our Close, data is dropped while waiting for the client's
        }
        curFirst = firstPending;
        firstPending = false;
        curFinal = last;
        curRemaining = remaining;
        if (last) {
            messagesIn++;
        }
        if (call(Reason.RECEIVE, data.asReadOnlyBuffer()) == Result.CLOSE) {
            closeFromProtocol(0, null);
        }
    }

    private void control(int opcode, byte[] payload) {
        switch (opcode) {
            case OP_PING:
                if (receiving()) {
                    sendFrame(OP_PONG, true, ByteBuffer.wrap(payload));
                }
                break;
            case OP_PONG:
                if (receiving() && call(Reason.RECEIVE_PONG, ByteBuffer.wrap(payload).asReadOnlyBuffer()) == Result.CLOSE) {
                    closeFromProtocol(0, null);
                }
                break;
            default:
                peerClose(payload);
                break;
        }
    }

    private void peerClose(byte[] payload) {
        if (closeSent) {
            closeAfterFlush("close handshake complete");
            return;
        }
        if (call(Reason.WS_PEER_INITIATED_CLOSE, ByteBuffer.wrap(payload).asReadOnlyBuffer()) == Result.CLOSE) {
            closeNow("protocol closed at once on the peer's close");
            return;
        }
        closeSent = true;
        sendFrame(OP_CLOSE, true, ByteBuffer.wrap(payload.clone()));
        closeAfterFlush("peer closed");
    }

    /** The client broke a rule: Close with the code, then the connection ends. */
    private void fail(int code, String reason) {
        ctx.log().info("%s: failing WebSocket: %d %s", this, code, reason);
        if (!closeSent) {
            serverClose(code, reason);
        }
        closeAfterFlush("WebSocket failed: " + code + " " + reason);
    }

    // ---- sending ---------------------------------------------------------------------------------

    private boolean sendFrame(int opcode, boolean fin, ByteBuffer payload) {
        byte[] p = new byte[payload.remaining()];
        payload.get(p);
        send(2 + p.length + (p.length > 125 ? (p.length > 0xffff ? 8 : 2) : 0), () -> toClient(opcode, fin, p));
        return true;
    }

    private void serverClose(int code, String reason) {
        closeSent = true;
        sendFrame(OP_CLOSE, true, closePayload(code, reason));
    }

    /** The protocol closes: a Close frame now (once); the client answers it. */
    private void closeFromProtocol(int code, String reason) {
        if (closeSent || state != State.OPEN) {
            return;
        }
        serverClose(code, reason);
    }

    static ByteBuffer closePayload(int code, String reason) {
        if (!CloseStatus.isSendable(code)) {
            return ByteBuffer.allocate(0); // 1005, 1006, 1015 and 0: a Close with no status
        }
        byte[] r = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(r.length, 123);
        while (n > 0 && n < r.length && (r[n] & 0xC0) == 0x80) {
            n--; // never cut a UTF-8 sequence in half
        }
        return ByteBuffer.allocate(2 + n).putShort((short) code).put(r, 0, n).flip();
    }

    /** What the client makes of a frame that reached it. */
    private void toClient(int opcode, boolean fin, byte[] p) {
        WriteMode mode = switch (opcode) {
            case OP_TEXT -> WriteMode.TEXT;
            case OP_BINARY -> WriteMode.BINARY;
            case OP_CONT -> WriteMode.CONTINUATION;
            case OP_PING -> WriteMode.PING;
            default -> WriteMode.PONG;
        };
        if (opcode == OP_CLOSE) {
            closeCode = p.length >= 2 ? ByteBuffer.wrap(p).getShort() & 0xffff : CloseStatus.NO_STATUS;
            closeReason = p.length > 2 ? new String(p, 2, p.length - 2, StandardCharsets.UTF_8) : "";
            if (!peerCloseSent) {
                // the client answers with the same Close, as browsers do
                peerCloseSent = true;
                ctx.post(() -> {
                    inbound.add(new InFrame(OP_CLOSE, true, p));
                    deliver();
                });
            }
            return;
        }
        if (opcode == OP_PONG) {
            pongs.add(p);
            return;
        }
        frames.add(new Frame(mode, fin, p));
        if (opcode == OP_PING) {
            if (!peerCloseSent) {
                ctx.post(() -> {
                    if (state == State.OPEN) {
                        inbound.add(new InFrame(OP_PONG, true, p));
                        deliver();
                    }
                });
            }
            return;
        }
        if (opcode != OP_CONT) {
            assembling = new ByteArrayOutputStream();
            assemblingBinary = opcode == OP_BINARY;
        }
        assembling.writeBytes(p);
        if (fin) {
            messages.add(new Message(assemblingBinary, assembling.toByteArray()));
            assembling = null;
        }
    }

    // ---- the role's part of the API ------------------------------------------------------------

    @Override
    public Role role() {
        return Role.WEBSOCKET;
    }

    @Override
    public HttpRequest request() {
        checkThread();
        if (head == null) {
            throw new IllegalStateException("HTTP header information is released after ESTABLISHED; copy what you need there");
        }
        return head;
    }

    @Override
    public boolean write(ByteBuffer data, WriteMode mode, boolean fin) {
        checkThread();
        if (state != State.OPEN) {
            return false;
        }
        if (inCallback() != Reason.SERVER_WRITEABLE) {
            throw new IllegalStateException("WebSocket writes belong in SERVER_WRITEABLE, not " + inCallback());
        }
        if (closeSent) {
            return false;
        }
        switch (mode) {
            case TEXT:
            case BINARY:
                if (txMsgOpen) {
                    throw new IllegalStateException("the last message was not finished; use CONTINUATION");
                }
                txMsgOpen = !fin;
                return counted(fin, sendFrame(mode == WriteMode.TEXT ? OP_TEXT : OP_BINARY, fin, data));
            case CONTINUATION:
                if (!txMsgOpen) {
                    throw new IllegalStateException("CONTINUATION with no message open");
                }
                txMsgOpen = !fin;
                return counted(fin, sendFrame(OP_CONT, fin, data));
            case PING:
            case PONG:
                if (data.remaining() > 125 || !fin) {
                    throw new IllegalStateException(mode + " payload must be final and at most 125 bytes");
                }
                return sendFrame(mode == WriteMode.PING ? OP_PING : OP_PONG, true, data);
            default:
                throw new IllegalStateException("write(" + mode + ") on a WebSocket");
        }
    }

    private boolean counted(boolean fin, boolean sent) {
        if (fin && sent) {
            messagesOut++;
        }
        return sent;
    }

    @Override
    public void writeHttpHeaders(org.lws4j.api.HttpResponse response) {
        checkThread();
        throw unsupported("writeHttpHeaders");
    }

    @Override
    public void respond(org.lws4j.api.HttpResponse response, ByteBuffer body) {
        checkThread();
        throw unsupported("respond");
    }

    @Override
    public void respondStatus(int status, String message) {
        checkThread();
        throw unsupported("respondStatus");
    }

    @Override
    public void redirect(int status, String location) {
        checkThread();
        throw unsupported("redirect");
    }

    @Override
    public boolean isFirstFragment() {
        checkThread();
        return curFirst;
    }

    @Override
    public boolean isFinalFragment() {
        checkThread();
        return curFinal;
    }

    @Override
    public boolean isBinary() {
        checkThread();
        return msgOpcode == OP_BINARY;
    }

    @Override
    public long remainingPacketPayload() {
        checkThread();
        return curRemaining;
    }

    @Override
    void onWriteable() {
        if (!closeSent && established && call(Reason.SERVER_WRITEABLE, null) == Result.CLOSE) {
            closeFromProtocol(0, null);
        }
    }

    @Override
    void closeByProtocol(int code, String reason) {
        closeFromProtocol(code, reason == null ? "" : reason);
    }

    @Override
    void closeFromContext(int code, String reason) {
        closeFromProtocol(code, reason == null ? "" : reason);
    }

    @Override
    void onClosed(String why) {
        deliverClosed();
    }

    private void deliverClosed() {
        if (!closedDelivered && established) {
            closedDelivered = true;
            call(Reason.CLOSED, null);
        }
    }

    @Override
    void unbound() {
        deliverClosed();
        unbind();
        if (!closeSent && state == State.OPEN) {
            serverClose(CloseStatus.GOING_AWAY, "going away");
        }
    }

    @Override
    public String toString() {
        return "ws#" + id() + (request == null ? "" : " " + request.target);
    }
}
