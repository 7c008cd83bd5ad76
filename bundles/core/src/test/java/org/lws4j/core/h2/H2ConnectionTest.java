package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The connection's start, SETTINGS, PING, a request and its response, stream states. */
class H2ConnectionTest {
    @Test
    void startSendsSettingsAndOpensTheConnectionWindow() {
        PeerHarness p = new PeerHarness();
        p.conn.start();
        List<Frame> l = p.take();
        Frame.Settings s = (Frame.Settings) l.get(0);
        assertTrue(s.values().contains(new Setting(Setting.ENABLE_PUSH, 0)));
        assertTrue(s.values().contains(new Setting(Setting.MAX_CONCURRENT_STREAMS, 100)));
        assertTrue(s.values().contains(new Setting(Setting.ENABLE_CONNECT_PROTOCOL, 1)));
        assertEquals(new Frame.WindowUpdate(0, (1 << 20) - 65_535), l.get(1));
    }

    @Test
    void thePeersSettingsAreAcknowledged() {
        PeerHarness p = new PeerHarness();
        p.conn.start();
        p.take();
        p.send(ByteBuffer.wrap(PrefaceReader.PREFACE));
        p.send(FrameWriter.settings(List.of(new Setting(Setting.MAX_FRAME_SIZE, 20_000))));
        assertEquals(List.of(new Frame.Settings(true, List.of())), p.take());
        p.now += 1;
        assertTrue(p.conn.settingsAckOverdue(0));
        p.send(FrameWriter.settingsAck());
        assertFalse(p.conn.settingsAckOverdue(0));
    }

    @Test
    void aBadPrefaceIsAProtocolError() {
        PeerHarness p = new PeerHarness();
        p.conn.start();
        p.take();
        p.send(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()));
        p.assertGoAway(ErrorCode.PROTOCOL_ERROR);
        assertEquals(List.of("closed PROTOCOL_ERROR"), p.events);
    }

    @Test
    void thePrefaceMustGoOnWithSettings() {
        PeerHarness p = new PeerHarness();
        p.conn.start();
        p.send(ByteBuffer.wrap(PrefaceReader.PREFACE));
        p.send(FrameWriter.ping(false, 1));
        p.assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void aRequestAndItsResponse() throws H2Exception {
        PeerHarness p = new PeerHarness().open();
        p.send(p.get(1, "/index.html"));
        assertEquals(List.of("request 1 GET /index.html end"), p.events);
        H2Request r = p.requests.get(0);
        assertEquals("https", r.scheme());
        assertEquals("localhost", r.authority());
        assertEquals(1, p.conn.openStreams());

        assertTrue(p.conn.sendHeaders(1, List.of(new HeaderField(":status", "200"),
                new HeaderField("content-type", "text/html")), false));
        assertEquals(5, p.conn.sendData(1, ByteBuffer.wrap("hello".getBytes()), true));
        List<Frame> l = p.take();
        assertEquals(List.of(new HeaderField(":status", "200"), new HeaderField("content-type", "text/html")),
                p.response(l.get(0)));
        Frame.Data d = (Frame.Data) l.get(1);
        assertTrue(d.endStream());
        assertEquals(5, d.data().remaining());
        assertEquals(0, p.conn.openStreams());
        assertEquals(-1, p.conn.sendData(1, ByteBuffer.allocate(1), true));
        assertFalse(p.conn.sendHeaders(1, List.of(), true));
    }

    @Test
    void aBodyArrivesAsDataThenTrailers() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.post(3, "content-length", "11"));
        p.send(PeerHarness.data(3, "hello ", false), PeerHarness.data(3, "world", false));
        p.send(p.headers(3, true, "x-checksum", "abc"));
        assertEquals(List.of("request 3 POST /form", "data 3 hello ", "data 3 world",
                "trailers 3 [x-checksum: abc]"), p.events);
        // half-closed (remote): the response may still go out
        assertEquals(1, p.conn.openStreams());
        assertTrue(p.conn.sendHeaders(3, List.of(new HeaderField(":status", "204")), true));
        assertEquals(0, p.conn.openStreams());
    }

    @Test
    void anEmptyDataFrameCanEndTheStream() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.post(1));
        p.send(PeerHarness.data(1, "", true));
        assertEquals(List.of("request 1 POST /form", "data 1  end"), p.events);
    }

    @Test
    void aResponseTheStreamWindowHoldsBackGoesOnWhenItOpens() {
        PeerHarness p = new PeerHarness().open();
        p.send(FrameWriter.settings(List.of(new Setting(Setting.INITIAL_WINDOW_SIZE, 10))));
        p.send(p.get(1, "/"));
        p.take();
        assertEquals(10, p.conn.sendable(1));
        ByteBuffer body = ByteBuffer.wrap("0123456789abcdef".getBytes());
        assertEquals(10, p.conn.sendData(1, body, true));
        assertEquals(6, body.remaining());
        assertEquals(0, p.conn.sendable(1));
        Frame.Data d = (Frame.Data) p.take().get(0);
        assertFalse(d.endStream());
        p.send(FrameWriter.windowUpdate(1, 100));
        assertEquals("writable 1", p.events.get(p.events.size() - 1));
        assertEquals(6, p.conn.sendData(1, body, true));
        assertTrue(((Frame.Data) p.take().get(0)).endStream());
    }

    @Test
    void aPeerInitialWindowChangeMovesOpenStreams() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.get(1, "/"));
        assertEquals(65_535, p.conn.sendable(1));
        p.send(FrameWriter.settings(List.of(new Setting(Setting.INITIAL_WINDOW_SIZE, 100))));
        assertEquals(100, p.conn.sendable(1));
        assertEquals(100, p.conn.sendData(1, ByteBuffer.allocate(150), false));
        p.send(FrameWriter.settings(List.of(new Setting(Setting.INITIAL_WINDOW_SIZE, 50))));
        assertEquals(0, p.conn.sendable(1)); // -50
        p.send(FrameWriter.settings(List.of(new Setting(Setting.INITIAL_WINDOW_SIZE, 200))));
        assertEquals(100, p.conn.sendable(1));
        assertTrue(p.events.contains("writable 1"));
    }

    @Test
    void dataIsSplitAtThePeersFrameSize() {
        PeerHarness p = new PeerHarness().open();
        p.send(FrameWriter.windowUpdate(0, 1 << 20));
        p.send(FrameWriter.settings(List.of(new Setting(Setting.INITIAL_WINDOW_SIZE, 1 << 20))));
        p.send(p.get(1, "/"));
        p.take();
        assertEquals(40_000, p.conn.sendData(1, ByteBuffer.allocate(40_000), true));
        List<Frame> l = p.take();
        assertEquals(3, l.size());
        assertEquals(16_384, ((Frame.Data) l.get(0)).data().remaining());
        assertTrue(((Frame.Data) l.get(2)).endStream());
    }

    @Test
    void largeResponseHeadersGoInContinuations() throws H2Exception {
        PeerHarness p = new PeerHarness().open();
        p.send(p.get(1, "/"));
        p.take();
        p.conn.sendHeaders(1, List.of(new HeaderField(":status", "200"),
                new HeaderField("x-big", "v".repeat(40_000))), true);
        List<Frame> l = p.take();
        assertTrue(l.get(0) instanceof Frame.Headers h && !h.endHeaders() && h.endStream());
        assertTrue(l.get(l.size() - 1) instanceof Frame.Continuation c && c.endHeaders());
    }

    @Test
    void pingIsAnswered() {
        PeerHarness p = new PeerHarness().open();
        p.send(FrameWriter.ping(false, 0x1122334455667788L));
        assertEquals(List.of(new Frame.Ping(true, 0x1122334455667788L)), p.take());
        p.send(FrameWriter.ping(true, 5));
        assertEquals(List.of(), p.take());
    }

    @Test
    void priorityAndUnknownFramesAreIgnored() {
        PeerHarness p = new PeerHarness().open();
        p.send(FrameWriter.frame(FrameHeader.PRIORITY, 0, 9, Hex.bytes("0000000110")));
        p.send(FrameWriter.frame(0x42, 0xff, 0, new byte[10]));
        p.send(FrameWriter.frame(0x42, 0, 77, new byte[0]));
        p.send(p.get(1, "/"));
        assertEquals(List.of(), p.take());
        assertEquals(1, p.events.size());
    }

    @Test
    void consumedDataReopensTheStreamWindowAtHalf() {
        PeerHarness p = new PeerHarness().open();
        p.consumeData = false;
        p.send(p.post(1));
        String chunk = "x".repeat(12_000);
        p.send(PeerHarness.data(1, chunk, false), PeerHarness.data(1, chunk, false), PeerHarness.data(1, chunk, false));
        assertEquals(List.of(), p.take());
        p.conn.consumed(1, 24_000);
        assertEquals(List.of(), p.take());
        p.conn.consumed(1, 12_000);
        assertEquals(List.of(new Frame.WindowUpdate(1, 36_000)), p.take());
    }

    @Test
    void paddingIsCountedAndGivenBack() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.post(1));
        ByteBuffer padded = FrameWriter.frame(FrameHeader.DATA, FrameHeader.FLAG_PADDED, 1,
                java.util.Arrays.copyOf(new byte[] {(byte) 200, 'a', 'b', 'c'}, 204));
        p.send(padded);
        assertEquals("data 1 abc", p.events.get(1));
    }
}
