package org.lws4j.core.ws;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Client frames built by hand, right or deliberately wrong, and the payloads to put in them.
 * Frames are masked with a random key unless the name says otherwise.
 */
final class Frames {
    private Frames() {
    }

    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload) {
        return frame(fin, rsv, opcode, payload, true);
    }

    static byte[] frameUnmasked(boolean fin, int rsv, int opcode, byte[] payload) {
        return frame(fin, rsv, opcode, payload, false);
    }

    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] h = FrameHeaderTest.header(fin, rsv, opcode, payload.length, masked ? mask : null);
        byte[] p = masked ? FrameHeaderTest.maskWhole(payload, mask) : payload.clone();
        return concat(h, p);
    }

    /** A masked header alone, announcing {@code length} bytes (negative: the top bit set). */
    static byte[] frameHeader(boolean fin, int rsv, int opcode, long length, boolean masked) {
        return FrameHeaderTest.header(fin, rsv, opcode, length, masked ? new byte[] {1, 2, 3, 4} : null);
    }

    /** {@code n} frames of {@code size} bytes of one unfinished message of type {@code op}. */
    static byte[] many(int op, int n, int size) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            b.writeBytes(frame(false, 0, i == 0 ? op : FrameHeader.OP_CONTINUATION, new byte[size]));
        }
        return b.toByteArray();
    }

    static byte[] closePayload(int code, String reason) {
        return concat(new byte[] {(byte) (code >> 8), (byte) code}, utf8(reason));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... b) {
        return Utf8ValidatorTest.bytes(b);
    }

    /** Valid UTF-8 of exactly {@code n} bytes, with 1- to 4-byte characters. */
    static byte[] text(int n) {
        byte[][] seqs = {utf8("a"), utf8("\u00e9"), utf8("\u20ac"), utf8("\ud83d\ude00"), utf8("Z")};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int i = 0;
        while (b.size() < n) {
            byte[] s = seqs[i++ % seqs.length];
            b.writeBytes(b.size() + s.length <= n ? s : utf8("x"));
        }
        return b.toByteArray();
    }

    /** {@code n} random bytes, the same for the same {@code n}. */
    static byte[] binary(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static byte[] slice(byte[] b, int from, int len) {
        byte[] s = new byte[len];
        System.arraycopy(b, from, s, 0, len);
        return s;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
