package org.lws4j.protocol.postdemo;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;

class PostDemoProtocolTest {
    private static final ByteBuffer NONE = ByteBuffer.allocate(0);
    private static final String B = "XyZzY";

    private final PostDemoProtocol protocol = new PostDemoProtocol();

    private FakeConnection start(String method, String target) {
        FakeConnection c = new FakeConnection(method, target);
        c.session = protocol.newSession(c.wsi());
        return c;
    }

    private Result call(FakeConnection c, Reason r, byte[] data) throws Exception {
        return protocol.callback(c.wsi(), r, data == null ? NONE : ByteBuffer.wrap(data));
    }

    @Test
    void getShowsBothForms() throws Exception {
        FakeConnection c = start("GET", "/formtest");
        assertEquals(Result.CONTINUE, call(c, Reason.HTTP, null));
        FakeConnection.Answer a = c.answers.get(0);
        assertEquals(200, a.status());
        assertTrue(a.body().contains("<h1>" + FormPages.FORM_HEADING + "</h1>"));
        assertTrue(a.body().contains("enctype=\"application/x-www-form-urlencoded\""));
        assertTrue(a.body().contains("enctype=\"multipart/form-data\""));
        assertTrue(a.body().contains("type=\"file\" name=\"file\""));
    }

    @Test
    void urlencodedFieldsAreListedEscaped() throws Exception {
        byte[] body = "text=%3Cscript%3Ealert(1)%3C%2Fscript%3E&more=a+b%26c&send=send&flag".getBytes(ISO_8859_1);
        FakeConnection c = start("POST", "/formtest")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Content-Length", String.valueOf(body.length));
        assertEquals(Result.CONTINUE, call(c, Reason.HTTP, null));
        assertTrue(c.answers.isEmpty());
        for (byte b : body) {
            assertEquals(Result.CONTINUE, call(c, Reason.HTTP_BODY, new byte[] {b}));
        }
        call(c, Reason.HTTP_BODY_COMPLETION, null);
        String page = c.answers.get(0).body();
        assertEquals(200, c.answers.get(0).status());
        assertFalse(page.contains("<script>"));
        assertTrue(page.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"));
        assertTrue(page.contains("<code>more</code></td><td>5</td><td><code>a b&amp;c</code>"));
        assertTrue(page.contains("<code>flag</code></td><td>0</td>"));
    }

    @Test
    void multipartUploadIsCountedAndHashedNotKept() throws Exception {
        byte[] file = new byte[50_000];
        new java.util.Random(3).nextBytes(file);
        byte[] body = multipart("hi <b>", "evil\"<img>.png", file);
        FakeConnection c = start("POST", "/formtest")
                .header("Content-Type", "multipart/form-data; boundary=" + B)
                .header("Content-Length", String.valueOf(body.length));
        call(c, Reason.HTTP, null);
        for (int at = 0; at < body.length; at += 1000) {
            assertEquals(Result.CONTINUE, call(c, Reason.HTTP_BODY,
                    java.util.Arrays.copyOfRange(body, at, Math.min(body.length, at + 1000))));
        }
        call(c, Reason.HTTP_BODY_COMPLETION, null);
        String page = c.answers.get(0).body();
        assertTrue(page.contains("<code>hi &lt;b&gt;</code>"));
        assertTrue(page.contains("<code>evil&quot;&lt;img&gt;.png</code>"));
        assertTrue(page.contains("50000 bytes"));
        assertTrue(page.contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file))));
        assertFalse(page.contains("<img"));
    }

    @Test
    void uploadOverTheLimitIs413TheMomentItIsCrossed() throws Exception {
        byte[] file = new byte[(int) FormSubmission.UPLOAD_LIMIT + 10_000];
        byte[] body = multipart("x", "big.bin", file);
        FakeConnection c = start("POST", "/formtest")
                .header("Content-Type", "multipart/form-data; boundary=" + B)
                .header("Transfer-Encoding", "chunked");
        call(c, Reason.HTTP, null);
        int at = 0;
        Result r = Result.CONTINUE;
        while (r == Result.CONTINUE && at < body.length) {
            int n = Math.min(997, body.length - at);
            r = call(c, Reason.HTTP_BODY, java.util.Arrays.copyOfRange(body, at, at + n));
            at += n;
        }
        assertEquals(Result.CLOSE, r);
        assertEquals(413, c.answers.get(0).status());
        // refused in the piece where the file's content crossed the limit, not at the body's end
        int crossing = body.length - 10_000 - ("\r\n--" + B + "--\r\n").length();
        assertTrue(at >= crossing && at < crossing + 997, "refused at " + at + "; the limit was crossed at " + crossing);
        call(c, Reason.HTTP_BODY_COMPLETION, null);
        assertEquals(1, c.answers.size(), "nothing after the refusal");
    }

    @Test
    void declaredLengthOverTheLimitIs413AtOnce() throws Exception {
        FakeConnection c = start("POST", "/formtest")
                .header("Content-Type", "multipart/form-data; boundary=" + B)
                .header("Content-Length", String.valueOf(FormSubmission.BODY_LIMIT + 1));
        assertEquals(Result.CLOSE, call(c, Reason.HTTP, null));
        assertEquals(413, c.answers.get(0).status());
    }

    @Test
    void otherBodiesAndMethodsAreRefused() throws Exception {
        FakeConnection c = start("POST", "/formtest").header("Content-Type", "text/plain").header("Content-Length", "3");
        assertEquals(Result.CLOSE, call(c, Reason.HTTP, null));
        assertEquals(415, c.answers.get(0).status());

        c = start("POST", "/formtest").header("Content-Type", "multipart/form-data").header("Content-Length", "3");
        call(c, Reason.HTTP, null);
        assertEquals(400, c.answers.get(0).status());

        c = start("POST", "/formtest").header("Content-Type", "multipart/form-data; boundary=" + B)
                .header("Content-Length", "5");
        call(c, Reason.HTTP, null);
        call(c, Reason.HTTP_BODY, "junk!".getBytes(ISO_8859_1));
        call(c, Reason.HTTP_BODY_COMPLETION, null);
        assertEquals(400, c.answers.get(0).status());

        c = start("PUT", "/formtest");
        call(c, Reason.HTTP, null);
        assertEquals(405, c.answers.get(0).status());
        assertEquals("GET, HEAD, POST", c.answers.get(0).response().headers().get(0).getValue());
    }

    static byte[] multipart(String text, String filename, byte[] file) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n").getBytes(UTF_8));
        b.writeBytes(text.getBytes(UTF_8));
        b.writeBytes(("\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename.replace("\"", "\\\"") + "\"\r\nContent-Type: image/png\r\n\r\n").getBytes(UTF_8));
        b.writeBytes(file);
        b.writeBytes(("\r\n--" + B + "--\r\n").getBytes(UTF_8));
        return b.toByteArray();
    }
}
