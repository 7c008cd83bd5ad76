package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.lws4j.core.http.BodyDecoder.Step;

/**
 * {@link BodyDecoder} on any bytes:
 * <ul>
 * <li>fed whole, one byte at a time or in random pieces, a chunked body decodes to the same bytes,
 *     ends at the same place and fails with the same status (400 malformed, 413 over the limit);</li>
 * <li>a PIECE is never empty, NEED_MORE comes only once the input is all taken, the body never
 *     passes the limit and {@link BodyDecoder#total()} counts exactly what was handed out;</li>
 * <li>every body the RFC 9112 grammar accepts (checked by a plain reading below, or written by
 *     the harness from fuzzed chunks, extensions and trailers) decodes to exactly its bytes and
 *     leaves what follows it in the input;</li>
 * <li>a Content-Length body hands out exactly its length and leaves the rest.</li>
 * </ul>
 * Input: the body bytes (or, when encoding, the body and chunk sizes), then from the end the mode,
 * the limit and a seed for the piece sizes.
 */
class BodyDecoderFuzzTest {
    private static final int MAX_LINE = 4000;

    /** What one run came to: the last step, its status, the body handed out and where it stopped. */
    record Outcome(Step step, int error, String body, int consumed) {
    }

    @FuzzTest
    @DictionaryEntries({"\\x0d\\x0a", "0\\x0d\\x0a\\x0d\\x0a", ";ext=1", ";name=\\\"quoted\\\"", "Trailer: x\\x0d\\x0a", "ffffffff", "7fffffffffffffff", "\\x0a"})
    void decode(FuzzedDataProvider data) {
        int mode = data.consumeInt(0, 2);
        long maxBody = data.consumeLong(0, 1 << 16);
        long seed = data.consumeLong();
        Random r = new Random(seed);
        switch (mode) {
            case 0 -> anyBytes(data.consumeRemainingAsBytes(), maxBody, r);
            case 1 -> encoded(data, maxBody, r);
            default -> fixed(data.consumeRemainingAsBytes(), maxBody, r);
        }
    }

    private static void anyBytes(byte[] in, long maxBody, Random r) {
        String shown = show(in) + " (limit " + maxBody + ")";
        Outcome whole = chunked(in, maxBody, List.of(in.length));
        assertEquals(whole, chunked(in, maxBody, everyByte(in.length)), "byte by byte, " + shown);
        assertEquals(whole, chunked(in, maxBody, pieces(in.length, r)), "in pieces, " + shown);
        if (whole.step() == Step.ERROR) {
            assertTrue(whole.error() == 400 || whole.error() == 413, "status " + whole.error() + " for " + shown);
        }
        Outcome strict = strictReading(in, maxBody);
        if (strict != null) {
            assertEquals(strict, whole, "a body RFC 9112 reads one way decodes another: " + shown);
        }
    }

    /** Chunks the harness writes itself, valid by construction, with junk after them. */
    private static void encoded(FuzzedDataProvider data, long maxBody, Random r) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int chunks = data.consumeInt(0, 8);
        for (int i = 0; i < chunks; i++) {
            byte[] chunk = data.consumeBytes(data.consumeInt(1, 4096));
            if (chunk.length == 0) {
                break;
            }
            String size = Integer.toHexString(chunk.length);
            size = (data.consumeBoolean() ? size.toUpperCase() : size);
            size = "0".repeat(data.consumeInt(0, 3)) + size;
            wire.writeBytes((size + extension(data) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            wire.writeBytes(chunk);
            wire.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            body.writeBytes(chunk);
        }
        wire.writeBytes(("0" + extension(data) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        int trailers = data.consumeInt(0, 3);
        for (int i = 0; i < trailers; i++) {
            String name = token(data.consumeAsciiString(12));
            name = name.isEmpty() ? "x-trailer" : name;
            StringBuilder value = new StringBuilder();
            for (char c : data.consumeAsciiString(40).toCharArray()) {
                if (c >= 0x20 && c < 0x7f || c == '\t') {
                    value.append(c);
                }
            }
            wire.writeBytes((name + ": " + value.toString().strip() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        wire.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        int end = wire.size();
        wire.writeBytes(data.consumeRemainingAsBytes()); // the next request, or junk
        byte[] in = wire.toByteArray();
        String shown = show(in) + " (limit " + maxBody + ")";
        Outcome expected = body.size() > maxBody ? null
                : new Outcome(Step.DONE, 0, HexFormat.of().formatHex(body.toByteArray()), end);
        Outcome got = chunked(in, maxBody, pieces(in.length, r));
        if (expected != null) {
            assertEquals(expected, got, "a valid chunked body decodes wrong: " + shown);
        } else {
            assertEquals(Step.ERROR, got.step(), "a body over the limit: " + shown);
            assertEquals(413, got.error(), "a body over the limit: " + shown);
        }
    }

    private static void fixed(byte[] in, long length, Random r) {
        BodyDecoder d = BodyDecoder.fixed(length);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int start = 0;
        Step last = null;
        for (int end : pieces(in.length, r)) {
            ByteBuffer b = ByteBuffer.wrap(in, start, end - start);
            last = drain(d, b, body);
            if (last == Step.DONE) {
                start = b.position();
                break;
            }
            assertFalse(b.hasRemaining());
            start = end;
        }
        if (in.length == 0) {
            last = drain(d, ByteBuffer.allocate(0), body);
        }
        long taken = Math.min(length, in.length);
        assertEquals(taken == length ? Step.DONE : Step.NEED_MORE, last);
        assertArrayEquals(Arrays.copyOf(in, (int) taken), body.toByteArray());
        assertEquals(taken, d.total());
        assertEquals(length - taken, d.remaining());
        if (last == Step.DONE) {
            assertEquals(taken, start, "a Content-Length body took bytes past its length");
        }
    }

    /** Steps until the decoder needs more, ends or fails, collecting pieces. */
    private static Step drain(BodyDecoder d, ByteBuffer b, ByteArrayOutputStream body) {
        while (true) {
            Step s = d.next(b);
            if (s != Step.PIECE) {
                if (s == Step.NEED_MORE) {
                    assertFalse(b.hasRemaining(), "NEED_MORE with " + b.remaining() + " bytes not taken");
                }
                return s;
            }
            ByteBuffer p = d.piece();
            assertTrue(p.hasRemaining(), "an empty PIECE");
            byte[] bytes = new byte[p.remaining()];
            p.get(bytes);
            body.writeBytes(bytes);
        }
    }

    static Outcome chunked(byte[] in, long maxBody, List<Integer> ends) {
        BodyDecoder d = BodyDecoder.chunked(maxBody);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int start = 0;
        for (int end : ends) {
            ByteBuffer b = ByteBuffer.wrap(in, start, end - start);
            Step s = drain(d, b, body);
            assertEquals(body.size(), d.total(), "total() is not what was handed out");
            assertTrue(d.total() <= maxBody, "handed out " + d.total() + " bytes past a limit of " + maxBody);
            String hex = HexFormat.of().formatHex(body.toByteArray());
            if (s == Step.ERROR) {
                return new Outcome(s, d.errorStatus(), hex, -1);
            }
            if (s == Step.DONE) {
                assertEquals(0, d.remaining());
                return new Outcome(s, 0, hex, b.position());
            }
            start = end;
        }
        return new Outcome(Step.NEED_MORE, 0, HexFormat.of().formatHex(body.toByteArray()), in.length);
    }

    /**
     * RFC 9112 section 7.1 read strictly: the outcome for a body it accepts (or fails for size),
     * null for anything else, where the decoder may be more lenient. Extensions are ";" and any
     * visible text; trailer fields "token: value".
     */
    static Outcome strictReading(byte[] in, long maxBody) {
        String s = new String(in, StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int p = 0;
        while (true) {
            int eol = s.indexOf("\r\n", p);
            if (eol < 0 || eol - p > MAX_LINE) {
                return null;
            }
            int digits = 0;
            while (p + digits < eol && RequestHead.hex(s.charAt(p + digits)) >= 0) {
                digits++;
            }
            if (digits == 0 || digits > 15 || !extensionOk(s, p + digits, eol)) {
                return null;
            }
            long size = Long.parseLong(s.substring(p, p + digits), 16);
            p = eol + 2;
            if (size == 0) {
                break;
            }
            if (body.size() + size > maxBody) {
                return new Outcome(Step.ERROR, 413, HexFormat.of().formatHex(body.toByteArray()), -1);
            }
            if (p + size + 2 > in.length || in[(int) (p + size)] != '\r' || in[(int) (p + size + 1)] != '\n') {
                return null;
            }
            body.write(in, p, (int) size);
            p += (int) size + 2;
        }
        while (true) {
            int eol = s.indexOf("\r\n", p);
            if (eol < 0 || eol - p > MAX_LINE) {
                return null;
            }
            String line = s.substring(p, eol);
            p = eol + 2;
            if (line.isEmpty()) {
                return new Outcome(Step.DONE, 0, HexFormat.of().formatHex(body.toByteArray()), p);
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !token(line.substring(0, colon)).equals(line.substring(0, colon))
                    || !line.substring(colon + 1).chars().allMatch(c -> c >= 0x20 && c != 0x7f || c == '\t')) {
                return null;
            }
        }
    }

    /** After the size: nothing, or optional blanks, ';' and visible text (or tabs) up to the CRLF. */
    private static boolean extensionOk(String s, int from, int to) {
        int i = from;
        while (i < to && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        if (i == to) {
            return i == from;
        }
        if (s.charAt(i) != ';') {
            return false;
        }
        for (int j = i + 1; j < to; j++) {
            char c = s.charAt(j);
            if (!(c >= 0x20 && c < 0x7f || c == '\t')) {
                return false;
            }
        }
        return true;
    }

    private static String extension(FuzzedDataProvider data) {
        if (!data.consumeBoolean()) {
            return "";
        }
        StringBuilder e = new StringBuilder(";");
        for (char c : data.consumeAsciiString(20).toCharArray()) {
            if (c >= 0x20 && c < 0x7f) {
                e.append(c);
            }
        }
        return e.toString();
    }

    /** The token characters of {@code s}. */
    private static String token(String s) {
        StringBuilder t = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) {
                t.append(c);
            }
        }
        return t.toString();
    }

    static List<Integer> everyByte(int n) {
        List<Integer> ends = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ends.add(i);
        }
        return ends;
    }

    static List<Integer> pieces(int n, Random r) {
        List<Integer> ends = new ArrayList<>();
        for (int e = 0; e < n; ) {
            e = Math.min(n, e + 1 + r.nextInt(1 + r.nextInt(64)));
            ends.add(e);
        }
        if (ends.isEmpty()) {
            ends.add(0);
        }
        return ends;
    }

    private static String show(byte[] b) {
        StringBuilder s = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xff;
            if (c == '\\' || c == '"') {
                s.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.append('"').toString();
    }
}
