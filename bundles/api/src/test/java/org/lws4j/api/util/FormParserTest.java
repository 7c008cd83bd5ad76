package org.lws4j.api.util;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class FormParserTest {
    private static final String B = "b0undary--x";
    private static final String MULTIPART = "multipart/form-data; boundary=\"" + B + "\"";

    /** Fields and files as the handler saw them; checks the order of file calls. */
    static final class Seen implements FormHandler {
        final List<Map.Entry<String, String>> fields = new ArrayList<>();
        final List<FormPart> files = new ArrayList<>();
        final List<ByteArrayOutputStream> content = new ArrayList<>();
        FormPart open;
        int maxPiece;

        @Override
        public void field(String name, String value) {
            assertEquals(null, open, "a field inside a file");
            fields.add(Map.entry(name, value));
        }

        @Override
        public void fileBegin(FormPart part) {
            assertEquals(null, open);
            open = part;
            files.add(part);
            content.add(new ByteArrayOutputStream());
        }

        @Override
        public void fileData(FormPart part, ByteBuffer data) {
            assertEquals(open, part);
            maxPiece = Math.max(maxPiece, data.remaining());
            byte[] b = new byte[data.remaining()];
            data.get(b);
            content.get(content.size() - 1).writeBytes(b);
        }

        @Override
        public void fileEnd(FormPart part) {
            assertEquals(open, part);
            open = null;
        }
    }

    static byte[] multipartBody(byte[] file) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n").getBytes(ISO_8859_1));
        b.writeBytes("caf\u00e9 \r\n--".getBytes(UTF_8));
        b.writeBytes(("\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"up\"; filename=\"x.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(ISO_8859_1));
        b.writeBytes(file);
        b.writeBytes(("\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--" + B + "--\r\n")
                .getBytes(ISO_8859_1));
        return b.toByteArray();
    }

    static byte[] fileContent() {
        byte[] f = new byte[300];
        for (int i = 0; i < f.length; i++) {
            f[i] = (byte) i;
        }
        byte[] near = ("\r\n--" + B.substring(0, 6)).getBytes(ISO_8859_1);
        System.arraycopy(near, 0, f, 100, near.length);
        return f;
    }

    private static Seen parse(String type, byte[] body, int... cuts) throws FormException {
        Seen s = new Seen();
        FormParser p = FormParser.of(type, s);
        int at = 0;
        for (int cut : cuts) {
            p.feed(ByteBuffer.wrap(body, at, cut - at).slice());
            at = cut;
        }
        p.feed(ByteBuffer.wrap(body, at, body.length - at).slice());
        p.finish();
        return s;
    }

    private static void assertMultipart(Seen s) {
        assertEquals(List.of(Map.entry("a", "caf\u00e9 \r\n--"), Map.entry("b", "2")), s.fields);
        assertEquals(List.of(new FormPart("up", "x.bin", "application/octet-stream")), s.files);
        assertArrayEquals(fileContent(), s.content.get(0).toByteArray());
    }

    @Test
    void multipartFieldsAreWholeAndFilesStreamAtEverySplitPoint() throws FormException {
        byte[] body = multipartBody(fileContent());
        assertMultipart(parse(MULTIPART, body));
        for (int i = 0; i <= body.length; i++) {
            assertMultipart(parse(MULTIPART, body, i));
        }
        for (int i = 0; i <= body.length; i += 7) {
            for (int j = i; j <= body.length; j += 5) {
                assertMultipart(parse(MULTIPART, body, i, j));
            }
        }
    }

    @Test
    void urlencodedAtEverySplitPoint() throws FormException {
        byte[] body = "a=1&text=caf%C3%A9+%3Cb%3E&&flag&e=&x=%zz%4".getBytes(ISO_8859_1);
        List<Map.Entry<String, String>> expected = List.of(Map.entry("a", "1"), Map.entry("text", "caf\u00e9 <b>"),
                Map.entry("flag", ""), Map.entry("e", ""), Map.entry("x", "%zz%4"));
        String type = "Application/X-WWW-Form-Urlencoded; charset=utf-8";
        assertEquals(expected, parse(type, body).fields);
        for (int i = 0; i <= body.length; i++) {
            for (int j = i; j <= body.length; j++) {
                assertEquals(expected, parse(type, body, i, j).fields, "cut at " + i + ", " + j);
            }
        }
        assertEquals(FormParser.URLENCODED, FormParser.of(type, new Seen()).encoding());
    }

    @Test
    void aBigUploadStreamsInBoundedPiecesAndRandomCutsChangeNothing() throws FormException {
        byte[] big = new byte[300_000];
        new Random(5).nextBytes(big);
        byte[] body = multipartBody(big);
        Random rnd = new Random(9);
        for (int round = 0; round < 20; round++) {
            Seen s = new Seen();
            FormParser p = FormParser.of(MULTIPART, s);
            for (int at = 0; at < body.length;) {
                int n = Math.min(body.length - at, 1 + rnd.nextInt(40_000));
                p.feed(ByteBuffer.wrap(body, at, n).slice());
                at += n;
            }
            p.finish();
            assertArrayEquals(big, s.content.get(0).toByteArray());
            assertTrue(s.maxPiece <= MultipartParser.MAX_PIECE);
        }
    }

    @Test
    void fieldsOverTheLimitAre413() throws FormException {
        FormException e = assertThrows(FormException.class,
                () -> FormParser.of(MULTIPART, new Seen(), 4).feed(ByteBuffer.wrap(multipartBody(new byte[0]))));
        assertEquals(413, e.status());
        e = assertThrows(FormException.class,
                () -> FormParser.of(FormParser.URLENCODED, new Seen(), 5).feed(ByteBuffer.wrap("abc=def".getBytes(UTF_8))));
        assertEquals(413, e.status());
        Seen s = new Seen();
        FormParser p = FormParser.of(FormParser.URLENCODED, s, 7); // "abc=def" is 7 bytes as sent: fits
        p.feed(ByteBuffer.wrap("abc=def&".getBytes(UTF_8)));
        assertEquals(List.of(Map.entry("abc", "def")), s.fields);
    }

    @Test
    void aHandlerRefusesWithItsOwnStatus() {
        FormHandler tooBig = new FormHandler() {
            @Override
            public void field(String name, String value) {
            }

            @Override
            public void fileData(FormPart part, ByteBuffer data) throws FormException {
                throw new FormException(413, "uploads are limited");
            }
        };
        FormException e = assertThrows(FormException.class,
                () -> FormParser.of(MULTIPART, tooBig).feed(ByteBuffer.wrap(multipartBody(fileContent()))));
        assertEquals(413, e.status());
    }

    @Test
    void otherTypesAre415AndBadMultipart400() {
        assertEquals(415, assertThrows(FormException.class, () -> FormParser.of("text/plain", new Seen())).status());
        assertEquals(415, assertThrows(FormException.class, () -> FormParser.of(null, new Seen())).status());
        assertEquals(400, assertThrows(FormException.class, () -> FormParser.of("multipart/form-data", new Seen())).status());
        assertEquals(400, assertThrows(FormException.class, () -> parse(MULTIPART, "--x\r\n".getBytes(UTF_8))).status());
    }
}
