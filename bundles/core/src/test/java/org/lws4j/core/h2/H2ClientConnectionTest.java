package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The client role of {@link H2Connection}, in memory, the test playing the server: the client
 * preface and SETTINGS (push off, no ENABLE_CONNECT_PROTOCOL of its own), streams opened on odd
 * identifiers within the server's SETTINGS_MAX_CONCURRENT_STREAMS, a response head (1xx dropped),
 * DATA and its end; what a server must not send (PUSH_PROMISE, HEADERS on a stream the client
 * never opened, a malformed response head); GOAWAY refusing the streams above its last.
 */
class H2ClientConnectionTest {
    final List<Frame> out = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    final HpackEncoder serverEncoder = new HpackEncoder(4096, true);
    final HpackDecoder serverDecoder = new HpackDecoder(4096, 1 << 20);
    private final FrameReader outReader = new FrameReader(Setting.MAX_MAX_FRAME_SIZE);
    private boolean prefaceSeen;
    final H2Connection conn = H2Connection.client(H2Limits.defaults().withConnectProtocol(false), new RecordingListener(events) {
        @Override
        public void onRequest(int streamId, H2Request request, boolean endStream) {
            fail("a client hears no requests");
        }

        @Override
        public void onResponse(int streamId, int status, List<HeaderField> fields, boolean endStream) {
            events.add("response " + streamId + " " + status + " " + fields + (endStream ? " end" : ""));
        }

        @Override
        public void onData(int streamId, ByteBuffer data, boolean endStream) {
            events.add("data " + streamId + " " + StandardCharsets.UTF_8.decode(data) + (endStream ? " end" : ""));
        }
    }, this::written, () -> 1_000_000_000L);

    private void written(ByteBuffer b) {
        ByteBuffer copy = ByteBuffer.allocate(b.remaining()).put(b).flip();
        if (!prefaceSeen) {
            byte[] p = new byte[PrefaceReader.PREFACE.length];
            copy.get(p);
            assertArrayEquals(PrefaceReader.PREFACE, p, "the client preface comes first");
            prefaceSeen = true;
        }
        try {
            for (Frame f; (f = outReader.next(copy)) != null; ) {
                if (f instanceof Frame.Headers h) {
                    f = new Frame.Headers(h.streamId(), ByteBuffer.allocate(h.fragment().remaining()).put(h.fragment()).flip(),
                            h.endStream(), h.endHeaders(), h.dependency());
                }
                out.add(f);
            }
        } catch (H2Exception e) {
            fail("the client wrote a bad frame: " + e);
        }
    }

    /** Started, the server's SETTINGS given (with {@code settings}), the client's frames taken. */
    H2ClientConnectionTest open(Setting... settings) {
        conn.start();
        conn.receive(FrameWriter.settings(List.of(settings)));
        conn.receive(FrameWriter.settingsAck());
        out.clear();
        return this;
    }

    ByteBuffer headers(int id, boolean endStream, String... nameValues) {
        BlockBuffer block = new BlockBuffer(64, 1 << 20);
        serverEncoder.encode(HpackAppendixCTest.list(nameValues), block);
        return FrameWriter.headers(id, block, endStream, Setting.MAX_MAX_FRAME_SIZE);
    }

    int get(String path) {
        return conn.openStream(HpackAppendixCTest.list(":method", "GET", ":scheme", "https", ":authority", "localhost",
                ":path", path), true);
    }

    @Test
    void thePrefaceThenSettingsWithPushOff() {
        conn.start();
        assertTrue(prefaceSeen);
        Frame.Settings s = (Frame.Settings) out.get(0);
        assertTrue(s.values().contains(new Setting(Setting.ENABLE_PUSH, 0)), s.toString());
        assertFalse(s.values().stream().anyMatch(v -> v.id() == Setting.ENABLE_CONNECT_PROTOCOL), "a server's setting");
        assertFalse(conn.peerSettingsReceived());
        conn.receive(FrameWriter.settings(List.of(new Setting(Setting.ENABLE_CONNECT_PROTOCOL, 1))));
        assertTrue(conn.peerSettingsReceived());
        assertTrue(conn.peerAllowsConnectProtocol());
        assertTrue(out.contains(new Frame.Settings(true, List.of())), "the server's SETTINGS acknowledged: " + out);
    }

    @Test
    void aRequestAndItsResponse() throws H2Exception {
        open();
        assertEquals(1, get("/a"));
        assertEquals(3, get("/b"));
        Frame.Headers h = (Frame.Headers) out.get(0);
        assertEquals(1, h.streamId());
        assertTrue(h.endStream() && h.endHeaders());
        List<HeaderField> fields = new ArrayList<>();
        serverDecoder.decode(h.fragment(), fields);
        assertEquals(":method: GET", fields.get(0).toString());
        conn.receive(headers(1, false, ":status", "103", "link", "</s.css>"));
        conn.receive(headers(1, false, ":status", "200", "content-type", "text/plain"));
        conn.receive(FrameWriter.data(1, ByteBuffer.wrap("hello".getBytes()), 5, true));
        assertEquals(List.of("response 1 200 [content-type: text/plain]", "data 1 hello end"), events);
        assertEquals(1, conn.openStreams(), "stream 1 closed, 3 open");
        conn.receive(headers(3, true, ":status", "204"));
        assertEquals("response 3 204 [] end", events.get(2));
        assertEquals(0, conn.openStreams());
    }

    @Test
    void theServersStreamLimitHolds() {
        open(new Setting(Setting.MAX_CONCURRENT_STREAMS, 1));
        assertEquals(1, get("/a"));
        assertEquals(-1, get("/b"), "one stream at a time");
        conn.receive(headers(1, true, ":status", "200"));
        assertEquals(3, get("/b"));
    }

    @Test
    void goAwayRefusesTheStreamsAboveItsLast() {
        open();
        get("/a");
        get("/b");
        conn.receive(FrameWriter.goAway(1, ErrorCode.NO_ERROR, "bye"));
        assertEquals(List.of("reset 3 REFUSED_STREAM by peer", "goaway 1 NO_ERROR by peer"), events);
        assertEquals(-1, get("/c"), "nothing opens after GOAWAY");
        conn.receive(headers(1, true, ":status", "200"));
        assertTrue(events.contains("response 1 200 [] end"), "stream 1 is still served: " + events);
    }

    @Test
    void pushPromiseIsAProtocolError() {
        open();
        get("/a");
        conn.receive(FrameWriter.frame(FrameHeader.PUSH_PROMISE, FrameHeader.FLAG_END_HEADERS, 1, new byte[] {0, 0, 0, 2}));
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void headersOnAStreamNeverOpenedIsAProtocolError() {
        open();
        get("/a");
        conn.receive(headers(2, true, ":status", "200"));
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void aMalformedResponseResetsItsStream() {
        open();
        get("/a");
        get("/b");
        conn.receive(headers(1, true, "content-type", "text/plain"));
        conn.receive(headers(3, true, ":status", "200", ":path", "/"));
        assertEquals(List.of("reset 1 PROTOCOL_ERROR", "reset 3 PROTOCOL_ERROR"), events);
        assertTrue(out.contains(new Frame.RstStream(1, ErrorCode.PROTOCOL_ERROR.code)), out.toString());
        assertFalse(conn.isClosed());
    }

    private void assertGoAway(ErrorCode code) {
        Frame last = out.get(out.size() - 1);
        assertTrue(last instanceof Frame.GoAway g && g.errorCode() == code.code && g.lastStreamId() == 0, "not GOAWAY " + code + ": " + out);
        assertTrue(conn.isClosed());
        assertEquals("closed " + code, events.get(events.size() - 1));
    }
}
