package org.lws4j.protocol.fraggle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Connection;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestVhost;
import org.lws4j.testkit.TestWebSocket;
import org.lws4j.testkit.TestWebSocket.Frame;

/** fraggle's sender, checker and server protocol; the sender and the protocol run on the test kit. */
class FraggleTest {

    /** Sends {@code pairs} pairs with {@code s} from the WRITEABLE callback of a kit connection; returns the frames. */
    static List<Frame> send(FraggleSender s, int pairs) {
        ProtocolAdapter sender = new ProtocolAdapter() {
            @Override
            protected Result onEstablished(Connection wsi, ByteBuffer in) {
                wsi.requestWriteable();
                return Result.CONTINUE;
            }

            @Override
            protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
                assertTrue(s.writeNext(wsi));
                if (s.messagesSent() < pairs || !s.betweenMessages()) {
                    wsi.requestWriteable();
                }
                return Result.CONTINUE;
            }
        };
        TestContext ctx = new TestContext();
        TestWebSocket ws = ctx.addVhost("v").bind("sender", sender).openWebSocket("/");
        ws.drain();
        return ws.frames();
    }
    @Test
    void pairsAreFragmentedBinaryMessagesThenTheirFourByteSum() {
        FraggleSender s = new FraggleSender(new SplittableRandom(7));
        List<Frame> frames = send(s, 20);
        FraggleChecker c = new FraggleChecker();
        int i = 0;
        int multiFragment = 0;
        for (int pair = 1; pair <= 20; pair++) {
            long sum = 0;
            long len = 0;
            int fragments = 0;
            Frame f;
            do {
                f = frames.get(i++);
                assertEquals(fragments == 0 ? WriteMode.BINARY : WriteMode.CONTINUATION, f.mode());
                assertTrue(f.payload().length >= 1 && f.payload().length <= FraggleSender.MAX_FRAGMENT);
                for (byte b : f.payload()) {
                    sum += b & 0xff;
                }
                len += f.payload().length;
                fragments++;
                assertNull(c.feed(ByteBuffer.wrap(f.payload()), f.fin()));
            } while (!f.fin());
            assertTrue(fragments <= FraggleSender.MAX_FRAGMENTS);
            multiFragment += fragments > 1 ? 1 : 0;
            Frame sumFrame = frames.get(i++);
            assertEquals(WriteMode.BINARY, sumFrame.mode());
            assertTrue(sumFrame.fin());
            assertEquals(4, sumFrame.payload().length);
            assertEquals(sum, ByteBuffer.wrap(sumFrame.payload()).getInt() & 0xffffffffL);
            FraggleChecker.Verdict v = c.feed(ByteBuffer.wrap(sumFrame.payload()), true);
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

    private final TestContext ctx = new TestContext();
    private final TestVhost vhost = ctx.addVhost("localhost");

    private TestWebSocket open(String messages) {
        vhost.bind(FraggleProtocol.NAME, new FraggleProtocol(), Map.of("messages", messages));
        return vhost.openWebSocket("/");
    }

    @Test
    void theServerSendsPairsAndAnswersEachPairItGetsBetweenItsOwn() {
        TestWebSocket ws = open("0");
        assertTrue(ws.wantsWriteable(), "it starts sending at ESTABLISHED");
        ws.writeable(); // the server is in the middle of its first message
        // the client's pair arrives meanwhile
        ws.sendBinary(new byte[] {1, 2, 3}).sendBinary(new byte[] {0, 0, 0, 6});
        FraggleProtocol.Session s = ((Connection) ws).session();
        assertEquals(1, s.reports.size());
        while (ws.frames().stream().noneMatch(f -> f.mode() == WriteMode.TEXT)) {
            assertTrue(ws.writeable());
        }
        List<Frame> fs = ws.frames();
        Frame report = fs.get(fs.size() - 1);
        assertEquals("ok 1 3 0x00000006", report.text());
        // no report ever splits a pair: the TEXT frame comes right after a 4-byte sum
        assertEquals(4, fs.get(fs.size() - 2).payload().length);
        assertEquals(WriteMode.BINARY, fs.get(fs.size() - 2).mode());

        // text from the client is not part of the test
        ws.sendText("hello");
        assertTrue(s.reports.isEmpty());
    }

    @Test
    void manyUnsentVerdictsStopReadingUntilTheyDrain() {
        TestWebSocket ws = open("1");
        for (int i = 0; i < FraggleProtocol.REPORTS_HIGH + 5; i++) {
            ws.sendBinary(new byte[] {5}).sendBinary(new byte[] {0, 0, 0, 5});
        }
        assertTrue(ws.isRxPaused(), "64 verdicts waiting: the client is not read");
        FraggleProtocol.Session s = ((Connection) ws).session();
        assertEquals(FraggleProtocol.REPORTS_HIGH, s.reports.size(), "the rest waits unread");
        ws.drain();
        assertFalse(ws.isRxPaused());
        List<String> texts = ws.texts();
        assertEquals(FraggleProtocol.REPORTS_HIGH + 5, texts.size());
        assertEquals("ok " + (FraggleProtocol.REPORTS_HIGH + 5) + " 1 0x00000005", texts.get(texts.size() - 1));
    }

    @Test
    void aMessagesPvoEndsTheSending() {
        TestWebSocket ws = open("2");
        ws.drain();
        assertEquals(4, ws.messages().size(), "two pairs, then nothing");
        FraggleProtocol.Session s = ((Connection) ws).session();
        assertEquals(2, s.sender.messagesSent());
        ws.forceWriteable();
        assertEquals(4, ws.messages().size(), "nothing after the last pair");
    }

    @Test
    void aBadMessagesPvoSendsWithoutEnd() {
        TestWebSocket ws = open("lots");
        assertTrue(ctx.log().contains("is not a count; sending without end"));
        assertEquals(50, ws.drain(50), "it keeps asking");
    }
}
