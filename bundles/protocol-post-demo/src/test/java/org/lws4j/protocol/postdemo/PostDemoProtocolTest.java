package org.lws4j.protocol.postdemo;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Reason;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestExchange;
import org.lws4j.testkit.TestRequest;
import org.lws4j.testkit.TestVhost;

/** protocol-post-demo on the test kit, mounted at /formtest as the demo site mounts it. */
class PostDemoProtocolTest {
    private static final String B = "XyZzY";

    private final TestContext ctx = new TestContext();
    private final TestVhost vhost = ctx.addVhost("localhost").mount("/formtest", "callback://" + PostDemoProtocol.NAME);

    PostDemoProtocolTest() {
        vhost.bind(PostDemoProtocol.NAME, new PostDemoProtocol());
    }

    private static TestRequest multipartPost() {
        return TestRequest.post("/formtest").header("Content-Type", "multipart/form-data; boundary=" + B);
    }

    @Test
    void getShowsBothFormsPostingToTheMountpoint() {
        TestExchange x = vhost.http(TestRequest.get("/formtest"));
        assertEquals(200, x.status());
        assertEquals("no-store", x.header("Cache-Control"));
        String page = x.bodyText();
        assertTrue(page.contains("<h1>" + FormPages.FORM_HEADING + "</h1>"));
        assertTrue(page.contains("action=\"/formtest\" enctype=\"application/x-www-form-urlencoded\""));
        assertTrue(page.contains("enctype=\"multipart/form-data\""));
        assertTrue(page.contains("type=\"file\" name=\"file\""));
        assertTrue(x.isComplete());
    }

    @Test
    void urlencodedFieldsAreListedEscapedWhateverTheBodysPieces() {
        byte[] body = "text=%3Cscript%3Ealert(1)%3C%2Fscript%3E&more=a+b%26c&send=send&flag".getBytes(ISO_8859_1);
        TestExchange x = vhost.http(TestRequest.post("/formtest")
                .header("Content-Type", "application/x-www-form-urlencoded").body(body, 1));
        assertEquals(List.of(Reason.HTTP), x.reasons().subList(0, 1));
        assertEquals(body.length, x.reasons().stream().filter(r -> r == Reason.HTTP_BODY).count(), "a byte at a time");
        assertEquals(200, x.status());
        String page = x.bodyText();
        assertFalse(page.contains("<script>"));
        assertTrue(page.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"));
        assertTrue(page.contains("<code>more</code></td><td>5</td><td><code>a b&amp;c</code>"));
        assertTrue(page.contains("<code>flag</code></td><td>0</td>"));
        assertTrue(x.isComplete());
    }

    @Test
    void multipartUploadIsCountedAndHashedNotKept() throws Exception {
        byte[] file = new byte[50_000];
        new Random(3).nextBytes(file);
        byte[] body = multipart("hi <b>", "evil\"<img>.png", file);
        TestExchange x = vhost.http(multipartPost().body(body, 1000));
        String page = x.bodyText();
        assertEquals(200, x.status());
        assertTrue(page.contains("<code>hi &lt;b&gt;</code>"));
        assertTrue(page.contains("<code>evil&quot;&lt;img&gt;.png</code>"));
        assertTrue(page.contains("50000 bytes"));
        assertTrue(page.contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file))));
        assertFalse(page.contains("<img"));
    }

    @Test
    void uploadOverTheLimitIs413TheMomentItIsCrossed() {
        byte[] file = new byte[(int) FormSubmission.UPLOAD_LIMIT + 10_000];
        byte[] body = multipart("x", "big.bin", file);
        TestExchange x = vhost.http(multipartPost().chunked());
        int at = 0;
        while (at < body.length && x.sendBody(Arrays.copyOfRange(body, at, Math.min(body.length, at + 997)))) {
            at += 997;
        }
        assertEquals(413, x.status());
        // refused in the piece where the file's content crossed the limit, not at the body's end
        int crossing = body.length - 10_000 - ("\r\n--" + B + "--\r\n").length();
        assertTrue(at >= crossing - 997 && at < crossing + 997, "refused after " + at + "; the limit was crossed at " + crossing);
        assertTrue(x.isClosed(), "the rest is not read");
        assertEquals(Reason.CLOSED_HTTP, x.reasons().get(x.reasons().size() - 1));
        assertFalse(x.reasons().contains(Reason.HTTP_BODY_COMPLETION));
    }

    @Test
    void declaredLengthOverTheLimitIs413AtOnce() {
        TestExchange x = vhost.http(multipartPost().contentLength(FormSubmission.BODY_LIMIT + 1));
        assertEquals(413, x.status());
        assertEquals(List.of(Reason.HTTP, Reason.CLOSED_HTTP), x.reasons());
    }

    @Test
    void otherBodiesAndMethodsAreRefused() {
        TestExchange x = vhost.http(TestRequest.post("/formtest").header("Content-Type", "text/plain").body("abc"));
        assertEquals(415, x.status());

        x = vhost.http(TestRequest.post("/formtest").header("Content-Type", "multipart/form-data").body("abc"));
        assertEquals(400, x.status());

        x = vhost.http(multipartPost().body("junk!"));
        assertEquals(400, x.status());

        x = vhost.http(TestRequest.of("PUT", "/formtest"));
        assertEquals(405, x.status());
        assertEquals("GET, HEAD, POST", x.header("Allow"));
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
