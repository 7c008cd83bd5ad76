package org.lws4j.protocol.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Groups;
import org.lws4j.api.WriteMode;
import org.lws4j.testkit.TestBinding;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestWebSocket;

/** lws-mirror-protocol on the test kit: groups, whole messages, and a slow reader holding writers back. */
class MirrorProtocolTest {
    private final TestContext ctx = new TestContext();
    private final TestBinding mirror = ctx.addVhost("localhost").bind(MirrorProtocol.NAME, new MirrorProtocol());

    @Test
    void everyMemberOfTheGroupGetsEachMessageTheSenderToo() {
        TestWebSocket a = mirror.openWebSocket("/?mirror=x");
        TestWebSocket b = mirror.openWebSocket("/?mirror=x");
        TestWebSocket other = mirror.openWebSocket("/?mirror=y");
        TestWebSocket none = mirror.openWebSocket("/");
        a.sendText("d #ff0000 1 2 3 4;");
        b.sendBinary(new byte[] {7});
        ctx.drainAll();
        assertEquals(List.of("d #ff0000 1 2 3 4;"), a.texts());
        assertEquals(a.texts(), b.texts());
        assertEquals(2, b.messages().size());
        assertTrue(b.messages().get(1).binary());
        assertTrue(other.messages().isEmpty());
        none.sendText("alone");
        ctx.drainAll();
        assertEquals(List.of("alone"), none.texts(), "no argument: the group \"\"");
    }

    @Test
    void aFragmentedMessageIsMirroredWhole() {
        TestWebSocket a = mirror.openWebSocket("/?mirror=f");
        TestWebSocket b = mirror.openWebSocket("/?mirror=f");
        a.sendTextFragments("one ", "two ", "three");
        ctx.drainAll();
        assertEquals(List.of("one two three"), b.texts());
        assertEquals(1, b.frames().size());
        assertEquals(WriteMode.TEXT, b.frames().get(0).mode());
    }

    @Test
    void aSlowReaderStopsTheWriterUntilItCatchesUpAndNothingIsDropped() {
        TestWebSocket writer = mirror.openWebSocket("/?mirror=s");
        TestWebSocket slow = mirror.openWebSocket("/?mirror=s");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < Groups.RING + 10; i++) {
            sent.add("m" + i);
            writer.sendText("m" + i);
            writer.drain(); // the writer reads its own copies; the slow reader reads nothing
        }
        assertTrue(writer.isRxPaused(), "the ring is full: the writer is not read");
        assertEquals(Groups.RING, writer.texts().size());
        while (ctx.drainAll() > 0) {
            // the slow reader catches up, the writer resumes, until everything went round
        }
        assertFalse(writer.isRxPaused());
        assertEquals(sent, slow.texts());
        assertEquals(sent, writer.texts());
    }

    @Test
    void messagesOver64KiBClose1009() {
        TestWebSocket a = mirror.openWebSocket("/?mirror=big");
        a.sendBinary(new byte[MirrorProtocol.MAX_MESSAGE + 1]);
        assertEquals(1009, a.closeCode());
        assertTrue(a.isClosed());
    }

    @Test
    void aMemberLeavingLetsTheOthersGoOn() {
        TestWebSocket a = mirror.openWebSocket("/?mirror=l");
        TestWebSocket b = mirror.openWebSocket("/?mirror=l");
        b.sendClose(1000, "");
        for (int i = 0; i < Groups.RING * 2; i++) {
            a.sendText("x" + i);
            a.drain();
        }
        assertEquals(Groups.RING * 2, a.texts().size(), "a member that left holds nothing back");
        a.disconnect();
        assertTrue(mirror.groups().groups().isEmpty(), "an empty group is dropped");
    }
}
