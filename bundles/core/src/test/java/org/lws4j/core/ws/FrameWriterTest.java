package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Frames as the writer builds them: every length form in its shortest encoding, read back by
 * {@link FrameHeader}; masked payloads unmask to the original; Close payloads keep the reason
 * within 123 bytes without cutting a UTF-8 sequence.
 */
class FrameWriterTest {

    @Test
    void headersOfEveryLengthFormRoundTrip() {
        for (long len : FrameHeaderTest.LENGTHS) {
            for (boolean masked : new boolean[] {false, true}) {
                for (int op : new int[] {0, 1, 2, 8, 9, 10}) {
                    for (boolean fin : new boolean[] {false, true}) {
                        byte[] mask = masked ? FrameWriter.newMask() : null;
                        ByteBuffer h = FrameWriter.header(op, fin, 0, len, mask);
                        String what = "len " + len + " masked " + masked + " op " + op + " fin " + fin;
                        assertEquals(0, h.position(), "header is flipped for reading: " + what);
                        assertEquals(FrameHeaderTest.expectedSize(len, masked), h.remaining(), "shortest form: " + what);
                        byte[] hand = FrameHeaderTest.header(fin, 0, op, len, mask);
                        byte[] got = new byte[h.remaining()];
                        h.duplicate().get(got);
                        assertArrayEquals(hand, got, "bytes as RFC 6455 5.2 lays them out: " + what);
                        FrameHeader r = new FrameHeader();
                        assertTrue(r.read(h), what);
                        assertFalse(h.hasRemaining());
                        assertEquals(fin, r.fin, what);
                        assertEquals(op, r.opcode, what);
                        assertEquals(0, r.rsv, what);
                        assertEquals(masked, r.masked, what);
                        assertEquals(len, r.length, what);
                        if (masked) {
                            assertArrayEquals(mask, r.mask, what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void rsvBitsAreWritten() {
        for (int rsv = 0; rsv < 8; rsv++) {
            FrameHeader r = new FrameHeader();
            assertTrue(r.read(FrameWriter.header(FrameHeader.OP_TEXT, true, rsv, 3, null)));
            assertEquals(rsv, r.rsv);
        }
    }

    @Test
    void maskedPayloadUnmasksBack() {
        Random rnd = new Random(3);
        for (int n : new int[] {0, 1, 3, 4, 5, 125, 126, 1000, 65536}) {
            byte[] plain = new byte[n];
            rnd.nextBytes(plain);
            byte[] mask = FrameWriter.newMask();
            ByteBuffer src = ByteBuffer.wrap(plain.clone());
            ByteBuffer m = FrameWriter.masked(src, mask);
            assertFalse(src.hasRemaining(), "masked() consumes its input");
            assertArrayEquals(plain, src.array(), "masked() masks into a copy, the input stays");
            assertEquals(n, m.remaining());
            byte[] wire = new byte[n];
            m.get(wire);
            if (n >= 8 && !Arrays.equals(mask, new byte[4])) {
                assertFalse(Arrays.equals(plain, wire), "masking changed nothing");
            }
            ByteBuffer back = ByteBuffer.wrap(wire);
            FrameHeader.unmask(back, mask, 0);
            assertArrayEquals(plain, back.array(), "length " + n);
        }
    }

    @Test
    void freshMaskPerFrame() {
        byte[] a = FrameWriter.newMask();
        boolean differs = false;
        for (int i = 0; i < 10 && !differs; i++) {
            differs = !Arrays.equals(a, FrameWriter.newMask());
        }
        assertTrue(differs, "newMask keeps returning the same key");
    }

    @Test
    void closePayloadCodeAndReason() {
        ByteBuffer p = FrameWriter.closePayload(1000, "bye");
        assertEquals(5, p.remaining());
        assertEquals(1000, p.getShort(0) & 0xffff);
        assertEquals("bye", reason(p));
        ByteBuffer high = FrameWriter.closePayload(4999, null);
        assertEquals(2, high.remaining());
        assertEquals(4999, high.getShort(0) & 0xffff);
        assertEquals(0, FrameWriter.closePayload(0, "ignored").remaining(), "code 0: an empty Close");
    }

    @Test
    void closeReasonTruncatedAt123Bytes() {
        String ascii = "x".repeat(200);
        ByteBuffer p = FrameWriter.closePayload(1001, ascii);
        assertEquals(125, p.remaining(), "a control frame payload is at most 125 bytes");
        assertEquals("x".repeat(123), reason(p));
        assertEquals(125, FrameWriter.closePayload(1001, "y".repeat(123)).remaining());
        assertEquals(124, FrameWriter.closePayload(1001, "y".repeat(122)).remaining());
    }

    @Test
    void closeReasonNeverCutsAUtf8Sequence() {
        // a sequence of 2, 3 and 4 bytes straddling byte 123, at every position it can sit
        for (String seq : new String[] {"\u00e9", "\u20ac", "\ud83d\ude00"}) {
            int len = seq.getBytes(StandardCharsets.UTF_8).length;
            for (int start = 123 - len - 1; start <= 123; start++) {
                String reason = "a".repeat(start) + seq + "bcd";
                ByteBuffer p = FrameWriter.closePayload(1008, reason);
                String r = reason(p);
                assertTrue(p.remaining() <= 125, "over 125 bytes");
                Utf8Validator v = new Utf8Validator();
                byte[] rb = new byte[p.remaining() - 2];
                p.duplicate().position(2).get(rb);
                assertTrue(v.feed(rb, 0, rb.length) && v.isComplete(), "reason is not whole UTF-8 at start " + start);
                assertTrue(reason.startsWith(r), "reason must be a prefix of the original");
                int fits = start + len <= 123 ? Math.min(123, start + len + 3) : start;
                assertEquals(fits, rb.length, seq + " starting at byte " + start + ": kept " + rb.length);
            }
        }
        // all multi-byte: 41 three-byte characters are exactly 123 bytes, 42 are 126
        assertEquals(123, FrameWriter.closePayload(1000, "\u20ac".repeat(42)).remaining() - 2);
        assertEquals(122, FrameWriter.closePayload(1000, "\u00e9".repeat(70)).remaining() - 2);
        assertEquals(120, FrameWriter.closePayload(1000, "\ud83d\ude00".repeat(40)).remaining() - 2);
    }

    @Test
    void closePayloadKeepsEverySendableCode() {
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999}) {
            assertEquals(code, FrameWriter.closePayload(code, "").getShort(0) & 0xffff);
        }
        assertNotEquals(0, FrameWriter.closePayload(1000, "").remaining());
    }

    static String reason(ByteBuffer p) {
        byte[] b = new byte[p.remaining() - 2];
        p.duplicate().position(2).get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
