package org.lws4j.protocol.dumbincrement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Reason;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestVhost;
import org.lws4j.testkit.TestWebSocket;

/** dumb-increment-protocol on the test kit: its 20 Hz tick is the virtual clock's. */
class DumbIncrementProtocolTest {
    private final TestContext ctx = new TestContext();
    private final TestVhost vhost = ctx.addVhost("localhost");

    DumbIncrementProtocolTest() {
        vhost.bind(DumbIncrementProtocol.NAME, new DumbIncrementProtocol());
    }

    /** Advances one 50 ms period and lets every socket drain. */
    private void tick() {
        ctx.advance(50, TimeUnit.MILLISECONDS);
        ctx.drainAll();
    }

    @Test
    void eachConnectionCountsOnItsOwnTwentyTimesASecond() {
        TestWebSocket a = vhost.openWebSocket("/");
        tick();
        tick();
        TestWebSocket b = vhost.openWebSocket("/");
        ctx.advance(49, TimeUnit.MILLISECONDS);
        ctx.drainAll();
        assertEquals(List.of("0", "1"), a.texts(), "nothing before the period is up");
        ctx.advance(1, TimeUnit.MILLISECONDS);
        ctx.drainAll();
        assertEquals(List.of("0", "1", "2"), a.texts());
        assertEquals(List.of("0"), b.texts());
        ctx.advance(1, TimeUnit.SECONDS);
        ctx.drainAll();
        assertEquals(List.of("0", "1", "2", "3"), a.texts(), "twenty ticks without a drain ask for one WRITEABLE");
    }

    @Test
    void resetSetsTheCounterBackToZero() {
        TestWebSocket ws = vhost.openWebSocket("/");
        tick();
        tick();
        ws.sendText("reset\n");
        tick();
        assertEquals(List.of("0", "1", "0"), ws.texts());
    }

    @Test
    void closemeClosesWith1001Seeya() {
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.sendText("closeme\n");
        assertEquals(1001, ws.closeCode());
        assertEquals("Seeya", ws.closeReason());
        assertTrue(ws.isClosed());
        assertEquals(Reason.CLOSED, ws.reasons().get(ws.reasons().size() - 1));
    }

    @Test
    void anythingElseIsIgnoredEvenNineThousandBytesOfIt() {
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.sendText("x".repeat(9000)).sendText("reset").sendBinary(new byte[] {1, 2});
        long receives = ws.reasons().stream().filter(r -> r == Reason.RECEIVE).count();
        assertEquals(900 + 1 + 1, receives, "lws's 10-byte pieces");
        tick();
        assertEquals(List.of("0"), ws.texts());
        assertTrue(!ws.isClosed());
    }
}
