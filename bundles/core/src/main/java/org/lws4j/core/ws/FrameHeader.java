package org.lws4j.core.ws;

import java.nio.ByteBuffer;

/**
 * Reads one frame header (RFC 6455 section 5.2), 2 to 14 bytes, across as many pieces as it
 * arrives in. Checks only what the header alone decides; the role checks the rest.
 */
public final class FrameHeader {
    public static final int OP_CONTINUATION = 0x0;
    public static final int OP_TEXT = 0x1;
    public static final int OP_BINARY = 0x2;
    public static final int OP_CLOSE = 0x8;
    public static final int OP_PING = 0x9;
    public static final int OP_PONG = 0xA;

    private final byte[] buf = new byte[14];
    private int have;

    public boolean fin;
    public int rsv;
    public int opcode;
    public boolean masked;
    public long length;
    public final byte[] mask = new byte[4];

    /**
     * Takes header bytes from {@code in}; true once the whole header is in (fields set), false if
     * more bytes are needed (all of {@code in} was taken).
     */
    public boolean read(ByteBuffer in) {
        while (in.hasRemaining()) {
            int need = needed();
            if (have >= need) {
                break;
            }
            int n = Math.min(need - have, in.remaining());
            in.get(buf, have, n);
            have += n;
        }
        if (have < 2 || have < needed()) {
            return false;
        }
        fin = (buf[0] & 0x80) != 0;
        rsv = (buf[0] >> 4) & 0x7;
        opcode = buf[0] & 0x0F;
        masked = (buf[1] & 0x80) != 0;
        int len7 = buf[1] & 0x7F;
        int p = 2;
        if (len7 == 126) {
            length = ((buf[2] & 0xffL) << 8) | (buf[3] & 0xffL);
            p = 4;
        } else if (len7 == 127) {
            long l = 0;
            for (int i = 0; i < 8; i++) {
                l = (l << 8) | (buf[2 + i] & 0xffL);
            }
            length = l; // negative when the top bit is set: the caller refuses it
            p = 10;
        } else {
            length = len7;
        }
        if (masked) {
            System.arraycopy(buf, p, mask, 0, 4);
        }
        have = 0;
        return true;
    }

    /** Header bytes this header takes, as far as known from the bytes so far. */
    private int needed() {
        if (have < 2) {
            return 2;
        }
        int len7 = buf[1] & 0x7F;
        int n = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
        return n + ((buf[1] & 0x80) != 0 ? 4 : 0);
    }

    /** True while a header is partly read. */
    public boolean inProgress() {
        return have > 0;
    }

    public static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    public static boolean isKnown(int opcode) {
        return opcode <= OP_BINARY || (opcode >= OP_CLOSE && opcode <= OP_PONG);
    }

    /** Unmasks {@code b} from position to limit in place; {@code offset} is the payload index of b's position. */
    public static void unmask(ByteBuffer b, byte[] mask, long offset) {
        int m = (int) (offset & 3);
        int end = b.limit();
        if (b.hasArray()) {
            byte[] a = b.array();
            int base = b.arrayOffset();
            for (int i = b.position(); i < end; i++) {
                a[base + i] ^= mask[m];
                m = (m + 1) & 3;
            }
            return;
        }
        for (int i = b.position(); i < end; i++) {
            b.put(i, (byte) (b.get(i) ^ mask[m]));
            m = (m + 1) & 3;
        }
    }
}
