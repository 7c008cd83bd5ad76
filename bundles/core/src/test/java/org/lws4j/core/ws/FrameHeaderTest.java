package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The frame header reader fed as a socket would: whole, cut in two at every byte, one byte at a
 * time; it must take exactly the header and give the same fields every way. Headers here are
 * built by hand from RFC 6455 section 5.2, not by {@link FrameWriter}.
 */
class FrameHeaderTest {
    static final long[] LENGTHS = {0, 1, 125, 126, 127, 65535, 65536, (1L << 32) + 1};
    private static final byte[] MASK = {(byte) 0x37, (byte) 0xfa, (byte) 0x21, (byte) 0x3d};

    /** The fields a header carries, as one comparable string. */
    static String describe(FrameHeader h) {
        return "fin=" + h.fin + " rsv=" + h.rsv + " op=" + h.opcode + " masked=" + h.masked + " len=" + h.length
                + (h.masked ? " mask=" + hex(h.mask) : "");
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }

    /** A header by hand: the shortest length form for {@code length}, then the mask if any. */
    static byte[] header(boolean fin, int rsv, int opcode, long length, byte[] mask) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int m = mask != null ? 0x80 : 0;
        // a negative length is a 64-bit one with the top bit set (never a short form)
        if (length >= 0 && length <= 125) {
            b.write(m | (int) length);
        } else if (length >= 0 && length <= 0xFFFF) {
            b.write(m | 126);
            b.write((int) (length >> 8) & 0xff);
            b.write((int) length & 0xff);
        } else {
            b.write(m | 127);
            for (int i = 7; i >= 0; i--) {
                b.write((int) (length >>> (8 * i)) & 0xff);
            }
        }
        if (mask != null) {
            b.write(mask, 0, 4);
        }
        return b.toByteArray();
    }

    static int expectedSize(long length, boolean masked) {
        return 2 + (length >= 0 && length <= 125 ? 0 : length >= 0 && length <= 0xFFFF ? 2 : 8) + (masked ? 4 : 0);
    }

    static String expected(boolean fin, int rsv, int opcode, long length, boolean masked) {
        return "fin=" + fin + " rsv=" + rsv + " op=" + opcode + " masked=" + masked + " len=" + length
                + (masked ? " mask=" + hex(MASK) : "");
    }

    /**
     * Feeds {@code data} to a fresh reader in pieces ending at {@code cuts} (then the rest); only
     * the last piece may complete the header. Returns the fields; checks that the reader took the
     * header's bytes and no more ({@code trailer} bytes follow the header in {@code data}).
     */
    static String feed(FrameHeader h, byte[] data, int trailer, int... cuts) {
        List<Integer> ends = new ArrayList<>();
        for (int c : cuts) {
            ends.add(c);
        }
        ends.add(data.length);
        int start = 0;
        int headerLen = data.length - trailer;
        for (int end : ends) {
            ByteBuffer in = ByteBuffer.wrap(data, start, end - start);
            boolean done = h.read(in);
            if (end < headerLen) {
                assertFalse(done, "header complete after only " + end + " of " + headerLen + " bytes");
                assertFalse(in.hasRemaining(), "an incomplete header takes every byte offered");
                assertTrue(h.inProgress() || end == 0, "inProgress while part of the header is in");
            } else {
                assertTrue(done, "header not complete after " + end + " of " + headerLen + " bytes");
                assertEquals(headerLen, in.position(), "the reader must stop at the end of the header");
                assertFalse(h.inProgress(), "no header in progress after a complete one");
                return describe(h);
            }
            start = end;
        }
        throw new AssertionError("unreachable");
    }

    static Stream<Arguments> forms() {
        List<Arguments> l = new ArrayList<>();
        for (long len : LENGTHS) {
            l.add(Arguments.of(len, false));
            l.add(Arguments.of(len, true));
        }
        return l.stream();
    }

    @ParameterizedTest(name = "length {0} masked {1}")
    @MethodSource("forms")
    void everyLengthFormWholeSplitAndByteByByte(long length, boolean masked) {
        byte[] h = header(true, 0, FrameHeader.OP_BINARY, length, masked ? MASK : null);
        assertEquals(expectedSize(length, masked), h.length, "hand-built header size");
        String want = expected(true, 0, FrameHeader.OP_BINARY, length, masked);
        // payload bytes follow the header in the same read: the reader must not take them
        byte[] data = concat(h, new byte[] {1, 2, 3});

        assertEquals(want, feed(new FrameHeader(), data, 3), "whole");
        for (int cut = 1; cut < h.length; cut++) {
            assertEquals(want, feed(new FrameHeader(), data, 3, cut), "split at " + cut);
        }
        int[] every = new int[h.length - 1];
        for (int i = 0; i < every.length; i++) {
            every[i] = i + 1;
        }
        assertEquals(want, feed(new FrameHeader(), data, 3, every), "one byte at a time");
        // empty reads between bytes change nothing
        FrameHeader e = new FrameHeader();
        assertFalse(e.read(ByteBuffer.allocate(0)));
        assertFalse(e.inProgress());
        assertEquals(want, feed(e, data, 3, every), "after an empty read");
    }

    @Test
    void fieldsOfTheFirstByte() {
        for (int op = 0; op < 16; op++) {
            for (int rsv = 0; rsv < 8; rsv++) {
                for (boolean fin : new boolean[] {false, true}) {
                    byte[] h = header(fin, rsv, op, 5, MASK);
                    assertEquals(expected(fin, rsv, op, 5, true), feed(new FrameHeader(), h, 0),
                            "fin " + fin + " rsv " + rsv + " op " + op);
                }
            }
        }
    }

    @Test
    void oneReaderReadsHeadersBackToBack() {
        // the reader is reused frame after frame by the role
        FrameHeader r = new FrameHeader();
        Random rnd = new Random(7);
        for (int i = 0; i < 200; i++) {
            long len = LENGTHS[rnd.nextInt(LENGTHS.length)];
            boolean masked = rnd.nextBoolean();
            boolean fin = rnd.nextBoolean();
            int op = rnd.nextInt(16);
            byte[] h = header(fin, 0, op, len, masked ? MASK : null);
            int cut = 1 + rnd.nextInt(h.length);
            String got = cut == h.length ? feed(r, h, 0) : feed(r, h, 0, cut);
            assertEquals(expected(fin, 0, op, len, masked), got, "header " + i);
        }
    }

    @Test
    void aNegativeLengthIsWrittenAsSixtyFourBitsWithTheTopBitSet() {
        byte[] h = header(true, 0, FrameHeader.OP_BINARY, Long.MIN_VALUE + 5, new byte[] {1, 2, 3, 4});
        assertArrayEquals(new byte[] {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4}, h);
    }

    @Test
    void sixtyFourBitLengthWithTheTopBitSetIsNegative() {
        byte[] h = {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
        FrameHeader r = new FrameHeader();
        assertTrue(r.read(ByteBuffer.wrap(h)));
        assertTrue(r.length < 0, "top bit set must read as negative so the role refuses it: " + r.length);
        assertEquals(Long.MIN_VALUE + 1, r.length);
        byte[] all = {(byte) 0x82, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        FrameHeader r2 = new FrameHeader();
        assertTrue(r2.read(ByteBuffer.wrap(all)));
        assertEquals(-1, r2.length);
        assertFalse(r2.masked);
        // the largest legal length is positive
        FrameHeader r3 = new FrameHeader();
        assertTrue(r3.read(ByteBuffer.wrap(header(true, 0, 2, Long.MAX_VALUE, null))));
        assertEquals(Long.MAX_VALUE, r3.length);
    }

    @Test
    void controlAndKnownOpcodes() {
        for (int op = 0; op < 16; op++) {
            assertEquals(op >= 8, FrameHeader.isControl(op), "isControl " + op);
            boolean known = op == 0 || op == 1 || op == 2 || op == 8 || op == 9 || op == 10;
            assertEquals(known, FrameHeader.isKnown(op), "isKnown " + op);
        }
    }

    // ---- unmask ----------------------------------------------------------------------------------

    static byte[] maskWhole(byte[] plain, byte[] mask) {
        byte[] out = plain.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= mask[i & 3];
        }
        return out;
    }

    @Test
    void unmaskWholeIsTheRfcXor() {
        byte[] plain = "Hello, WebSocket masking!".getBytes();
        ByteBuffer b = ByteBuffer.wrap(maskWhole(plain, MASK));
        FrameHeader.unmask(b, MASK, 0);
        assertArrayEquals(plain, b.array());
        assertEquals(0, b.position(), "unmask leaves the position");
    }

    @Test
    void rfcExampleMaskedHello() {
        // RFC 6455 section 5.7: a single-frame masked text message containing "Hello"
        byte[] frame = {(byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa, 0x21, 0x3d, 0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58};
        ByteBuffer in = ByteBuffer.wrap(frame);
        FrameHeader h = new FrameHeader();
        assertTrue(h.read(in));
        assertEquals("fin=true rsv=0 op=1 masked=true len=5 mask=37fa213d", describe(h));
        ByteBuffer payload = in.slice();
        FrameHeader.unmask(payload, h.mask, 0);
        assertEquals("Hello", new String(frame, 6, 5));
    }

    @Test
    void unmaskingInArbitraryPiecesEqualsUnmaskingWhole() {
        Random rnd = new Random(42);
        for (int round = 0; round < 300; round++) {
            byte[] plain = new byte[rnd.nextInt(300)];
            rnd.nextBytes(plain);
            byte[] mask = new byte[4];
            rnd.nextBytes(mask);
            byte[] masked = maskWhole(plain, mask);
            // the frame's payload sits somewhere in a bigger read buffer, cut into pieces
            int lead = rnd.nextInt(20);
            byte[] buf = new byte[lead + masked.length + 7];
            System.arraycopy(masked, 0, buf, lead, masked.length);
            ByteBuffer whole = ByteBuffer.wrap(buf);
            long offset = 0;
            int p = lead;
            boolean direct = rnd.nextBoolean();
            byte[] out = new byte[plain.length];
            while (offset < plain.length) {
                int n = 1 + rnd.nextInt(Math.min(17, plain.length - (int) offset));
                ByteBuffer piece;
                if (direct) {
                    piece = ByteBuffer.allocateDirect(n + 3);
                    piece.position(3);
                    piece.put(buf, p, n);
                    piece.position(3);
                } else {
                    whole.limit(p + n).position(p);
                    piece = rnd.nextBoolean() ? whole.slice() : whole.duplicate();
                }
                int from = piece.position();
                FrameHeader.unmask(piece, mask, offset);
                for (int i = 0; i < n; i++) {
                    out[(int) offset + i] = piece.get(from + i);
                }
                p += n;
                offset += n;
            }
            assertArrayEquals(plain, out, "round " + round + (direct ? " (direct)" : " (heap)"));
            // bytes around the payload are untouched
            for (int i = 0; i < lead; i++) {
                assertEquals(0, buf[i], "byte before the payload changed");
            }
        }
    }

    @Test
    void unmaskOffsetsBeyondFourGigabytes() {
        // only offset mod 4 matters, also for offsets past 2^31 and 2^32
        byte[] plain = {10, 20, 30, 40, 50, 60, 70, 80};
        byte[] masked = maskWhole(plain, MASK);
        for (long base : new long[] {0, 1L << 31, (1L << 32) + 4, Long.MAX_VALUE - 7}) {
            for (int skip = 0; skip < 8; skip++) {
                ByteBuffer b = ByteBuffer.wrap(masked.clone(), skip, 8 - skip).slice();
                long off = base + skip;
                // unmask as if this piece started at payload index off, with a mask rotated to match
                byte[] rot = new byte[4];
                for (int i = 0; i < 4; i++) {
                    rot[(int) ((base + i) & 3)] = MASK[i];
                }
                FrameHeader.unmask(b, rot, off);
                for (int i = 0; i < b.limit(); i++) {
                    assertEquals(plain[skip + i], b.get(i), "base " + base + " skip " + skip + " byte " + i);
                }
            }
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
