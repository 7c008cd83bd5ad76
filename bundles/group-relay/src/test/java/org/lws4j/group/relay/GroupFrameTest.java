package org.lws4j.group.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class GroupFrameTest {
    private final UUID node = UUID.randomUUID();

    @Test
    void whatIsEncodedDecodesTheSame() {
        ByteBuffer payload = ByteBuffer.wrap(new byte[] {9, 0, (byte) 0xFF, 1, 2});
        payload.position(1);
        byte[] f = GroupFrame.encode(node, 42, "example.com", "room ä", true, payload);
        assertEquals(1, payload.position(), "the payload's position is left alone");
        GroupFrame g = GroupFrame.decode(f);
        assertEquals(node, g.node());
        assertEquals(42, g.sequence());
        assertEquals("example.com", g.vhost());
        assertEquals("room ä", g.group());
        assertTrue(g.binary());
        byte[] got = new byte[g.payload().remaining()];
        g.payload().get(got);
        assertArrayEquals(new byte[] {0, (byte) 0xFF, 1, 2}, got);
    }

    @Test
    void anythingElseIsRefusedSayingWhy() {
        assertEquals("too short (3 bytes) for an lws4j group message",
                assertThrows(IllegalArgumentException.class, () -> GroupFrame.decode(new byte[] {'L', 1, 0})).getMessage());
        byte[] f = GroupFrame.encode(node, 1, "v", "g", false, ByteBuffer.allocate(0));
        byte[] other = f.clone();
        other[0] = '{';
        assertEquals("not an lws4j group message (first byte 0x7b)",
                assertThrows(IllegalArgumentException.class, () -> GroupFrame.decode(other)).getMessage());
        byte[] newer = f.clone();
        newer[1] = 2;
        assertEquals("group message format 2 (this node reads 1)",
                assertThrows(IllegalArgumentException.class, () -> GroupFrame.decode(newer)).getMessage());
        byte[] cut = Arrays.copyOf(f, f.length - 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GroupFrame.decode(cut)).getMessage()
                .startsWith("truncated in the group name"));
    }

    @Test
    void namesLongerThanTheFrameCanSayAreRefused() {
        String big = "x".repeat(GroupFrame.MAX_NAME + 1);
        assertEquals("group name of 65536 bytes (at most 65535)", assertThrows(IllegalArgumentException.class,
                () -> GroupFrame.encode(node, 1, "v", big, false, ByteBuffer.allocate(0))).getMessage());
    }
}
