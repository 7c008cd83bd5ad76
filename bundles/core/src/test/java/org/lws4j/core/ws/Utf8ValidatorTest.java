package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming UTF-8 check: what it accepts and refuses (RFC 3629), that any split of valid
 * text is still valid, and that a bad byte is refused the moment it arrives.
 */
class Utf8ValidatorTest {

    static byte[] bytes(int... b) {
        byte[] a = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            a[i] = (byte) b[i];
        }
        return a;
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("ascii", "Hello, World! 0123456789 ~\u007f\u0000".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("2-byte", "\u00e9\u00df\u0080\u07ff".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("3-byte", "\u20ac\u0800\uffff\ud7ff\ue000".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("4-byte", "\ud83d\ude00\ud800\udc00".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("U+10FFFF", bytes(0xF4, 0x8F, 0xBF, 0xBF)),
                Arguments.of("edges", bytes(0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80,
                        0xF0, 0x90, 0x80, 0x80, 0xF3, 0xBF, 0xBF, 0xBF)),
                Arguments.of("mixed", "Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!! \u03ba\u1f79\u03c3\u03bc\u03b5 \ud834\udd1e"
                        .getBytes(StandardCharsets.UTF_8)));
    }

    static Stream<Arguments> invalid() {
        // the index is of the first byte that cannot be part of well-formed UTF-8
        return Stream.of(
                Arguments.of("overlong NUL C0 80", bytes(0x41, 0xC0, 0x80), 1),
                Arguments.of("overlong C1 BF", bytes(0xC1, 0xBF), 0),
                Arguments.of("overlong E0 80 80", bytes(0xE0, 0x80, 0x80), 1),
                Arguments.of("overlong E0 9F BF", bytes(0xE0, 0x9F, 0xBF), 1),
                Arguments.of("overlong F0 80 80 80", bytes(0xF0, 0x80, 0x80, 0x80), 1),
                Arguments.of("overlong F0 8F BF BF", bytes(0xF0, 0x8F, 0xBF, 0xBF), 1),
                Arguments.of("surrogate ED A0 80", bytes(0x61, 0xED, 0xA0, 0x80), 2),
                Arguments.of("surrogate ED BF BF", bytes(0xED, 0xBF, 0xBF), 1),
                Arguments.of("above U+10FFFF F4 90 80 80", bytes(0xF4, 0x90, 0x80, 0x80), 1),
                Arguments.of("F5", bytes(0x61, 0xF5, 0x80, 0x80, 0x80), 1),
                Arguments.of("F8", bytes(0xF8, 0x88, 0x80, 0x80, 0x80), 0),
                Arguments.of("FE", bytes(0xFE), 0),
                Arguments.of("FF", bytes(0x61, 0x62, 0xFF), 2),
                Arguments.of("lone continuation 80", bytes(0x80), 0),
                Arguments.of("lone continuation BF after text", bytes(0x61, 0x62, 0xBF), 2),
                Arguments.of("continuation after a complete 2-byte", bytes(0xC3, 0xA9, 0xA9), 2),
                Arguments.of("lead byte where a continuation must be", bytes(0xE2, 0x82, 0xE2, 0x82, 0xAC), 2),
                Arguments.of("ASCII where a continuation must be", bytes(0xCE, 0xBA, 0xE1, 0xBD, 0x28), 4),
                Arguments.of("4-byte cut by ASCII", bytes(0xF0, 0x9F, 0x98, 0x41), 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validWholeAndComplete(String name, byte[] b) {
        Utf8Validator v = new Utf8Validator();
        assertTrue(v.feed(b, 0, b.length), name);
        assertTrue(v.isComplete(), name);
        ByteBuffer buf = ByteBuffer.wrap(b);
        Utf8Validator v2 = new Utf8Validator();
        assertTrue(v2.feed(buf), name + " (ByteBuffer)");
        assertEquals(0, buf.position(), "feed(ByteBuffer) does not move the position");
        assertTrue(v2.isComplete());
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip();
        Utf8Validator v3 = new Utf8Validator();
        assertTrue(v3.feed(direct), name + " (direct buffer)");
        assertTrue(v3.isComplete());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validSplitAtEveryByteBoundary(String name, byte[] b) {
        for (int cut = 0; cut <= b.length; cut++) {
            Utf8Validator v = new Utf8Validator();
            assertTrue(v.feed(b, 0, cut), name + " first piece up to " + cut);
            assertEquals(endsOnBoundary(b, cut), v.isComplete(), name + " complete after " + cut + " bytes");
            assertTrue(v.feed(ByteBuffer.wrap(b, cut, b.length - cut).slice()), name + " second piece from " + cut);
            assertTrue(v.isComplete(), name + " split at " + cut);
        }
        Utf8Validator one = new Utf8Validator();
        for (int i = 0; i < b.length; i++) {
            assertTrue(one.feed(b, i, i + 1), name + " byte " + i);
        }
        assertTrue(one.isComplete(), name + " one byte at a time");
    }

    /** True when {@code cut} is not inside a sequence of {@code b}. */
    static boolean endsOnBoundary(byte[] b, int cut) {
        return cut == b.length || (b[cut] & 0xC0) != 0x80;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidIsRefusedAtTheFailingByte(String name, byte[] b, int bad) {
        Utf8Validator whole = new Utf8Validator();
        assertFalse(whole.feed(b, 0, b.length), name + " whole");
        // fed as it arrives: everything before the bad byte passes, the bad byte fails at once
        Utf8Validator v = new Utf8Validator();
        assertTrue(v.feed(b, 0, bad), name + ": bytes before the failing one must pass");
        assertFalse(v.feed(b, bad, bad + 1), name + ": byte " + bad + " must fail as soon as it arrives");
        // and one byte at a time
        Utf8Validator one = new Utf8Validator();
        for (int i = 0; i < bad; i++) {
            assertTrue(one.feed(ByteBuffer.wrap(b, i, 1)), name + " byte " + i);
        }
        assertFalse(one.feed(ByteBuffer.wrap(b, bad, 1)), name + " byte " + bad);
        // the JDK's strict decoder agrees that the input is malformed
        assertFalse(jdkAccepts(b), name + ": the JDK decoder accepts it");
    }

    @Test
    void truncatedSequenceIsIncompleteNotInvalid() {
        for (byte[] b : new byte[][] {bytes(0xC3), bytes(0xE2, 0x82), bytes(0xE2), bytes(0xF0, 0x9F, 0x98),
            bytes(0x61, 0xF4, 0x8F), bytes(0xED, 0x9F)}) {
            Utf8Validator v = new Utf8Validator();
            assertTrue(v.feed(b, 0, b.length), "a prefix of valid UTF-8 is not invalid");
            assertFalse(v.isComplete(), "a message may not end inside a sequence");
        }
    }

    @Test
    void resetForgetsAnOpenSequence() {
        Utf8Validator v = new Utf8Validator();
        assertTrue(v.feed(bytes(0xE2, 0x82), 0, 2));
        v.reset();
        assertTrue(v.isComplete());
        assertTrue(v.feed(bytes(0x41), 0, 1));
        assertTrue(v.isComplete());
        // after reset a narrowed range (E0 needs A0..BF) is forgotten too
        Utf8Validator w = new Utf8Validator();
        assertTrue(w.feed(bytes(0xE0), 0, 1));
        w.reset();
        assertTrue(w.feed(bytes(0xC2, 0x80), 0, 2));
        assertTrue(w.isComplete());
    }

    @Test
    void everyCodePointAndEveryLeadByteAgainstTheJdk() {
        // every 1- and 2-byte input, every lead+continuation pair and a sample of longer ones
        for (int a = 0; a < 256; a++) {
            check(bytes(a));
            for (int c = 0; c < 256; c++) {
                check(bytes(a, c));
            }
        }
        Random rnd = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[1 + rnd.nextInt(6)];
            for (int j = 0; j < b.length; j++) {
                // bias toward bytes that matter: leads, continuations and the edges of ranges
                int[] interesting = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                    0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
                b[j] = (byte) (rnd.nextBoolean() ? interesting[rnd.nextInt(interesting.length)] : rnd.nextInt(256));
            }
            check(b);
        }
    }

    private static void check(byte[] b) {
        Utf8Validator v = new Utf8Validator();
        boolean ours = v.feed(b, 0, b.length) && v.isComplete();
        assertEquals(jdkAccepts(b), ours, () -> "disagrees with the JDK on " + FrameHeaderTest.hex(b));
    }

    private static boolean jdkAccepts(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
