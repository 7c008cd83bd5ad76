package org.lws4j.protocol.fraggle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Reason;
import org.lws4j.api.WriteMode;

class FraggleTest {

    /** Sends {@code pairs} pairs with a sender on a fake connection; returns the frames. */
    static List<FakeWs.Frame> send(FraggleSender s, int pairs) {
        FakeWs ws = new FakeWs();
        while (s.messagesSent() < pairs) {
            assertTrue(s.writeNext(ws.wsi()));
        }
        return ws.frames;
    }

    @Test
    void pairsAreFragmentedBinaryMessagesThenTheirFourByteSum() {
        FraggleSender s = new FraggleSender(new SplittableRandom(7));
        List<FakeWs.Frame> frames = send(s, 20);
        FraggleChecker c = new FraggleChecker();
        int i = 0;
        int multiFragment = 0;
        for (int pair = 1; pair <= 20; pair++) {
            long sum = 0;
            long len = 0;
            int fragments = 0;
            FakeWs.Frame f;
            do {
                f = frames.get(i++);
                assertEquals(fragments == 0 ? WriteMode.BINARY : WriteMode.CONTINUATION, f.mode());
                assertTrue(f.data().length >= 1 && f.data().length <= FraggleSender.MAX_FRAGMENT);
                for (byte b : f.data()) {
                    sum += b & 0xff;
                }
                len += f.data().length;
                fragments++;
                assertNull(c.feed(ByteBuffer.wrap(f.data()), f.fin()));
            } while (!f.fin());
            assertTrue(fragments <= FraggleSender.MAX_FRAGMENTS);
            multiFragment += fragments > 1 ? 1 : 0;
            FakeWs.Frame sumFrame = frames.get(i++);
            assertEquals(WriteMode.BINARY, sumFrame.mode());
            assertTrue(sumFrame.fin());
            assertEquals(4, sumFrame.data().length);
            assertEquals(sum, ByteBuffer.wrap(sumFrame.data()).getInt() & 0xffffffffL);
            FraggleChecker.Verdict v = c.feed(ByteBuffer.wrap(sumFrame.data()), true);
            assertNotNull(v);
            assertTrue(v.ok(), v.report());
            assertEquals(pair, v.number());
            assertEquals(len, v.length());
            assertEquals(fragments, v.pieces());
        }
        assertEquals(frames.size(), i);
        assertTrue(multiFragment > 15, "random fragment counts (1..1024) make most messages fragmented");
        assertEquals(20, s.lastSent().number());
    }

    @Test
    void theCheckerReadsPiecesSplitAnywhereAndCatchesAWrongSum() {
        byte[] data = new byte[1000];
        new SplittableRandom(3).nextBytes(data);
        long sum = 0;
        for (byte b : data) {
            sum += b & 0xff;
        }
        FraggleChecker c = new FraggleChecker();
        assertNull(c.feed(ByteBuffer.wrap(data, 0, 10), false));
        assertNull(c.feed(ByteBuffer.wrap(data, 10, 990).slice(), true));
        assertTrue(c.expectingSum());
        byte[] claim = ByteBuffer.allocate(4).putInt((int) sum).array();
        assertNull(c.feed(ByteBuffer.wrap(claim, 0, 1).slice(), false));
        FraggleChecker.Verdict v = c.feed(ByteBuffer.wrap(claim, 1, 3).slice(), true);
        assertTrue(v.ok());
        assertEquals(2, v.pieces());
        assertEquals("ok 1 1000 0x" + String.format("%08x", sum), v.report());

        data[500] ^= 1;
        c.feed(ByteBuffer.wrap(data), true);
        v = c.feed(ByteBuffer.wrap(claim), true);
        assertFalse(v.ok());
        assertTrue(v.report().startsWith("bad 2 1000 0x"), v.report());

        c.feed(ByteBuffer.wrap(data), true);
        v = c.feed(ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
        assertEquals(-1, v.claimed());
        assertTrue(v.report().endsWith(" -"), v.report());
    }

    @Test
    void reportsReadBack() {
        FraggleChecker.Verdict ok = new FraggleChecker.Verdict(3, 12345, 7, 0xabcdefL, 0xabcdefL);
        FraggleChecker.Verdict back = FraggleChecker.Verdict.parse(ok.report());
        assertEquals(new FraggleChecker.Verdict(3, 12345, 0, 0xabcdefL, 0xabcdefL), back);
        FraggleChecker.Verdict bad = new FraggleChecker.Verdict(4, 1, 1, 0x10, 0x11);
        assertEquals(new FraggleChecker.Verdict(4, 1, 0, 0x10, 0x11), FraggleChecker.Verdict.parse(bad.report()));
        assertNull(FraggleChecker.Verdict.parse("hello"));
        assertNull(FraggleChecker.Verdict.parse("ok 1 2 3"));
    }

    @Test
    void theServerSendsPairsAndAnswersEachPairItGetsBetweenItsOwn() throws Exception {
        FraggleProtocol p = new FraggleProtocol();
        FakeWs ws = new FakeWs();
        ws.session = p.newSession(ws.wsi());
        ws.bindingData = new FraggleProtocol.Settings(0);
        p.callback(ws.wsi(), Reason.ESTABLISHED, ByteBuffer.allocate(0));
        assertEquals(1, ws.writeableRequests);

        // the client's pair arrives while the server is in the middle of its own message
        p.callback(ws.wsi(), Reason.SERVER_WRITEABLE, ByteBuffer.allocate(0));
        FraggleProtocol.Session s = (FraggleProtocol.Session) ws.session;
        byte[] data = {1, 2, 3};
        ws.finalFragment = true;
        p.callback(ws.wsi(), Reason.RECEIVE, ByteBuffer.wrap(data));
        p.callback(ws.wsi(), Reason.RECEIVE, ByteBuffer.wrap(new byte[] {0, 0, 0, 6}));
        assertEquals(1, s.reports.size());
        while (!s.sender.betweenMessages()) {
            p.callback(ws.wsi(), Reason.SERVER_WRITEABLE, ByteBuffer.allocate(0));
        }
        int before = ws.frames.size();
        p.callback(ws.wsi(), Reason.SERVER_WRITEABLE, ByteBuffer.allocate(0));
        FakeWs.Frame report = ws.frames.get(before);
        assertEquals(WriteMode.TEXT, report.mode());
        assertEquals("ok 1 3 0x00000006", new String(report.data(), StandardCharsets.US_ASCII));
        // no report ever splits a pair: every TEXT frame comes right after a 4-byte sum
        List<FakeWs.Frame> fs = new ArrayList<>(ws.frames);
        assertEquals(4, fs.get(before - 1).data().length);
        assertEquals(WriteMode.BINARY, fs.get(before - 1).mode());

        // text from the client is not part of the test
        ws.binary = false;
        p.callback(ws.wsi(), Reason.RECEIVE, ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(s.reports.isEmpty());
    }

    @Test
    void manyUnsentVerdictsStopReadingUntilTheyDrain() throws Exception {
        FraggleProtocol p = new FraggleProtocol();
        FakeWs ws = new FakeWs();
        ws.session = p.newSession(ws.wsi());
        ws.bindingData = new FraggleProtocol.Settings(1);
        p.callback(ws.wsi(), Reason.ESTABLISHED, ByteBuffer.allocate(0));
        ws.finalFragment = true;
        for (int i = 0; i < FraggleProtocol.REPORTS_HIGH; i++) {
            p.callback(ws.wsi(), Reason.RECEIVE, ByteBuffer.wrap(new byte[] {5}));
            p.callback(ws.wsi(), Reason.RECEIVE, ByteBuffer.wrap(new byte[] {0, 0, 0, 5}));
        }
        assertEquals(Boolean.FALSE, ws.rxOn);
        for (int i = 0; i < FraggleProtocol.REPORTS_HIGH - FraggleProtocol.REPORTS_LOW; i++) {
            p.callback(ws.wsi(), Reason.SERVER_WRITEABLE, ByteBuffer.allocate(0));
        }
        assertEquals(Boolean.TRUE, ws.rxOn);
    }

    @Test
    void aMessagesPvoEndsTheSending() throws Exception {
        FraggleProtocol p = new FraggleProtocol();
        FakeWs ws = new FakeWs();
        ws.session = p.newSession(ws.wsi());
        ws.bindingData = new FraggleProtocol.Settings(2);
        p.callback(ws.wsi(), Reason.ESTABLISHED, ByteBuffer.allocate(0));
        FraggleProtocol.Session s = (FraggleProtocol.Session) ws.session;
        for (int i = 0; i < 5000; i++) {
            p.callback(ws.wsi(), Reason.SERVER_WRITEABLE, ByteBuffer.allocate(0));
        }
        assertEquals(2, s.sender.messagesSent());
        int sent = ws.frames.size();
        p.callback(ws.wsi(), Reason.SERVER_WRITEABLE, ByteBuffer.allocate(0));
        assertEquals(sent, ws.frames.size(), "nothing after the last pair");
    }
}
