package org.lws4j.protocol.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Reason;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestExchange;
import org.lws4j.testkit.TestRequest;
import org.lws4j.testkit.TestVhost;

/** lws4j-dynamic on the test kit, mounted at /dyn. */
class DynamicProtocolTest {
    private final TestContext ctx = new TestContext();
    private final TestVhost vhost = ctx.addVhost("localhost").mount("/dyn", "callback://" + DynamicProtocol.NAME);

    DynamicProtocolTest() {
        vhost.bind(DynamicProtocol.NAME,
                new DynamicProtocol(Clock.fixed(Instant.parse("2024-05-06T07:08:09.123Z"), ZoneOffset.UTC)));
    }

    private static TestRequest get(String target) {
        return TestRequest.get(target).peer(new InetSocketAddress("127.0.0.1", 40000));
    }

    @Test
    void getAnswersWithThePageWrittenInPiecesOfAtMost4KiB() {
        TestExchange x = vhost.http(get("/dyn/hello?x=1").header("User-Agent", "a".repeat(9000))); // three pieces
        assertEquals(200, x.status());
        assertEquals("", x.bodyText(), "headers from HTTP, the body only from HTTP_WRITEABLE");
        int writeables = x.drain();
        assertEquals(3, writeables);
        assertTrue(x.isComplete());
        assertEquals("text/html; charset=utf-8", x.header("Content-Type"));
        assertEquals("1", x.header("X-Lws4j-Dynamic"));
        assertEquals(String.valueOf(x.body().length), x.header("Content-Length"));

        String page = x.bodyText();
        int h1 = page.indexOf("<h1>");
        assertEquals("lws4j dynamic content", page.substring(h1 + 4, page.indexOf("</h1>", h1)));
        assertTrue(page.contains("<code>/dyn/hello</code>"));
        assertTrue(page.contains("<code>/hello</code>"), "the path in the mount");
        assertTrue(page.contains("<li><code>x</code> = <code>1</code></li>"));
        assertTrue(page.contains("<code>localhost:7681</code>"));
        assertTrue(page.contains("2024-05-06T07:08:09Z"));
        assertTrue(page.contains("<code>127.0.0.1:40000</code>"));
        assertFalse(page.contains("Request body"));
    }

    @Test
    void everythingFromTheRequestIsEscaped() {
        TestExchange x = vhost.http(get("/dyn/<script>alert(1)</script>?%3Cb%3E=%22q%27&<i>")
                .header("Host", "\"><svg onload=x>")
                .header("X-Evil", "<img src=x onerror=alert(1)>"));
        x.drain();
        String page = x.bodyText();
        assertFalse(page.contains("<script"));
        assertFalse(page.contains("<svg"));
        assertFalse(page.contains("<img"));
        assertFalse(page.contains("<b>"));
        assertFalse(page.contains("<i>"));
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(page.contains("<code>&lt;b&gt;</code> = <code>&quot;q&#39;</code>"));
    }

    @Test
    void credentialsAreNotEchoed() {
        TestExchange x = vhost.http(get("/dyn/").header("Cookie", "session=s3cret"));
        x.drain();
        assertFalse(x.bodyText().contains("s3cret"));
    }

    @Test
    void postIsAnsweredWithTheBodyLengthAfterTheBody() {
        TestExchange x = vhost.http(TestRequest.post("/dyn/post").contentLength(11));
        assertEquals(0, x.status(), "nothing is sent before the body is in");
        x.sendBody("hello ");
        x.sendBody("world");
        x.drain();
        String page = x.bodyText();
        assertTrue(page.contains("<th scope=\"row\">Request body</th><td>11 bytes</td>"));
        assertTrue(page.contains("<code>POST</code>"));
        assertEquals(List.of(Reason.HTTP, Reason.HTTP_BODY, Reason.HTTP_BODY, Reason.HTTP_BODY_COMPLETION,
                Reason.HTTP_WRITEABLE, Reason.HTTP_DROP_PROTOCOL), x.reasons(), "a page under 4 KiB: one piece");
    }

    @Test
    void anEmptyDeclaredBodyIsAnsweredOnCompletion() {
        TestExchange x = vhost.http(TestRequest.post("/dyn/post").contentLength(0));
        assertEquals(List.of(Reason.HTTP, Reason.HTTP_BODY_COMPLETION), x.reasons());
        x.drain();
        assertTrue(x.bodyText().contains("<th scope=\"row\">Request body</th><td>0 bytes</td>"));
    }

    @Test
    void aBodyOver64KiBGets413TheMomentItIsCrossed() {
        TestExchange x = vhost.http(TestRequest.post("/dyn/post").chunked());
        assertTrue(x.sendBody(new byte[40 * 1024]));
        x.sendBody(new byte[40 * 1024]);
        assertEquals(413, x.status());
        assertTrue(x.isClosed());
        assertFalse(x.reasons().contains(Reason.HTTP_BODY_COMPLETION));
        assertFalse(x.bodyText().contains(DynamicPage.HEADING), "no page after the refusal");
    }

    @Test
    void aDeclaredLengthOver64KiBGets413AtOnce() {
        TestExchange x = vhost.http(TestRequest.post("/dyn/post").contentLength(65537));
        assertEquals(413, x.status());
        assertEquals(List.of(Reason.HTTP, Reason.CLOSED_HTTP), x.reasons());
    }

    @Test
    void anUnaskedWriteableWritesNothing() {
        TestExchange x = vhost.http(TestRequest.post("/dyn/post").contentLength(3));
        x.forceWriteable();
        assertEquals("", x.bodyText());
        assertEquals(0, x.status());
        x.sendBody("abc");
        x.drain();
        int n = x.body().length;
        assertTrue(n > 0);
        assertTrue(x.isComplete());
    }
}
