package org.lws4j.core.ws;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds frame headers (RFC 6455 section 5.2). Server frames are not masked; client frames are,
 * with a fresh key per frame, and their payload is masked into a copy.
 */
public final class FrameWriter {
    private FrameWriter() {
    }

    /** A header for a payload of {@code length} bytes; {@code mask} non-null for client frames. */
    public static ByteBuffer header(int opcode, boolean fin, int rsv, long length, byte[] mask) {
        ByteBuffer h = ByteBuffer.allocate(14);
        h.put((byte) ((fin ? 0x80 : 0) | (rsv << 4) | opcode));
        int maskBit = mask != null ? 0x80 : 0;
        if (length < 126) {
            h.put((byte) (maskBit | length));
        } else if (length <= 0xFFFF) {
            h.put((byte) (maskBit | 126));
            h.putShort((short) length);
        } else {
            h.put((byte) (maskBit | 127));
            h.putLong(length);
        }
        if (mask != null) {
            h.put(mask);
        }
        return h.flip();
    }

    /** A new random masking key. */
    public static byte[] newMask() {
        byte[] m = new byte[4];
        ThreadLocalRandom.current().nextBytes(m);
        return m;
    }

    /** A masked copy of {@code payload} (its position is moved to its limit). */
    public static ByteBuffer masked(ByteBuffer payload, byte[] mask) {
        ByteBuffer out = ByteBuffer.allocate(payload.remaining());
        int i = 0;
        while (payload.hasRemaining()) {
            out.put((byte) (payload.get() ^ mask[i++ & 3]));
        }
        return out.flip();
    }

    /** A Close frame payload: the code and as much of the reason as fits in 123 bytes of UTF-8. */
    public static ByteBuffer closePayload(int code, String reason) {
        if (!org.lws4j.api.CloseStatus.isSendable(code)) {
            // 1005, 1006, 1015 and other codes that may not be sent: a Close with no status
            return ByteBuffer.allocate(0);
        }
        byte[] r = reason == null ? new byte[0] : reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = Math.min(r.length, 123);
        // never cut a UTF-8 sequence in half
        while (n > 0 && n < r.length && (r[n] & 0xC0) == 0x80) {
            n--;
        }
        ByteBuffer p = ByteBuffer.allocate(2 + n);
        p.putShort((short) code).put(r, 0, n);
        return p.flip();
    }
}
