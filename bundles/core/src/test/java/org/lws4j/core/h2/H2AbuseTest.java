package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Budgets and limits: each flood ends in GOAWAY ENHANCE_YOUR_CALM, honest peers are not hit. */
class H2AbuseTest {
    private static final Budget.Rate SMALL = new Budget.Rate(10, 5);

    private static PeerHarness small() {
        return new PeerHarness(H2Limits.defaults().withBudgets(SMALL, SMALL, SMALL)).open();
    }

    @Test
    void rapidResetEndsTheConnection() {
        PeerHarness p = small();
        for (int id = 1; id <= 19; id += 2) {
            p.send(p.get(id, "/"), FrameWriter.rstStream(id, ErrorCode.CANCEL));
        }
        assertFalse(p.conn.isClosed());
        p.send(p.get(21, "/"), FrameWriter.rstStream(21, ErrorCode.CANCEL));
        p.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
        assertEquals("closed ENHANCE_YOUR_CALM", p.events.get(p.events.size() - 1));
    }

    @Test
    void resetsWithinTheRateAreFine() {
        PeerHarness p = small();
        for (int id = 1; id <= 99; id += 2) {
            p.send(p.get(id, "/"), FrameWriter.rstStream(id, ErrorCode.CANCEL));
            p.now += 250_000_000L; // 4 a second, budget 5 a second
        }
        assertFalse(p.conn.isClosed());
    }

    @Test
    void resetsThePeerProvokesCountToo() {
        PeerHarness p = small();
        for (int id = 1; id <= 21; id += 2) {
            p.send(p.headers(id, true, ":method", "GET")); // malformed: we reset it
        }
        p.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
    }

    @Test
    void settingsFloodEndsTheConnection() {
        PeerHarness p = small();
        for (int i = 0; i < 20 && !p.conn.isClosed(); i++) {
            p.send(FrameWriter.settings(List.of()));
        }
        p.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
    }

    @Test
    void pingFloodEndsTheConnection() {
        PeerHarness p = small();
        for (int i = 0; i < 20 && !p.conn.isClosed(); i++) {
            p.send(FrameWriter.ping(false, i));
        }
        p.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
    }

    @Test
    void emptyDataFloodEndsTheConnection() {
        PeerHarness p = small();
        p.send(p.post(1));
        for (int i = 0; i < 20 && !p.conn.isClosed(); i++) {
            p.send(PeerHarness.data(1, "", false));
        }
        p.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
    }

    @Test
    void emptyContinuationFloodEndsTheConnection() {
        PeerHarness p = small();
        p.send(FrameWriter.frame(FrameHeader.HEADERS, 0, 1, new byte[] {(byte) 0x82}));
        for (int i = 0; i < 20 && !p.conn.isClosed(); i++) {
            p.send(FrameWriter.frame(FrameHeader.CONTINUATION, 0, 1, new byte[0]));
        }
        p.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
    }

    @Test
    void aContinuationFloodPastTheBlockLimitEndsTheConnection() {
        PeerHarness p = new PeerHarness(H2Limits.defaults().withHeaderSizes(16_384, 32_768)).open();
        p.send(FrameWriter.frame(FrameHeader.HEADERS, 0, 1, new byte[] {(byte) 0x82}));
        byte[] fragment = new byte[16_000];
        java.util.Arrays.fill(fragment, (byte) 0x82);
        for (int i = 0; i < 3 && !p.conn.isClosed(); i++) {
            p.send(FrameWriter.frame(FrameHeader.CONTINUATION, 0, 1, fragment));
        }
        p.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
        assertTrue(p.events.isEmpty() || p.events.equals(List.of("closed ENHANCE_YOUR_CALM")));
    }

    @Test
    void anHpackBombGets431AndTheConnectionGoesOn() throws H2Exception {
        PeerHarness p = new PeerHarness().open();
        // one 4000-octet entry in the table, then a block indexing it 100 times: 400 KB of headers
        BlockBuffer first = new BlockBuffer(64, 8192);
        p.encoder.startBlock(first);
        for (HeaderField f : HpackAppendixCTest.list(":method", "GET", ":scheme", "https", ":path", "/",
                ":authority", "h", "x-big", "b".repeat(4000))) {
            p.encoder.encode(f, HpackEncoder.Indexing.INCREMENTAL, first);
        }
        p.send(FrameWriter.headers(1, first, true, 16_384));
        assertEquals(1, p.requests.size());
        p.conn.sendHeaders(1, List.of(new HeaderField(":status", "200")), true);
        p.take();
        BlockBuffer bomb = new BlockBuffer(64, 4096);
        for (int i = 0; i < 100; i++) {
            bomb.put(0x80 | 62);
        }
        p.send(FrameWriter.headers(3, bomb, true, 16_384));
        List<Frame> l = p.take();
        assertEquals(List.of(new HeaderField(":status", "431")), p.response(l.get(0)));
        assertTrue(((Frame.Headers) l.get(0)).endStream());
        assertEquals(1, l.size());
        assertFalse(p.conn.isClosed());
        assertEquals(0, p.conn.openStreams());
        // the table is still in step: the next request refers to it
        p.send(p.headers(5, true, ":method", "GET", ":scheme", "https", ":path", "/", ":authority", "h",
                "x-big", "b".repeat(4000)));
        assertEquals(2, p.requests.size());
        assertEquals("b".repeat(4000), p.requests.get(1).header("x-big"));
    }

    @Test
    void aTooLargeRequestWithABodyIsAnsweredThenReset() throws H2Exception {
        PeerHarness p = new PeerHarness(H2Limits.defaults().withHeaderSizes(200, 65_536)).open();
        p.send(p.post(1, "x-long", "l".repeat(300)));
        List<Frame> l = p.take();
        assertEquals(List.of(new HeaderField(":status", "431")), p.response(l.get(0)));
        assertEquals(new Frame.RstStream(1, ErrorCode.NO_ERROR.code), l.get(1));
        p.send(PeerHarness.data(1, "body in flight", true));
        assertEquals(List.of(), p.take());
        assertTrue(p.events.isEmpty());
    }

    @Test
    void dataPastTheStreamWindowIsAStreamError() {
        PeerHarness p = new PeerHarness().open();
        p.consumeData = false;
        p.send(p.post(1));
        String chunk = "x".repeat(16_000);
        for (int i = 0; i < 4; i++) {
            p.send(PeerHarness.data(1, chunk, false));
        }
        assertFalse(p.events.contains("reset 1 FLOW_CONTROL_ERROR"));
        p.send(PeerHarness.data(1, chunk, false));
        p.assertReset(1, ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void theConnectionWindowIsGivenBackAsDataArrives() {
        // streams that do not consume hold their own windows only, never the connection's
        PeerHarness p = new PeerHarness().open();
        p.consumeData = false;
        String chunk = "x".repeat(16_000);
        int updates = 0;
        for (int id = 1; id <= 79; id += 2) {
            p.send(p.post(id));
            for (int i = 0; i < 4; i++) {
                p.send(PeerHarness.data(id, chunk, false));
            }
            for (Frame f : p.take()) {
                assertEquals(0, f.streamId(), f.toString());
                updates++;
            }
        }
        assertFalse(p.conn.isClosed());
        assertTrue(updates >= 4, "connection WINDOW_UPDATEs: " + updates);
    }

    @Test
    void dataPastAReceiveWindowIsRefused() {
        ReceiveWindow w = new ReceiveWindow(100, 100);
        assertTrue(w.receive(100));
        assertFalse(w.receive(1));
        assertEquals(0, w.consumed(49));
        assertEquals(50, w.consumed(1));
        assertEquals(50, w.window());
    }

    @Test
    void windowOverflowIsAFlowControlError() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.get(1, "/"));
        p.send(FrameWriter.windowUpdate(1, Integer.MAX_VALUE));
        p.assertReset(1, ErrorCode.FLOW_CONTROL_ERROR);
        p.send(FrameWriter.windowUpdate(0, Integer.MAX_VALUE));
        p.assertGoAway(ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void aPeerThatNeverOpensItsWindowIsTimedOut() {
        PeerHarness p = new PeerHarness().open();
        p.send(FrameWriter.settings(List.of(new Setting(Setting.INITIAL_WINDOW_SIZE, 0))));
        p.send(p.get(1, "/"), p.get(3, "/"));
        p.take();
        assertEquals(0, p.conn.sendData(1, ByteBuffer.allocate(10), true));
        p.now += 5_000_000_000L;
        assertEquals(0, p.conn.resetStalled(10_000_000_000L));
        p.now += 5_000_000_000L;
        assertEquals(1, p.conn.resetStalled(10_000_000_000L));
        p.assertReset(1, ErrorCode.CANCEL);
        assertTrue(p.events.contains("reset 1 CANCEL"));
        assertEquals(1, p.conn.openStreams());
    }

    @Test
    void aStreamThatGotWindowIsNoLongerStalled() {
        PeerHarness p = new PeerHarness().open();
        p.send(FrameWriter.settings(List.of(new Setting(Setting.INITIAL_WINDOW_SIZE, 0))));
        p.send(p.get(1, "/"));
        assertEquals(0, p.conn.sendData(1, ByteBuffer.allocate(10), true));
        p.now += 5_000_000_000L;
        p.send(FrameWriter.windowUpdate(1, 100));
        p.now += 10_000_000_000L;
        assertEquals(0, p.conn.resetStalled(10_000_000_000L));
    }
}
