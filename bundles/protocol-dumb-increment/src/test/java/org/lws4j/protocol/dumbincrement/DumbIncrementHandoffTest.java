package org.lws4j.protocol.dumbincrement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.lws4j.api.HandoffState;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestVhost;
import org.lws4j.testkit.TestWebSocket;

/** dumb-increment-protocol over an update: each counter goes on where it was. */
class DumbIncrementHandoffTest {
    private final TestContext ctx = new TestContext();
    private final TestVhost vhost = ctx.addVhost("localhost");

    DumbIncrementHandoffTest() {
        vhost.bind(DumbIncrementProtocol.NAME, new DumbIncrementProtocol());
    }

    private void tick() {
        ctx.advance(50, TimeUnit.MILLISECONDS);
        ctx.drainAll();
    }

    @Test
    void theCountersGoOnWhereTheyWereUnderTheNewVersion() {
        TestWebSocket a = vhost.openWebSocket("/");
        tick();
        tick();
        tick();
        TestWebSocket b = vhost.openWebSocket("/");
        tick();
        vhost.handOff(DumbIncrementProtocol.NAME, new DumbIncrementProtocol());
        tick();
        tick();
        assertEquals(List.of("0", "1", "2", "3", "4", "5"), a.texts(), "no restart, no repeat");
        assertEquals(List.of("0", "1", "2"), b.texts());
        assertFalse(a.isClosed() || b.isClosed());
    }

    @Test
    void aStateOfAnotherFormatIsRefused() {
        DumbIncrementProtocol p = new DumbIncrementProtocol();
        TestWebSocket ws = vhost.openWebSocket("/");
        assertFalse(p.importSession(ws, HandoffState.of("dumb-increment/2").put("number", 3)));
        HandoffState st = p.exportSession(ws);
        assertNotNull(st);
        assertEquals(DumbIncrementProtocol.FORMAT, st.format());
    }
}
