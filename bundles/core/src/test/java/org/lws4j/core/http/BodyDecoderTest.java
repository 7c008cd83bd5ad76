package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.lws4j.core.http.BodyDecoder.Step;

/**
 * Request body framing as the handler drives it: pieces handed out until DONE, the bytes after
 * the body left in the input, the same result however the input is split, and the status of
 * each framing error.
 */
class BodyDecoderTest {
    private static final long BIG = 1L << 30;

    /** The body the pieces made, the bytes left after it, or the error. */
    record Outcome(Step end, String body, String rest, int error, long total) {
        String describe() {
            return end + " " + error + " body=" + body + " rest=" + rest + " total=" + total;
        }
    }

    /** Runs a decoder over {@code data} delivered in pieces ending at {@code cuts}. */
    static Outcome decode(BodyDecoder d, byte[] data, int... cuts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Integer> ends = new ArrayList<>();
        for (int c : cuts) {
            ends.add(c);
        }
        ends.add(data.length);
        int start = 0;
        for (int end : ends) {
            ByteBuffer in = ByteBuffer.wrap(data, start, end - start);
            for (int guard = 0; guard < 100_000; guard++) {
                Step s = d.next(in);
                if (s == Step.PIECE) {
                    ByteBuffer p = d.piece();
                    assertTrue(p.hasRemaining(), "a PIECE is never empty");
                    byte[] b = new byte[p.remaining()];
                    p.get(b);
                    body.write(b, 0, b.length);
                    continue;
                }
                if (s == Step.NEED_MORE) {
                    assertTrue(!in.hasRemaining(), "NEED_MORE must mean every byte was taken");
                    break;
                }
                String rest = new String(data, in.position(), data.length - in.position(), StandardCharsets.ISO_8859_1);
                return new Outcome(s, body.toString(StandardCharsets.ISO_8859_1), rest,
                        s == Step.ERROR ? d.errorStatus() : 0, d.total());
            }
            start = end;
        }
        return new Outcome(Step.NEED_MORE, body.toString(StandardCharsets.ISO_8859_1), "", 0, d.total());
    }

    /** Decodes whole, split in two at every byte and one byte at a time; all must agree. */
    static Outcome decodeEveryWay(Supplier<BodyDecoder> fresh, String input) {
        byte[] data = input.getBytes(StandardCharsets.ISO_8859_1);
        Outcome whole = decode(fresh.get(), data);
        for (int i = 1; i < data.length; i++) {
            assertEquals(whole.describe(), decode(fresh.get(), data, i).describe(), "split at " + i);
        }
        int[] every = new int[Math.max(0, data.length - 1)];
        for (int i = 0; i < every.length; i++) {
            every[i] = i + 1;
        }
        assertEquals(whole.describe(), decode(fresh.get(), data, every).describe(), "one byte at a time");
        return whole;
    }

    // ---- fixed length ---------------------------------------------------------------------------

    @Test
    void fixedLengthSplitEverywhere() {
        Outcome o = decodeEveryWay(() -> BodyDecoder.fixed(11), "hello worldGET /next HTTP/1.1\r\n\r\n");
        assertEquals(Step.DONE, o.end());
        assertEquals("hello world", o.body());
        assertEquals("GET /next HTTP/1.1\r\n\r\n", o.rest());
        assertEquals(11, o.total());
    }

    @Test
    void fixedLengthCountsDown() {
        BodyDecoder d = BodyDecoder.fixed(10);
        assertEquals(10, d.remaining());
        assertEquals(Step.PIECE, d.next(ByteBuffer.wrap("abcd".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(6, d.remaining());
        assertEquals(Step.NEED_MORE, d.next(ByteBuffer.allocate(0)));
        assertEquals(Step.PIECE, d.next(ByteBuffer.wrap("efghij".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(0, d.remaining());
        assertEquals(Step.DONE, d.next(ByteBuffer.allocate(0)));
    }

    @Test
    void zeroLengthIsDoneAtOnceAndTakesNothing() {
        BodyDecoder d = BodyDecoder.fixed(0);
        ByteBuffer in = ByteBuffer.wrap("GET".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Step.DONE, d.next(in));
        assertEquals(3, in.remaining());
    }

    @Test
    void incompleteFixedBodyNeedsMore() {
        Outcome o = decode(BodyDecoder.fixed(20), "only ten b".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Step.NEED_MORE, o.end());
        assertEquals("only ten b", o.body());
    }

    // ---- chunked --------------------------------------------------------------------------------

    @Test
    void chunkedWithExtensionsAndTrailersSplitEverywhere() {
        String in = "5;name=value;x\r\nhello\r\n"
                + "6 ; ext\r\n world\r\n"
                + "A\r\n0123456789\r\n"
                + "0\r\nX-Trailer: yes\r\nX-Other: 2\r\n\r\n"
                + "NEXT";
        Outcome o = decodeEveryWay(() -> BodyDecoder.chunked(BIG), in);
        assertEquals(Step.DONE, o.end());
        assertEquals("hello world0123456789", o.body());
        assertEquals("NEXT", o.rest());
        assertEquals(21, o.total());
    }

    @Test
    void bareLfAnywhereInTheFramingIsRefused() {
        // strict, as a front proxy may frame the same bytes differently (request smuggling)
        assertChunkedError("3\nabc\r\n0\r\n\r\n", BIG, 400);
        assertChunkedError("3\r\nabc\n0\r\n\r\n", BIG, 400);
        assertChunkedError("2;e\nde\r\n0\r\n\r\n", BIG, 400);
        assertChunkedError("0\nT: 1\r\n\r\n", BIG, 400);
        assertChunkedError("0\r\nT: 1\n\r\n", BIG, 400);
        assertChunkedError("0\r\nT: 1\r\n\n", BIG, 400);
    }

    @Test
    void onlyAnExtensionMayFollowTheSize() {
        assertChunkedError("3 junk\r\nabc\r\n0\r\n\r\n", BIG, 400);
        assertChunkedError("3 \r\nabc\r\n0\r\n\r\n", BIG, 400);
        assertChunkedError("3;a\u0001b\r\nabc\r\n0\r\n\r\n", BIG, 400);
        Outcome o = decodeEveryWay(() -> BodyDecoder.chunked(BIG), "3 \t ; a=\"b c\"\r\nabc\r\n0\r\n\r\n");
        assertEquals(Step.DONE, o.end());
        assertEquals("abc", o.body());
    }

    @Test
    void trailerFieldsAreCheckedAsHeaderFields() {
        assertChunkedError("0\r\nno colon here\r\n\r\n", BIG, 400);
        assertChunkedError("0\r\n: empty name\r\n\r\n", BIG, 400);
        assertChunkedError("0\r\nX-A: bell\u0007\r\n\r\n", BIG, 400);
        assertChunkedError("0\r\n X-Folded: 1\r\n\r\n", BIG, 400);
        assertChunkedError("0\r\n" + "X-Long: " + "v".repeat(4000) + "\r\n" + "X-Long: " + "v".repeat(4000) + "\r\n"
                + "X-Long: " + "v".repeat(4000) + "\r\n\r\n", BIG, 431);
    }

    @Test
    void chunkedHexIsCaseInsensitiveAndMayHaveLeadingZeros() {
        String data = "x".repeat(26);
        Outcome o = decodeEveryWay(() -> BodyDecoder.chunked(BIG), "001a\r\n" + data + "\r\n0\r\n\r\n");
        assertEquals(data, o.body());
        Outcome upper = decode(BodyDecoder.chunked(BIG), ("1A\r\n" + data + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(data, upper.body());
    }

    @Test
    void emptyChunkedBody() {
        Outcome o = decodeEveryWay(() -> BodyDecoder.chunked(BIG), "0\r\n\r\nGET");
        assertEquals(Step.DONE, o.end());
        assertEquals("", o.body());
        assertEquals("GET", o.rest());
    }

    @Test
    void chunkedBodyIsBinarySafe() {
        byte[] payload = new byte[256];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("100\r\n".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(payload);
        b.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        Outcome o = decode(BodyDecoder.chunked(BIG), b.toByteArray(), 7, 100, 262);
        assertEquals(Step.DONE, o.end());
        assertEquals(new String(payload, StandardCharsets.ISO_8859_1), o.body());
    }

    @Test
    void chunkedRemainingIsUnknownUntilDone() {
        BodyDecoder d = BodyDecoder.chunked(BIG);
        assertEquals(-1, d.remaining());
        decode(d, "1\r\na\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, d.remaining());
    }

    // ---- chunked errors -------------------------------------------------------------------------

    private static void assertChunkedError(String input, long max, int status) {
        Outcome o = decodeEveryWay(() -> BodyDecoder.chunked(max), input);
        assertEquals(Step.ERROR, o.end(), input);
        assertEquals(status, o.error(), input);
    }

    @Test
    void badCharacterInSize() {
        assertChunkedError("5x\r\nhello\r\n0\r\n\r\n", BIG, 400);
        assertChunkedError("g\r\n", BIG, 400);
        assertChunkedError("-1\r\n", BIG, 400);
        assertChunkedError("+5\r\nhello\r\n", BIG, 400);
        assertChunkedError("0x5\r\nhello\r\n", BIG, 400);
    }

    @Test
    void missingSize() {
        assertChunkedError("\r\nhello\r\n", BIG, 400);
        assertChunkedError(";ext\r\n", BIG, 400);
    }

    @Test
    void sizeLineNotEndedByCrlf() {
        assertChunkedError("5\rhello\r\n", BIG, 400);
    }

    @Test
    void missingCrlfAfterData() {
        assertChunkedError("3\r\nabcX\r\n0\r\n\r\n", BIG, 400);
        assertChunkedError("3\r\nabc\rX0\r\n\r\n", BIG, 400);
        assertChunkedError("3\r\nabcd\r\n0\r\n\r\n", BIG, 400);
    }

    @Test
    void badEndOfChunkedBody() {
        assertChunkedError("0\r\n\rX", BIG, 400);
    }

    @Test
    void sizeOfMoreThanFifteenHexDigits() {
        assertChunkedError("1000000000000000\r\n", BIG, 400);
        assertChunkedError("ffffffffffffffffffff\r\n", BIG, 400);
        // fifteen digits still parse; the size is then over the limit
        assertChunkedError("fffffffffffffff\r\n", BIG, 413);
    }

    @Test
    void overTheMaximumBodyIs413() {
        assertChunkedError("b\r\n", 10, 413);
        // the sum of the chunks counts, not each chunk
        assertChunkedError("6\r\nabcdef\r\n6\r\n", 10, 413);
        // exactly the maximum is fine
        Outcome ok = decodeEveryWay(() -> BodyDecoder.chunked(10), "5\r\nabcde\r\n5\r\nfghij\r\n0\r\n\r\n");
        assertEquals(Step.DONE, ok.end());
        assertEquals("abcdefghij", ok.body());
    }

    @Test
    void overLongExtensionLineIs400() {
        Outcome o = decode(BodyDecoder.chunked(BIG), ("5;" + "x".repeat(10_000) + "\r\nhello\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals(Step.ERROR, o.end());
        assertEquals(400, o.error());
    }

    @Test
    void endlessTrailersAreCut() {
        Outcome o = decode(BodyDecoder.chunked(BIG), ("0\r\nX: " + "y".repeat(10_000) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals(Step.ERROR, o.end());
        assertEquals(400, o.error());
    }

    @Test
    void errorsComeWithAMessage() {
        BodyDecoder d = BodyDecoder.chunked(BIG);
        assertEquals(Step.ERROR, d.next(ByteBuffer.wrap("zz\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertNotNull(d.errorMessage());
        if (d.errorMessage().isBlank()) {
            fail("blank error message");
        }
    }
}
