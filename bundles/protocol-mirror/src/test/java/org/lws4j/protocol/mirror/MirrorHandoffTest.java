package org.lws4j.protocol.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Groups;
import org.lws4j.api.HandoffState;
import org.lws4j.api.WriteMode;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestVhost;
import org.lws4j.testkit.TestWebSocket;

/**
 * lws-mirror-protocol over an update: groups keep their members, the ring its messages not yet
 * written to everyone, held writers their message, a half-received message its first part.
 */
class MirrorHandoffTest {
    private final TestContext ctx = new TestContext();
    private final TestVhost vhost = ctx.addVhost("localhost");

    MirrorHandoffTest() {
        vhost.bind(MirrorProtocol.NAME, new MirrorProtocol());
    }

    private TestWebSocket open(String group) {
        return vhost.openWebSocket("/?mirror=" + group);
    }

    private void update() {
        vhost.handOff(MirrorProtocol.NAME, new MirrorProtocol());
    }

    private void drainEverything() {
        while (ctx.drainAll() > 0) {
            // until nobody writes any more
        }
    }

    @Test
    void groupsAndMessagesNotYetWrittenGoOverNoneLostNoneTwice() {
        TestWebSocket a = open("x");
        TestWebSocket b = open("x");
        TestWebSocket c = open("y");
        for (int i = 0; i < 5; i++) {
            a.sendText("m" + i);
            a.drain(); // a reads its own copies; b reads nothing before the update
        }
        update();
        a.sendText("m5");
        drainEverything();
        List<String> all = List.of("m0", "m1", "m2", "m3", "m4", "m5");
        assertEquals(all, a.texts());
        assertEquals(all, b.texts(), "what b had not read yet came from the new version's ring");
        assertTrue(c.texts().isEmpty(), "the groups stay apart");
        c.sendText("y0");
        drainEverything();
        assertEquals(List.of("y0"), c.texts());
        assertEquals(all, b.texts());
        assertFalse(a.isClosed() || b.isClosed() || c.isClosed());
    }

    @Test
    void aHeldWriterStaysHeldAndLosesNothing() {
        TestWebSocket writer = open("s");
        TestWebSocket slow = open("s");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < Groups.RING + 10; i++) {
            sent.add("m" + i);
            writer.sendText("m" + i);
            writer.drain();
        }
        assertTrue(writer.isRxPaused(), "the ring is full: the writer is not read");
        update();
        assertTrue(writer.isRxPaused(), "still held under the new version");
        drainEverything();
        assertFalse(writer.isRxPaused());
        assertEquals(sent, slow.texts());
        assertEquals(sent, writer.texts());
    }

    @Test
    void aMessageHalfReceivedBeforeTheUpdateIsFinishedAfterIt() {
        TestWebSocket a = open("f");
        TestWebSocket b = open("f");
        a.sendFrame(WriteMode.TEXT, false, "half ".getBytes(StandardCharsets.UTF_8));
        update();
        a.sendFrame(WriteMode.CONTINUATION, true, "and half".getBytes(StandardCharsets.UTF_8));
        drainEverything();
        assertEquals(List.of("half and half"), b.texts());
    }

    @Test
    void twentyUpdatesInARowUnderTrafficLoseAndRepeatNothing() {
        TestWebSocket a = open("r");
        TestWebSocket b = open("r");
        List<String> sent = new ArrayList<>();
        for (int u = 0; u < 20; u++) {
            for (int i = 0; i < 7; i++) {
                String m = u + "." + i;
                sent.add(m);
                a.sendText(m);
            }
            a.drain();
            update();
        }
        drainEverything();
        assertEquals(sent, a.texts());
        assertEquals(sent, b.texts());
    }

    @Test
    void aStateOfAnotherFormatIsRefused() {
        MirrorProtocol p = new MirrorProtocol();
        assertFalse(MirrorHandoff.importVhost(HandoffState.of("lws-mirror-vhost/1")), "the rings of 1 are not taken");
        TestWebSocket a = open("z");
        assertFalse(p.importSession(a, HandoffState.of("lws-mirror/1").put("group", "z").put("member", 0L)));
    }
}
