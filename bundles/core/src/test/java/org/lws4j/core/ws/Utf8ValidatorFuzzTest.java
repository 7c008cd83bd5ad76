package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * {@link Utf8Validator} against the JDK's UTF-8 decoder in REPORT mode, the oracle of what is
 * well-formed: fed byte by byte and in random pieces (byte arrays, heap slices, direct buffers),
 * it must fail at exactly the first byte after which no continuation could make the text valid,
 * and, when it never fails, call the text complete exactly when the JDK decodes all of it.
 *
 * <p>Input: the bytes to check, then (taken from the end) a seed for the piece sizes.
 */
class Utf8ValidatorFuzzTest {
    /** Enough to finish any open sequence that can still be finished: E0 wants A0, F0 wants 90, F4 and ED want 80. */
    private static final byte[][] COMPLETIONS = completions();

    @FuzzTest
    void validate(FuzzedDataProvider data) {
        long seed = data.consumeLong();
        byte[] text = data.consumeRemainingAsBytes();
        String hex = HexFormat.of().formatHex(text);

        // byte by byte: where it first fails
        Utf8Validator one = new Utf8Validator();
        int failAt = -1;
        for (int i = 0; i < text.length; i++) {
            if (!one.feed(text, i, i + 1)) {
                failAt = i;
                break;
            }
        }
        if (failAt >= 0) {
            assertTrue(extendable(text, failAt), "failed at byte " + failAt + " although the bytes before it can go on: " + hex);
            assertFalse(extendable(text, failAt + 1), "failed at byte " + failAt + " of text that can still become valid: " + hex);
        } else {
            assertTrue(extendable(text, text.length), "took bytes the JDK calls malformed: " + hex);
            assertEquals(jdkValid(text), one.isComplete(), "complete() disagrees with the JDK on " + hex);
        }

        // in pieces, each kind of input: the same verdict at the piece holding that byte
        Random r = new Random(seed);
        Utf8Validator pieces = new Utf8Validator();
        int pos = 0;
        boolean ok = true;
        while (pos < text.length) {
            int n = 1 + r.nextInt(Math.min(text.length - pos, 1 + r.nextInt(64)));
            ok = feed(pieces, text, pos, n, r.nextInt(3));
            if (!ok) {
                assertTrue(failAt >= pos && failAt < pos + n,
                        "in pieces it failed in [" + pos + ", " + (pos + n) + "), byte by byte at " + failAt + ": " + hex);
                break;
            }
            pos += n;
        }
        if (ok) {
            assertEquals(-1, failAt, "in pieces it took all of " + hex);
            assertEquals(one.isComplete(), pieces.isComplete(), "complete() depends on the pieces: " + hex);
        }

        // reset() forgets an open sequence
        pieces.reset();
        assertTrue(pieces.isComplete());
        assertTrue(pieces.feed(new byte[] {'o', 'k'}, 0, 2));
    }

    /** Feeds one piece as a byte range, a heap slice with an offset, or a direct buffer; the position must not move. */
    private static boolean feed(Utf8Validator v, byte[] text, int pos, int n, int kind) {
        switch (kind) {
            case 0:
                return v.feed(text, pos, pos + n);
            case 1: {
                byte[] padded = new byte[n + 7];
                System.arraycopy(text, pos, padded, 3, n);
                ByteBuffer b = ByteBuffer.wrap(padded, 2, n + 2).slice(); // array offset 2, one stray byte first
                b.position(1).limit(n + 1);
                boolean ok = v.feed(b);
                assertEquals(1, b.position(), "feed moved the position");
                return ok;
            }
            default: {
                ByteBuffer b = ByteBuffer.allocateDirect(n);
                b.put(text, pos, n).flip();
                boolean ok = v.feed(b);
                assertEquals(0, b.position(), "feed moved the position");
                return ok;
            }
        }
    }

    /** True if the first {@code n} bytes are valid UTF-8 or the start of it (some bytes after them make it valid). */
    static boolean extendable(byte[] text, int n) {
        byte[] prefix = Arrays.copyOf(text, n);
        for (byte[] c : COMPLETIONS) {
            byte[] t = Arrays.copyOf(prefix, n + c.length);
            System.arraycopy(c, 0, t, n, c.length);
            if (jdkValid(t)) {
                return true;
            }
        }
        return false;
    }

    static boolean jdkValid(byte[] b) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            d.decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[][] completions() {
        byte[] starts = {(byte) 0x80, (byte) 0x90, (byte) 0xA0};
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        out.add(new byte[0]);
        for (byte a : starts) {
            out.add(new byte[] {a});
            out.add(new byte[] {a, (byte) 0x80});
            out.add(new byte[] {a, (byte) 0x80, (byte) 0x80});
        }
        return out.toArray(new byte[0][]);
    }
}
