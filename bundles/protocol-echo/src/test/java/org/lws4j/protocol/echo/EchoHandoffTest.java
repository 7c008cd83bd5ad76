package org.lws4j.protocol.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lws4j.api.HandoffState;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestWebSocket;

/** lws-echo over an update: what waited to be echoed is echoed by the new version, in order. */
class EchoHandoffTest {
    private final TestContext ctx = new TestContext();
    private final TestWebSocket ws;

    EchoHandoffTest() {
        ctx.addVhost("localhost").bind(EchoProtocol.NAME, new EchoProtocol());
        ws = ctx.vhost("localhost").openWebSocket("/");
    }

    @Test
    void echoesWaitingBeforeTheUpdateAreWrittenAfterItInOrder() {
        ws.socketBuffer(128 * 1024);
        byte[][] sent = new byte[20][];
        Random r = new Random(3);
        for (int i = 0; i < sent.length; i++) {
            sent[i] = new byte[100_000];
            r.nextBytes(sent[i]);
            ws.sendBinary(sent[i]);
        }
        assertTrue(ws.isRxPaused(), "over 1 MiB waiting: reading stopped");
        ctx.vhost("localhost").handOff(EchoProtocol.NAME, new EchoProtocol());
        while (ws.writeable()) {
            // drains what the new version writes
        }
        assertFalse(ws.isRxPaused(), "the new version resumed reading at the low-water mark");
        ws.sendText("after");
        ws.drain();
        assertEquals(sent.length + 1, ws.messages().size());
        for (byte[] s : sent) {
            assertArrayEquals(s, ws.nextMessage().data());
        }
        assertEquals("after", ws.nextText());
    }

    @Test
    void aMessageEchoedHalfBeforeTheUpdateIsFinishedAfterIt() {
        ws.sendFrame(org.lws4j.api.WriteMode.TEXT, false, "be".getBytes());
        ws.sendFrame(org.lws4j.api.WriteMode.CONTINUATION, false, "fore".getBytes());
        ws.drain();
        ctx.vhost("localhost").handOff(EchoProtocol.NAME, new EchoProtocol());
        ws.sendFrame(org.lws4j.api.WriteMode.CONTINUATION, true, " and after".getBytes());
        ws.drain();
        assertEquals(List.of("before and after"), ws.texts());
    }

    @Test
    void aStateOfAnotherFormatIsRefused() {
        assertFalse(new EchoProtocol().importSession(ws, HandoffState.of("lws-echo/0")));
    }
}
