package org.lws4j.protocol.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lws4j.api.WriteMode;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestWebSocket;

/** lws-echo on the test kit. */
class EchoProtocolTest {
    private final TestContext ctx = new TestContext();
    private final TestWebSocket ws;

    EchoProtocolTest() {
        ctx.addVhost("localhost").bind(EchoProtocol.NAME, new EchoProtocol());
        ws = ctx.vhost("localhost").openWebSocket("/");
    }

    @Test
    void textAndBinaryComeBackUnchangedInOrder() {
        byte[] bin = {0, 1, 2, (byte) 0xff};
        ws.sendText("hello").sendBinary(bin).sendText("");
        ws.drain();
        assertEquals(3, ws.messages().size());
        assertEquals("hello", ws.nextText());
        TestWebSocket.Message m = ws.nextMessage();
        assertTrue(m.binary());
        assertArrayEquals(bin, m.data());
        assertEquals("", ws.nextText());
    }

    @Test
    void aFragmentedMessageComesBackAsOneMessageFragmentAsItCame() {
        ws.sendTextFragments("frag", "ment", "ed \u00e9");
        ws.drain();
        assertEquals(List.of("fragmented \u00e9"), ws.texts());
        List<TestWebSocket.Frame> f = ws.frames();
        assertEquals(List.of(WriteMode.TEXT, WriteMode.CONTINUATION, WriteMode.CONTINUATION),
                f.stream().map(TestWebSocket.Frame::mode).toList());
        assertTrue(f.get(2).fin());
    }

    @Test
    void aBigMessageIsEchoedInPiecesOfTheRxSizeNeverGatheredWhole() {
        byte[] big = new byte[5 * EchoProtocol.RX + 123];
        new Random(1).nextBytes(big);
        ws.sendBinary(big);
        ws.drain();
        assertEquals(6, ws.frames().size(), "one fragment per RECEIVE of at most 64 KiB");
        assertArrayEquals(big, ws.nextMessage().data());
    }

    @Test
    void aClientThatDoesNotReadStopsBeingReadAndNothingIsLost() {
        ws.socketBuffer(128 * 1024);
        byte[][] sent = new byte[40][];
        Random r = new Random(2);
        for (int i = 0; i < sent.length; i++) {
            sent[i] = new byte[100_000];
            r.nextBytes(sent[i]);
            ws.sendBinary(sent[i]);
        }
        assertTrue(ws.isRxPaused(), "over 1 MiB waiting: reading stopped");
        assertTrue(ws.messages().isEmpty(), "nothing is written before the socket drains");
        int rounds = 0;
        while (ws.writeable()) {
            rounds++;
        }
        assertFalse(ws.isRxPaused());
        assertTrue(rounds > 20, "a 128 KiB socket takes about one message per drain: " + rounds);
        assertEquals(sent.length, ws.messages().size());
        for (byte[] s : sent) {
            assertArrayEquals(s, ws.nextMessage().data());
        }
    }

    @Test
    void aCloseFromTheClientIsEchoed() {
        ws.sendClose(1000, "bye");
        assertEquals(1000, ws.closeCode());
        assertEquals("bye", ws.closeReason());
        assertTrue(ws.isClosed());
    }
}
