package org.lws4j.core.h2;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One HTTP/2 connection without I/O (RFC 9113), the server's side or, made by {@link #client},
 * a client's ({@link ClientStreams}: it opens the streams): it is fed the peer's bytes
 * (or frames already parsed), keeps the streams, their states and windows, the SETTINGS of both
 * sides and the abuse budgets, tells the layer above what happened ({@link H2Listener}) and
 * hands the frames to write to a sink, in order.
 *
 * <p>Errors: a connection error sends GOAWAY with the last stream the peer opened and the code,
 * then {@link H2Listener#onClosed}; nothing more is read. A stream error sends RST_STREAM and,
 * for a stream the listener knew, {@link H2Listener#onReset}. Streams reset or refused by
 * either side count against the reset budget (rapid reset, CVE-2023-44487, and resets a peer
 * provokes); SETTINGS, PING, PRIORITY, GOAWAY and unknown frames against the control budget;
 * empty DATA and empty field block fragments against the empty-frame budget. Running out of
 * any ends the connection with ENHANCE_YOUR_CALM.
 *
 * <p>Threads and buffers: one connection per service thread, every method on that thread.
 * Input buffers are read during the call; DATA handed to the listener is lent for the call.
 * Output buffers go to the sink, which owns them from then on. Time comes from the clock given
 * (nanoseconds): budgets and stall checks need no sleeps in tests.
 */
public final class H2Connection {
    private static final long SHUTDOWN_PING = 0x6c7773346a2d3247L;

    private final H2Limits limits;
    private final H2Listener listener;
    private final Consumer<ByteBuffer> sink;
    private final LongSupplier clock;
    private final PrefaceReader preface = new PrefaceReader();
    private final FrameReader reader;
    private final HpackDecoder decoder;
    private final HpackEncoder encoder = new HpackEncoder(4096, true);
    private final HeaderBlockAssembler assembler;
    private final StreamTable streams = new StreamTable();
    private final SendWindow connectionSend = new SendWindow(Setting.DEFAULT_INITIAL_WINDOW_SIZE);
    private final ReceiveWindow connectionReceive;
    private final Budget resets;
    private final Budget controlFrames;
    private final Budget emptyFrames;
    private final FlowControl flow;
    /** The client half, or null on a server connection. */
    private final ClientStreams client;

    private boolean settingsReceived;
    private int unackedSettings;
    private long settingsSentAt;
    private long peerInitialWindow = Setting.DEFAULT_INITIAL_WINDOW_SIZE;
    private int peerMaxFrameSize = Setting.DEFAULT_MAX_FRAME_SIZE;
    private boolean peerConnectProtocol;
    private int goAwayLastId = -1;
    private boolean shutdownPinged;
    /** The peer answered the PING sent after the first GOAWAY: it knows no new stream will be served. */
    private boolean peerSawGoAway;
    private boolean closed;

    /** A server connection: it reads the client preface first. */
    public H2Connection(H2Limits limits, H2Listener listener, Consumer<ByteBuffer> sink, LongSupplier nanoClock) {
        this(limits, listener, sink, nanoClock, false);
    }

    /**
     * A client connection: {@link #start} sends the client preface, the peer's first frame must
     * be its SETTINGS, and streams are opened with {@link #openStream}. Give it limits without
     * ENABLE_CONNECT_PROTOCOL (a server's setting).
     */
    public static H2Connection client(H2Limits limits, H2Listener listener, Consumer<ByteBuffer> sink, LongSupplier nanoClock) {
        return new H2Connection(limits, listener, sink, nanoClock, true);
    }

    private H2Connection(H2Limits limits, H2Listener listener, Consumer<ByteBuffer> sink, LongSupplier nanoClock,
                         boolean clientSide) {
        this.limits = limits;
        this.listener = listener;
        this.sink = sink;
        this.clock = nanoClock;
        this.reader = new FrameReader(limits.maxFrameSize());
        this.decoder = new HpackDecoder(Setting.DEFAULT_HEADER_TABLE_SIZE, limits.maxHeaderListSize());
        this.assembler = new HeaderBlockAssembler(limits.maxHeaderBlockSize());
        this.connectionReceive = new ReceiveWindow(Setting.DEFAULT_INITIAL_WINDOW_SIZE, limits.connectionWindowSize());
        this.resets = new Budget(limits.resets(), nanoClock);
        this.controlFrames = new Budget(limits.controlFrames(), nanoClock);
        this.emptyFrames = new Budget(limits.emptyFrames(), nanoClock);
        this.flow = new FlowControl(this);
        this.client = clientSide ? new ClientStreams(this) : null;
    }

    /**
     * Sends this side's preface: (a client's magic octets,) SETTINGS, and a WINDOW_UPDATE opening
     * the connection window.
     */
    public void start() {
        if (client != null) {
            sink.accept(ByteBuffer.wrap(PrefaceReader.PREFACE));
        }
        sink.accept(FrameWriter.settings(limits.settings()));
        unackedSettings++;
        settingsSentAt = clock.getAsLong();
        int increment = connectionReceive.openTo(limits.connectionWindowSize());
        if (increment > 0) {
            sink.accept(FrameWriter.windowUpdate(0, increment));
        }
    }

    /**
     * Feeds bytes from the peer: the client preface, then frames. Consumes all of {@code in}
     * (after a connection error, by discarding it).
     */
    public void receive(ByteBuffer in) {
        try {
            if (!closed && client == null && !preface.isDone() && !preface.read(in)) {
                return;
            }
            while (!closed) {
                Frame f;
                try {
                    f = reader.next(in);
                } catch (H2Exception e) {
                    if (e.isConnectionError()) {
                        throw e;
                    }
                    streamError(e);
                    continue;
                }
                if (f == null) {
                    break;
                }
                onFrame(f);
            }
        } catch (H2Exception e) {
            connectionError(e);
        }
        if (closed) {
            in.position(in.limit());
        }
    }

    /** Handles one parsed frame, for callers that read frames themselves (after the preface). */
    public void onFrame(Frame f) {
        if (closed) {
            return;
        }
        try {
            handle(f);
        } catch (H2Exception e) {
            if (e.isConnectionError()) {
                connectionError(e);
            } else {
                streamError(e);
            }
        }
    }

    private void handle(Frame f) throws H2Exception {
        if (!settingsReceived && !(f instanceof Frame.Settings s && !s.ack())) {
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "the preface must go on with SETTINGS");
        }
        assembler.check(f);
        if (f instanceof Frame.Data d) {
            flow.onData(d);
        } else if (f instanceof Frame.Headers h) {
            onHeaders(h);
        } else if (f instanceof Frame.Continuation c) {
            onContinuation(c);
        } else if (f instanceof Frame.RstStream r) {
            onRstStream(r);
        } else if (f instanceof Frame.Settings s) {
            onSettings(s);
        } else if (f instanceof Frame.Ping p) {
            onPing(p);
        } else if (f instanceof Frame.WindowUpdate w) {
            flow.onWindowUpdate(w);
        } else if (f instanceof Frame.GoAway g) {
            spend(controlFrames, "GOAWAY");
            if (client != null) {
                client.onGoAway(g.lastStreamId());
            }
            listener.onGoAway(g.lastStreamId(), ErrorCode.of(g.errorCode()), true);
        } else if (f instanceof Frame.PushPromise) {
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, client != null ? "PUSH_PROMISE though push is off" : "PUSH_PROMISE from a client");
        } else {
            // PRIORITY (ignored, section 5.3.2) and unknown types (ignored, section 5.5)
            spend(controlFrames, f instanceof Frame.Priority ? "PRIORITY" : "unknown frames");
        }
    }

    private void onHeaders(Frame.Headers h) throws H2Exception {
        if (h.fragment().remaining() == 0 && !h.endHeaders()) {
            spend(emptyFrames, "empty HEADERS");
        }
        if (h.endHeaders()) {
            fieldBlock(h.streamId(), h.endStream(), h.dependency(), h.fragment());
        } else {
            assembler.start(h);
        }
    }

    private void onContinuation(Frame.Continuation c) throws H2Exception {
        if (c.fragment().remaining() == 0 && !c.endHeaders()) {
            spend(emptyFrames, "empty CONTINUATION");
        }
        assembler.append(c.fragment());
        if (c.endHeaders()) {
            ByteBuffer block = assembler.block();
            try {
                fieldBlock(assembler.streamId(), assembler.endStream(), assembler.dependency(), block);
            } finally {
                assembler.reset();
            }
        }
    }

    /** A whole field block: decoded first, always, so the HPACK state stays in step. */
    private void fieldBlock(int id, boolean endStream, int dependency, ByteBuffer block) throws H2Exception {
        if (block.remaining() > limits.maxHeaderBlockSize()) {
            throw H2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "field block of " + block.remaining());
        }
        List<HeaderField> fields = new ArrayList<>();
        boolean fits = decoder.decode(block, fields);
        if (client != null) {
            client.onFieldBlock(id, endStream, fields, fits);
            return;
        }
        H2Stream s = streams.get(id);
        if (s != null) {
            trailers(s, fields, fits, endStream);
            return;
        }
        if ((id & 1) == 0) {
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "HEADERS on even stream " + id);
        }
        if (id <= streams.highest()) {
            if (streams.wasResetByUs(id)) {
                return;
            }
            if (streams.wasClosed(id)) {
                throw H2Exception.connection(ErrorCode.STREAM_CLOSED, "HEADERS on closed stream " + id);
            }
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "stream " + id + " below " + streams.highest());
        }
        streams.opened(id);
        if (goAwayLastId >= 0 && id > goAwayLastId) {
            return;
        }
        if (dependency == id) {
            throw H2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "stream depends on itself");
        }
        if (streams.size() >= limits.maxConcurrentStreams()) {
            throw H2Exception.stream(id, ErrorCode.REFUSED_STREAM, "more than " + limits.maxConcurrentStreams() + " streams");
        }
        s = new H2Stream(id, peerInitialWindow, limits.initialWindowSize());
        if (!fits) {
            tooLarge(s, endStream);
            return;
        }
        H2Request request = RequestHeaders.check(id, fields, limits.enableConnectProtocol());
        if (endStream && request.contentLength() > 0) {
            throw H2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "content-length without a body");
        }
        s.contentLength = request.contentLength();
        s.state = endStream ? StreamState.HALF_CLOSED_REMOTE : StreamState.OPEN;
        s.surfaced = true;
        streams.put(s);
        listener.onRequest(id, request, endStream);
    }

    void trailers(H2Stream s, List<HeaderField> fields, boolean fits, boolean endStream) throws H2Exception {
        if (!s.state.remoteOpen()) {
            throw H2Exception.stream(s.id, ErrorCode.STREAM_CLOSED, "HEADERS after END_STREAM");
        }
        if (!endStream) {
            throw H2Exception.stream(s.id, ErrorCode.PROTOCOL_ERROR, "trailers without END_STREAM");
        }
        if (!fits) {
            throw H2Exception.stream(s.id, ErrorCode.ENHANCE_YOUR_CALM, "trailers over the header list limit");
        }
        RequestHeaders.checkTrailers(s.id, fields);
        flow.checkContentLength(s, true);
        remoteEnded(s);
        listener.onTrailers(s.id, fields);
        forgetIfClosed(s);
    }

    /** A request whose header list passed the limit: 431, then the stream ends (RFC 9113 10.5.1). */
    private void tooLarge(H2Stream s, boolean endStream) throws H2Exception {
        spend(resets, "streams refused");
        s.state = endStream ? StreamState.HALF_CLOSED_REMOTE : StreamState.OPEN;
        streams.put(s);
        sendHeaders(s.id, List.of(new HeaderField(":status", "431")), true);
        if (streams.get(s.id) != null) {
            sink.accept(FrameWriter.rstStream(s.id, ErrorCode.NO_ERROR));
            streams.resetByUs(s.id);
        }
        checkDrained();
    }

    private void onRstStream(Frame.RstStream r) throws H2Exception {
        int id = r.streamId();
        if (streams.isIdle(id)) {
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "RST_STREAM on idle stream " + id);
        }
        spend(resets, "stream resets");
        H2Stream s = streams.remove(id);
        if (s != null && s.surfaced) {
            listener.onReset(id, ErrorCode.of(r.errorCode()), true);
        }
        checkDrained();
    }

    private void onSettings(Frame.Settings f) throws H2Exception {
        spend(controlFrames, "SETTINGS");
        if (f.ack()) {
            if (unackedSettings > 0 && --unackedSettings == 0) {
                decoder.setTableSizeLimit(limits.headerTableSize());
            }
            return;
        }
        settingsReceived = true;
        apply(f.values());
        sink.accept(FrameWriter.settingsAck());
    }

    private void apply(List<Setting> values) throws H2Exception {
        for (Setting s : values) {
            switch (s.id()) {
                case Setting.HEADER_TABLE_SIZE -> encoder.setPeerTableSize(s.value());
                case Setting.INITIAL_WINDOW_SIZE -> {
                    flow.initialWindowChanged(s.value() - peerInitialWindow);
                    peerInitialWindow = s.value();
                }
                case Setting.MAX_FRAME_SIZE -> peerMaxFrameSize = (int) s.value();
                case Setting.MAX_CONCURRENT_STREAMS -> {
                    if (client != null) {
                        client.peerMaxStreams(s.value());
                    }
                }
                case Setting.ENABLE_CONNECT_PROTOCOL -> {
                    if (peerConnectProtocol && s.value() == 0) {
                        throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "ENABLE_CONNECT_PROTOCOL withdrawn");
                    }
                    peerConnectProtocol = s.value() == 1;
                }
                default -> {
                }
            }
        }
    }

    /**
     * An HTTP/1.1 request upgraded to h2c (RFC 7540 3.2, after {@link #start}): its HTTP2-Settings
     * apply as the peer's (no ACK), and it becomes stream 1, half-closed (remote), told to the
     * listener. The client's preface and SETTINGS follow as usual.
     */
    public void upgrade(List<Setting> settings, H2Request request) throws H2Exception {
        apply(settings);
        streams.opened(1);
        H2Stream s = new H2Stream(1, peerInitialWindow, limits.initialWindowSize());
        s.state = StreamState.HALF_CLOSED_REMOTE;
        s.surfaced = true;
        streams.put(s);
        listener.onRequest(1, request, true);
    }

    private void onPing(Frame.Ping p) throws H2Exception {
        spend(controlFrames, "PING");
        if (!p.ack()) {
            sink.accept(FrameWriter.ping(true, p.opaque()));
        } else if (p.opaque() == SHUTDOWN_PING && shutdownPinged) {
            shutdownPinged = false;
            peerSawGoAway = true;
            finalGoAway(ErrorCode.NO_ERROR, null);
        }
    }

    // ---- the layer above ----

    /**
     * Client side: opens a stream with a request's field block (names lower-case, pseudo-header
     * fields first), END_STREAM on it when there is no body.
     *
     * @return the stream's identifier, or -1 when none may open now (the server's
     *     SETTINGS_MAX_CONCURRENT_STREAMS, its GOAWAY, or this connection closed)
     */
    public int openStream(List<HeaderField> fields, boolean endStream) {
        if (client == null) {
            throw new IllegalStateException("a server connection opens no streams");
        }
        return closed ? -1 : client.open(fields, endStream, peerInitialWindow, limits.initialWindowSize());
    }

    /** Whether the peer's SETTINGS arrived (a client waits for it before an extended CONNECT). */
    public boolean peerSettingsReceived() {
        return settingsReceived;
    }

    /**
     * Sends a response's (or trailers') header list on {@code streamId}, as HEADERS and
     * CONTINUATION frames within the peer's frame size. Names must be lower-case.
     *
     * @return false when the stream is gone or already ended on this side
     */
    public boolean sendHeaders(int streamId, List<HeaderField> fields, boolean endStream) {
        H2Stream s = streams.get(streamId);
        if (closed || s == null || !s.state.localOpen()) {
            return false;
        }
        BlockBuffer block = new BlockBuffer(256, Integer.MAX_VALUE - 8);
        encoder.encode(fields, block);
        sink.accept(FrameWriter.headers(streamId, block, endStream, peerMaxFrameSize));
        if (endStream) {
            localEnded(s);
        }
        return true;
    }

    /**
     * Sends as much of {@code data} as the windows allow, in DATA frames within the peer's frame
     * size, consuming what it sent; END_STREAM goes on the frame that sends the last octet. What
     * is left waits for {@link H2Listener#onWritable}.
     *
     * @return the octets sent, or -1 when the stream is gone or already ended on this side
     */
    public int sendData(int streamId, ByteBuffer data, boolean endStream) {
        H2Stream s = streams.get(streamId);
        if (closed || s == null || !s.state.localOpen()) {
            return -1;
        }
        return flow.send(s, data, endStream, peerMaxFrameSize);
    }

    /** What {@code streamId} may send now (both windows), 0 when it cannot send at all. */
    public int sendable(int streamId) {
        H2Stream s = streams.get(streamId);
        return closed || s == null || !s.state.localOpen() ? 0 : flow.sendable(s);
    }

    /**
     * The layer above has more to send on {@code streamId} and no window for it: it hears
     * {@link H2Listener#onWritable} once there is (and the stall timeout counts from now).
     */
    public void awaitWindow(int streamId) {
        H2Stream s = streams.get(streamId);
        if (!closed && s != null && s.state.localOpen() && s.blockedSince == H2Stream.NOT_BLOCKED) {
            s.blockedSince = clock.getAsLong();
        }
    }

    /** Whether the peer may still send on {@code streamId} (open or half-closed local). */
    public boolean isRemoteOpen(int streamId) {
        H2Stream s = streams.get(streamId);
        return !closed && s != null && s.state.remoteOpen();
    }

    /** The layer above processed {@code n} octets of {@code streamId}'s body: its window may reopen. */
    public void consumed(int streamId, int n) {
        H2Stream s = streams.get(streamId);
        if (!closed && s != null && s.state.remoteOpen()) {
            int increment = s.receive.consumed(n);
            if (increment > 0) {
                sink.accept(FrameWriter.windowUpdate(streamId, increment));
            }
        }
    }

    /** Resets {@code streamId} at the layer above's wish (CANCEL, say); no listener call. */
    public void resetStream(int streamId, ErrorCode code) {
        if (!closed && streams.resetByUs(streamId) != null) {
            sink.accept(FrameWriter.rstStream(streamId, code));
            checkDrained();
        }
    }

    /**
     * Starts a graceful shutdown (RFC 9113 6.8): GOAWAY with 2^31 - 1 and a PING; when the PING
     * comes back, GOAWAY with the last stream the peer opened; streams up to it are served, and
     * once they are done the listener hears {@link H2Listener#onClosed} with NO_ERROR.
     */
    public void shutdown() {
        if (closed || goAwayLastId >= 0) {
            return;
        }
        goAwayLastId = Integer.MAX_VALUE;
        sink.accept(FrameWriter.goAway(Integer.MAX_VALUE, ErrorCode.NO_ERROR, "shutting down"));
        sink.accept(FrameWriter.ping(false, SHUTDOWN_PING));
        shutdownPinged = true;
    }

    /**
     * Sends GOAWAY now with the last stream the peer opened: with NO_ERROR the open streams are
     * still served (then onClosed), with any other code the connection closes at once.
     */
    public void goAway(ErrorCode code, String debug) {
        if (closed) {
            return;
        }
        if (code != ErrorCode.NO_ERROR) {
            connectionError(H2Exception.connection(code, debug == null ? "" : debug));
            return;
        }
        finalGoAway(code, debug);
    }

    /**
     * Resets every stream that has waited for window longer than {@code timeoutNanos} (a peer
     * that never opens its window), telling the listener; the caller calls it from a timer.
     *
     * @return how many were reset
     */
    public int resetStalled(long timeoutNanos) {
        return closed ? 0 : flow.resetStalled(timeoutNanos);
    }

    /** Whether this side's SETTINGS has waited longer than {@code timeoutNanos} for its ack. */
    public boolean settingsAckOverdue(long timeoutNanos) {
        return unackedSettings > 0 && clock.getAsLong() - settingsSentAt > timeoutNanos;
    }

    /** A GOAWAY went out (the first of a graceful shutdown, or the final one). */
    public boolean isGoingAway() {
        return goAwayLastId >= 0;
    }

    /** The first GOAWAY of {@link #shutdown} went out and its PING has not come back yet. */
    public boolean awaitingShutdownAck() {
        return shutdownPinged;
    }

    /**
     * The final GOAWAY followed the peer's answer to the shutdown PING, so the peer had read the
     * first GOAWAY and opened nothing after it: every stream it sent was served, and the socket
     * may close as soon as they are done.
     */
    public boolean peerSawGoAway() {
        return peerSawGoAway;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Streams open or half-closed. */
    public int openStreams() {
        return streams.size();
    }

    /** The peer's SETTINGS_ENABLE_CONNECT_PROTOCOL (matters to a client only). */
    public boolean peerAllowsConnectProtocol() {
        return peerConnectProtocol;
    }

    // ---- shared with FlowControl ----

    StreamTable streams() {
        return streams;
    }

    SendWindow connectionSend() {
        return connectionSend;
    }

    ReceiveWindow connectionReceive() {
        return connectionReceive;
    }

    H2Listener listener() {
        return listener;
    }

    Consumer<ByteBuffer> sink() {
        return sink;
    }

    long now() {
        return clock.getAsLong();
    }

    void spendEmpty(String what) throws H2Exception {
        spend(emptyFrames, what);
    }

    void remoteEnded(H2Stream s) {
        s.state = s.state.remoteEnded();
    }

    void localEnded(H2Stream s) {
        s.state = s.state.localEnded();
        forgetIfClosed(s);
    }

    void forgetIfClosed(H2Stream s) {
        if (s.state == StreamState.CLOSED) {
            streams.remove(s.id);
            checkDrained();
        }
    }

    /** A reset this side decided (stall): RST_STREAM, the listener told. */
    void resetByUs(H2Stream s, ErrorCode code) {
        streams.resetByUs(s.id);
        sink.accept(FrameWriter.rstStream(s.id, code));
        if (s.surfaced) {
            listener.onReset(s.id, code, false);
        }
        checkDrained();
    }

    private void spend(Budget budget, String what) throws H2Exception {
        if (!budget.spend()) {
            throw H2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "too many " + what);
        }
    }

    private void streamError(H2Exception e) {
        H2Stream s = streams.get(e.streamId());
        if (s != null) {
            resetByUs(s, e.code());
        } else {
            sink.accept(FrameWriter.rstStream(e.streamId(), e.code()));
            streams.resetByUs(e.streamId());
        }
        if (!resets.spend()) {
            connectionError(H2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "too many stream errors"));
        }
    }

    private void connectionError(H2Exception e) {
        if (closed) {
            return;
        }
        closed = true;
        sink.accept(FrameWriter.goAway(client != null ? 0 : streams.highest(), e.code(), e.getMessage()));
        streams.clear();
        listener.onClosed(e.code(), e.getMessage());
    }

    private void finalGoAway(ErrorCode code, String debug) {
        goAwayLastId = streams.highest();
        sink.accept(FrameWriter.goAway(client != null ? 0 : goAwayLastId, code, debug));
        listener.onGoAway(goAwayLastId, code, false);
        checkDrained();
    }

    private void checkDrained() {
        if (!closed && goAwayLastId >= 0 && goAwayLastId != Integer.MAX_VALUE && streams.isEmpty()) {
            closed = true;
            listener.onClosed(ErrorCode.NO_ERROR, "drained");
        }
    }
}
