package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives an {@link H2Connection} as a client would, in memory: writes frames into it, reads the
 * frames it wrote, records what its listener heard. Time is a field the test moves; no sleeps.
 */
final class PeerHarness extends RecordingListener {
    long now = 1_000_000_000L;
    final List<Frame> out = new ArrayList<>();
    final List<H2Request> requests = new ArrayList<>();
    final H2Connection conn;
    final HpackEncoder encoder = new HpackEncoder(4096, true);
    private final FrameReader outReader = new FrameReader(Setting.MAX_MAX_FRAME_SIZE);
    private final HpackDecoder responseDecoder = new HpackDecoder(4096, 1 << 20);
    /** When set, every DATA delivered is consumed at once. */
    boolean consumeData = true;

    PeerHarness(H2Limits limits) {
        super(new ArrayList<>());
        conn = new H2Connection(limits, this, this::written, () -> now);
    }

    PeerHarness() {
        this(H2Limits.defaults());
    }

    /** Start, preface, empty SETTINGS, and the server's frames taken. */
    PeerHarness open() {
        conn.start();
        send(ByteBuffer.wrap(PrefaceReader.PREFACE));
        send(FrameWriter.settings(List.of()));
        send(FrameWriter.settingsAck());
        out.clear();
        return this;
    }

    private void written(ByteBuffer b) {
        try {
            ByteBuffer copy = ByteBuffer.allocate(b.remaining()).put(b).flip();
            for (Frame f; (f = outReader.next(copy)) != null; ) {
                out.add(copyOf(f));
            }
        } catch (H2Exception e) {
            fail("the server wrote a bad frame: " + e);
        }
    }

    /** Frames keep lent buffers: give data and fragments their own. */
    private static Frame copyOf(Frame f) {
        if (f instanceof Frame.Data d) {
            return new Frame.Data(d.streamId(), own(d.data()), d.endStream(), d.flowLength());
        }
        if (f instanceof Frame.Headers h) {
            return new Frame.Headers(h.streamId(), own(h.fragment()), h.endStream(), h.endHeaders(), h.dependency());
        }
        if (f instanceof Frame.Continuation c) {
            return new Frame.Continuation(c.streamId(), own(c.fragment()), c.endHeaders());
        }
        if (f instanceof Frame.GoAway g) {
            return new Frame.GoAway(g.lastStreamId(), g.errorCode(), own(g.debugData()));
        }
        return f;
    }

    private static ByteBuffer own(ByteBuffer b) {
        return ByteBuffer.allocate(b.remaining()).put(b.duplicate()).flip();
    }

    void send(ByteBuffer b) {
        conn.receive(b);
        assertEquals(0, b.remaining());
    }

    void send(ByteBuffer... frames) {
        for (ByteBuffer b : frames) {
            send(b);
        }
    }

    /** A request's HEADERS (one frame) on {@code id}. */
    ByteBuffer headers(int id, boolean endStream, String... nameValues) {
        BlockBuffer block = new BlockBuffer(64, 1 << 20);
        encoder.encode(HpackAppendixCTest.list(nameValues), block);
        return FrameWriter.headers(id, block, endStream, Setting.MAX_MAX_FRAME_SIZE);
    }

    ByteBuffer get(int id, String path) {
        return headers(id, true, ":method", "GET", ":scheme", "https", ":path", path, ":authority", "localhost");
    }

    ByteBuffer post(int id, String... more) {
        List<String> l = new ArrayList<>(List.of(":method", "POST", ":scheme", "https", ":path", "/form",
                ":authority", "localhost"));
        l.addAll(List.of(more));
        return headers(id, false, l.toArray(new String[0]));
    }

    static ByteBuffer data(int id, String s, boolean end) {
        ByteBuffer src = ByteBuffer.wrap(s.getBytes());
        return FrameWriter.data(id, src, src.remaining(), end);
    }

    /** Takes the frames written so far. */
    List<Frame> take() {
        List<Frame> l = new ArrayList<>(out);
        out.clear();
        return l;
    }

    /** The last frame written must be GOAWAY with {@code code}; the connection closed. */
    void assertGoAway(ErrorCode code) {
        List<Frame> l = take();
        assertTrue(!l.isEmpty() && l.get(l.size() - 1) instanceof Frame.GoAway, "no GOAWAY in " + l);
        Frame.GoAway g = (Frame.GoAway) l.get(l.size() - 1);
        assertEquals(code.code, g.errorCode(), () -> "GOAWAY " + ErrorCode.of(g.errorCode()) + ": "
                + java.nio.charset.StandardCharsets.UTF_8.decode(g.debugData()));
        assertTrue(conn.isClosed());
    }

    /** The frames written must include RST_STREAM on {@code id} with {@code code}. */
    void assertReset(int id, ErrorCode code) {
        List<Frame> l = take();
        assertTrue(l.contains(new Frame.RstStream(id, code.code)), "no RST_STREAM " + id + " " + code + " in " + l);
        assertTrue(!conn.isClosed());
    }

    /** Decodes a response HEADERS frame written by the server. */
    List<HeaderField> response(Frame f) throws H2Exception {
        List<HeaderField> l = new ArrayList<>();
        responseDecoder.decode(((Frame.Headers) f).fragment().duplicate(), l);
        return l;
    }

    @Override
    public void onRequest(int streamId, H2Request request, boolean endStream) {
        requests.add(request);
        events.add("request " + streamId + " " + request.method() + " " + request.path() + (endStream ? " end" : ""));
    }

    @Override
    public void onData(int streamId, ByteBuffer data, boolean endStream) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        events.add("data " + streamId + " " + new String(b) + (endStream ? " end" : ""));
        if (consumeData) {
            conn.consumed(streamId, b.length);
        }
    }
}
