package org.lws4j.api.util;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MultipartParserTest {
    private static final String B = "----lws4jBoundary7MA4YWxk";

    /** What a handler saw: parts with their headers and content. */
    static final class Recorder implements MultipartParser.Handler {
        final List<FormPart> parts = new ArrayList<>();
        final List<ByteArrayOutputStream> contents = new ArrayList<>();
        int ended;
        int maxPiece;

        @Override
        public void partBegin(FormPart part) {
            assertEquals(parts.size(), ended, "partBegin before the last part ended");
            parts.add(part);
            contents.add(new ByteArrayOutputStream());
        }

        @Override
        public void partData(ByteBuffer data) {
            assertEquals(parts.size() - 1, ended, "data outside a part");
            maxPiece = Math.max(maxPiece, data.remaining());
            byte[] b = new byte[data.remaining()];
            data.get(b);
            contents.get(contents.size() - 1).writeBytes(b);
        }

        @Override
        public void partEnd() {
            ended++;
        }

        byte[] content(int i) {
            return contents.get(i).toByteArray();
        }
    }

    /** A body whose content is full of things that look like the delimiter's start and are not. */
    static byte[] trickyBody() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("preamble, ignored\r\n--" + B + "\r\n").getBytes(ISO_8859_1));
        b.writeBytes("Content-Disposition: form-data; name=\"text\"\r\n\r\n".getBytes(ISO_8859_1));
        b.writeBytes("hello \r\n-- world \r\r\n\r\n-".getBytes(ISO_8859_1));
        b.writeBytes(("\r\n--" + B + "\r\n").getBytes(ISO_8859_1));
        b.writeBytes("Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"q\\\".bin\"\r\n".getBytes(ISO_8859_1));
        b.writeBytes("Content-Type: application/octet-stream\r\n\r\n".getBytes(ISO_8859_1));
        b.writeBytes(fileContent());
        b.writeBytes(("\r\n--" + B + "  \r\n").getBytes(ISO_8859_1)); // transport padding
        b.writeBytes("Content-Disposition: form-data; name=\"empty\"\r\n\r\n".getBytes(ISO_8859_1));
        b.writeBytes(("\r\n--" + B + "--\r\nepilogue, ignored\r\n").getBytes(ISO_8859_1));
        return b.toByteArray();
    }

    /** Binary content with near-delimiters: "\r\n--" + all but the last boundary character, and "\r\n-". */
    static byte[] fileContent() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < 256; i++) {
            b.write(i);
        }
        b.writeBytes(("\r\n--" + B.substring(0, B.length() - 1) + "X").getBytes(ISO_8859_1));
        b.writeBytes("\r\n-\r\n--\r\n---".getBytes(ISO_8859_1));
        b.writeBytes(("\r\r\n--" + B.substring(0, 5)).getBytes(ISO_8859_1));
        b.writeBytes("\r\n".getBytes(ISO_8859_1));
        return b.toByteArray();
    }

    private static void assertTricky(Recorder r) {
        assertEquals(3, r.parts.size());
        assertEquals(3, r.ended);
        assertEquals(new FormPart("text", null, null), r.parts.get(0));
        assertEquals("hello \r\n-- world \r\r\n\r\n-", new String(r.content(0), ISO_8859_1));
        assertEquals(new FormPart("file", "a \"q\".bin", "application/octet-stream"), r.parts.get(1));
        assertArrayEquals(fileContent(), r.content(1));
        assertEquals("empty", r.parts.get(2).name());
        assertEquals(0, r.content(2).length);
    }

    private static Recorder parse(byte[] body, int... cuts) throws FormException {
        Recorder r = new Recorder();
        MultipartParser p = new MultipartParser(B, r);
        int at = 0;
        for (int cut : cuts) {
            p.feed(ByteBuffer.wrap(body, at, cut - at).slice());
            at = cut;
        }
        p.feed(ByteBuffer.wrap(body, at, body.length - at).slice());
        p.finish();
        return r;
    }

    @Test
    void wholeBody() throws FormException {
        assertTricky(parse(trickyBody()));
    }

    @Test
    void splitInTwoAtEveryByte() throws FormException {
        byte[] body = trickyBody();
        for (int i = 0; i <= body.length; i++) {
            assertTricky(parse(body, i));
        }
    }

    @Test
    void splitInThreeAtEveryPairOfBytesAroundTheDelimiters() throws FormException {
        byte[] body = trickyBody();
        // every pair of cuts up to 32 bytes apart (the delimiter has 29): every delimiter split in three
        for (int i = 0; i <= body.length; i++) {
            for (int j = i; j <= Math.min(body.length, i + 32); j++) {
                assertTricky(parse(body, i, j));
            }
        }
    }

    @Test
    void oneByteAtATime() throws FormException {
        byte[] body = trickyBody();
        int[] cuts = new int[body.length - 1];
        Arrays.setAll(cuts, i -> i + 1);
        assertTricky(parse(body, cuts));
    }

    @Test
    void randomPieces() throws FormException {
        byte[] body = trickyBody();
        Random rnd = new Random(7681);
        for (int round = 0; round < 2000; round++) {
            List<Integer> cuts = new ArrayList<>();
            int at = 0;
            while (true) {
                at += 1 + rnd.nextInt(20);
                if (at >= body.length) {
                    break;
                }
                cuts.add(at);
            }
            assertTricky(parse(body, cuts.stream().mapToInt(Integer::intValue).toArray()));
        }
    }

    @Test
    void bigContentStreamsInBoundedPiecesAndIsNeverHeldWhole() throws FormException {
        byte[] big = new byte[1 << 20];
        new Random(1).nextBytes(big);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big\"\r\n\r\n").getBytes(ISO_8859_1));
        b.writeBytes(big);
        b.writeBytes(("\r\n--" + B + "--").getBytes(ISO_8859_1));
        byte[] body = b.toByteArray();
        Recorder r = new Recorder();
        MultipartParser p = new MultipartParser(B, r);
        for (int at = 0; at < body.length; at += 65536) {
            p.feed(ByteBuffer.wrap(body, at, Math.min(65536, body.length - at)).slice());
        }
        p.finish();
        assertArrayEquals(big, r.content(0));
        assertTrue(r.maxPiece <= 8192, "pieces handed over are bounded: " + r.maxPiece);
    }

    @Test
    void bareLineFeedsInPartHeadersAreAccepted() throws FormException {
        String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\n\nvalue\r\n--" + B + "--";
        Recorder r = parse(body.getBytes(ISO_8859_1));
        assertEquals("a", r.parts.get(0).name());
        assertEquals("value", new String(r.content(0), ISO_8859_1));
    }

    @Test
    void utf8FileNamesAndAnEmptyForm() throws FormException {
        String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"caf\u00e9 <1>.txt\"\r\n\r\nx\r\n--" + B + "--";
        Recorder r = parse(body.getBytes(UTF_8));
        assertEquals("caf\u00e9 <1>.txt", r.parts.get(0).filename());
        assertTrue(parse(("--" + B + "--\r\n").getBytes(ISO_8859_1)).parts.isEmpty());
    }

    @Test
    void malformedBodiesAre400() {
        String[] bad = {
            "no delimiter at all",
            "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ncut short",
            "--" + B + "garbage\r\n",
            "--" + B + "-x",
            "--" + B + "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + B + "--",
            "--" + B + "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--" + B + "--",
            "--" + B + "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" + B + "--",
            "--" + B + "\r\nX: " + "y".repeat(MultipartParser.MAX_PART_HEADERS) + "\r\n\r\n",
        };
        for (String body : bad) {
            FormException e = assertThrows(FormException.class, () -> parse(body.getBytes(ISO_8859_1)), body);
            assertEquals(400, e.status(), body);
        }
    }

    @Test
    void boundaryParameter() throws FormException {
        assertEquals("abc", MultipartParser.boundaryOf("multipart/form-data; boundary=abc"));
        assertEquals("a b;c", MultipartParser.boundaryOf("multipart/form-data; charset=utf-8; BOUNDARY=\"a b;c\""));
        assertNull(MultipartParser.boundaryOf("multipart/form-data"));
        assertEquals(400, assertThrows(FormException.class, () -> new MultipartParser(null, new Recorder())).status());
        assertEquals(400, assertThrows(FormException.class, () -> new MultipartParser("x".repeat(71), new Recorder())).status());
    }

    @Test
    void failureTableIsKnuthMorrisPratts() {
        assertArrayEquals(new int[] {0, 0, 0, 1, 2, 0}, MultipartParser.failureTable("ababc".getBytes(ISO_8859_1)));
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0}, MultipartParser.failureTable("\r\n--ab".getBytes(ISO_8859_1)));
    }
}
