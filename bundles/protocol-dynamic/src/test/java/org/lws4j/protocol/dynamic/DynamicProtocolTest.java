package org.lws4j.protocol.dynamic;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;

class DynamicProtocolTest {
    private static final ByteBuffer NONE = ByteBuffer.allocate(0);

    private final DynamicProtocol protocol =
            new DynamicProtocol(Clock.fixed(Instant.parse("2024-05-06T07:08:09.123Z"), ZoneOffset.UTC));

    @Test
    void getAnswersWithThePageInPiecesOfAtMost4KiB() throws Exception {
        FakeConnection c = new FakeConnection("GET", "/dyn/hello?x=1")
                .header("User-Agent", "a".repeat(9000)); // makes the page need three pieces
        String page = run(c);

        HttpResponse head = c.headers.get(0);
        assertEquals(200, head.status());
        assertEquals("text/html; charset=utf-8", head.contentType());
        assertTrue(head.headers().contains(Map.entry("X-Lws4j-Dynamic", "1")));
        assertEquals(c.body().length, head.contentLength());

        assertTrue(c.writes.size() >= 3);
        for (int i = 0; i < c.writes.size(); i++) {
            FakeConnection.Write w = c.writes.get(i);
            assertEquals(WriteMode.HTTP, w.mode());
            assertTrue(w.data().length <= 4096);
            assertEquals(i == c.writes.size() - 1, w.fin(), "fin only on the last piece");
        }

        int h1 = page.indexOf("<h1>");
        assertEquals("lws4j dynamic content", page.substring(h1 + 4, page.indexOf("</h1>", h1)));
        assertTrue(page.contains("<code>/dyn/hello</code>"));
        assertTrue(page.contains("<code>/hello</code>"));
        assertTrue(page.contains("<li><code>x</code> = <code>1</code></li>"));
        assertTrue(page.contains("<code>localhost:7681</code>"));
        assertTrue(page.contains("2024-05-06T07:08:09Z"));
        assertTrue(page.contains("<code>127.0.0.1:40000</code>"));
        assertFalse(page.contains("Request body"));
    }

    @Test
    void everythingFromTheRequestIsEscaped() throws Exception {
        FakeConnection c = new FakeConnection("GET", "/dyn/<script>alert(1)</script>?%3Cb%3E=%22q%27&<i>")
                .header("Host", "\"><svg onload=x>")
                .header("X-Evil", "<img src=x onerror=alert(1)>");
        String page = run(c);
        assertFalse(page.contains("<script"));
        assertFalse(page.contains("<svg"));
        assertFalse(page.contains("<img"));
        assertFalse(page.contains("<b>"));
        assertFalse(page.contains("<i>"));
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(page.contains("<code>&lt;b&gt;</code> = <code>&quot;q&#39;</code>"));
    }

    @Test
    void credentialsAreNotEchoed() throws Exception {
        FakeConnection c = new FakeConnection("GET", "/dyn/").header("Cookie", "session=s3cret");
        assertFalse(run(c).contains("s3cret"));
    }

    @Test
    void postIsAnsweredWithTheBodyLengthAfterTheBody() throws Exception {
        FakeConnection c = new FakeConnection("POST", "/dyn/post").header("Content-Length", "11");
        c.session = protocol.newSession(c.wsi());
        assertEquals(Result.CONTINUE, protocol.callback(c.wsi(), Reason.HTTP, NONE));
        assertTrue(c.headers.isEmpty(), "nothing is sent before the body is in");
        protocol.callback(c.wsi(), Reason.HTTP_BODY, ByteBuffer.wrap("hello ".getBytes(UTF_8)));
        protocol.callback(c.wsi(), Reason.HTTP_BODY, ByteBuffer.wrap("world".getBytes(UTF_8)));
        assertEquals(11, ((Exchange) c.session).body().length);
        assertEquals(Result.CONTINUE, protocol.callback(c.wsi(), Reason.HTTP_BODY_COMPLETION, NONE));
        String page = drain(c);
        assertTrue(page.contains("<th scope=\"row\">Request body</th><td>11 bytes</td>"));
        assertTrue(page.contains("<code>POST</code>"));
    }

    @Test
    void anEmptyDeclaredBodyIsAnsweredOnCompletion() throws Exception {
        FakeConnection c = new FakeConnection("POST", "/dyn/post").header("Content-Length", "0");
        c.session = protocol.newSession(c.wsi());
        assertEquals(Result.CONTINUE, protocol.callback(c.wsi(), Reason.HTTP, NONE));
        assertTrue(c.headers.isEmpty(), "HTTP_BODY_COMPLETION follows a declared body, even an empty one");
        protocol.callback(c.wsi(), Reason.HTTP_BODY_COMPLETION, NONE);
        assertTrue(drain(c).contains("<th scope=\"row\">Request body</th><td>0 bytes</td>"));
    }

    @Test
    void aBodyOver64KiBGets413() throws Exception {
        FakeConnection c = new FakeConnection("POST", "/dyn/post").header("Transfer-Encoding", "chunked");
        c.session = protocol.newSession(c.wsi());
        protocol.callback(c.wsi(), Reason.HTTP, NONE);
        ByteBuffer piece = ByteBuffer.allocate(40 * 1024);
        assertEquals(Result.CONTINUE, protocol.callback(c.wsi(), Reason.HTTP_BODY, piece));
        assertEquals(Result.CLOSE, protocol.callback(c.wsi(), Reason.HTTP_BODY, piece.clear()));
        assertTrue(c.statuses.get(0).startsWith("413 "));
        assertTrue(c.headers.isEmpty());
        protocol.callback(c.wsi(), Reason.HTTP_BODY_COMPLETION, NONE);
        assertTrue(c.headers.isEmpty(), "no page after the refusal");
    }

    @Test
    void aDeclaredLengthOver64KiBGets413AtOnce() throws Exception {
        FakeConnection c = new FakeConnection("POST", "/dyn/post").header("Content-Length", "65537");
        c.session = protocol.newSession(c.wsi());
        assertEquals(Result.CLOSE, protocol.callback(c.wsi(), Reason.HTTP, NONE));
        assertTrue(c.statuses.get(0).startsWith("413 "));
    }

    @Test
    void anUnaskedWriteableWritesNothing() throws Exception {
        FakeConnection c = new FakeConnection("GET", "/dyn/");
        c.session = protocol.newSession(c.wsi());
        assertEquals(Result.CONTINUE, protocol.callback(c.wsi(), Reason.HTTP_WRITEABLE, NONE));
        assertTrue(c.writes.isEmpty());
        run(c);
        int n = c.writes.size();
        assertEquals(Result.CONTINUE, protocol.callback(c.wsi(), Reason.HTTP_WRITEABLE, NONE));
        assertEquals(n, c.writes.size(), "nothing after the last piece");
    }

    @Test
    void queryArgsAreDecodedLeniently() {
        var args = QueryArgs.parse("a=1&b&c=%E2%82%AC+x&d=%zz&&e=%4");
        assertEquals(5, args.size());
        assertEquals(Map.entry("a", "1"), args.get(0));
        assertEquals("b", args.get(1).getKey());
        assertEquals(null, args.get(1).getValue());
        assertEquals("\u20ac x", args.get(2).getValue());
        assertEquals("%zz", args.get(3).getValue());
        assertEquals("%4", args.get(4).getValue());
    }

    /** A GET-like transaction: HTTP, then HTTP_WRITEABLE for as long as the protocol asks. */
    private String run(FakeConnection c) throws Exception {
        if (c.session == null) {
            c.session = protocol.newSession(c.wsi());
        }
        assertEquals(Result.CONTINUE, protocol.callback(c.wsi(), Reason.HTTP, NONE));
        return drain(c);
    }

    private String drain(FakeConnection c) throws Exception {
        assertEquals(1, c.headers.size());
        int asked = c.writeableRequests;
        int rounds = 0;
        while (asked > 0 && rounds++ < 1000) {
            asked--;
            int before = c.writeableRequests;
            assertEquals(Result.CONTINUE, protocol.callback(c.wsi(), Reason.HTTP_WRITEABLE, NONE));
            asked += c.writeableRequests - before;
        }
        assertTrue(c.writes.get(c.writes.size() - 1).fin());
        return new String(c.body(), UTF_8);
    }
}
