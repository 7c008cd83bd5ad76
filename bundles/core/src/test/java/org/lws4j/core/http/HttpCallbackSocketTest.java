package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.Connection;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.core.http.RawClient.Response;

/** CALLBACK mounts over real sockets: request bodies, 100-continue, chunked responses, hot-plug. */
@Timeout(30)
class HttpCallbackSocketTest {
    @TempDir
    Path tmp;
    TestServer server;
    final TestProtocols.Echo echo = new TestProtocols.Echo();

    @BeforeEach
    void start() throws IOException {
        Path www = TestServer.writeSite(tmp);
        server = TestServer.start(TestServer.defaults(), TestServer.mounts(www, "dyn", "chunky", "svc", "boom"));
        server.ctx.addProtocol("dyn", echo, 0, 1L);
        server.ctx.addProtocol("chunky", new TestProtocols.Chunky(3), 0, 2L);
        server.ctx.addProtocol("boom", new TestProtocols.Boom(), 0, 3L);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] randomBody(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static String echoOf(byte[] body) {
        return "len=" + body.length + " sha256=" + TestProtocols.sha256(body);
    }

    /** The events of one request with a body: one HTTP, pieces adding up to {@code n}, one completion. */
    private void assertBodyEvents(String path, int n) {
        List<String> ev = new ArrayList<>(echo.events);
        assertEquals("HTTP " + path, ev.get(0), ev.toString());
        long sum = 0;
        int i = 1;
        while (i < ev.size() && ev.get(i).startsWith("BODY ")) {
            long piece = Long.parseLong(ev.get(i).substring(5));
            assertTrue(piece > 0, "empty HTTP_BODY: " + ev);
            sum += piece;
            i++;
        }
        assertEquals(n, sum, ev.toString());
        assertEquals("COMPLETION", ev.get(i), ev.toString());
        assertEquals(1, ev.stream().filter("COMPLETION"::equals).count(), ev.toString());
        assertEquals(1, ev.stream().filter(e -> e.startsWith("HTTP ")).count(), ev.toString());
    }

    @Test
    void getToACallbackMountSeesThePathBelowTheMount() throws IOException {
        try (RawClient c = server.client()) {
            assertEquals("path=/a/b", c.get("/dyn/a/b?x=1").text());
            assertEquals("path=", c.get("/dyn").text());
            assertEquals("path=/", c.get("/dyn/").text());
            assertEquals("path=/caf\u00e9", c.get("/dyn/caf%C3%A9").text());
        }
    }

    @Test
    void contentLengthPostBodyArrivesWhole() throws Exception {
        byte[] body = randomBody(200_000);
        try (RawClient c = server.client()) {
            String head = "POST /dyn/upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length + "\r\n\r\n";
            c.send(head);
            long sent = head.length();
            for (int off = 0; off < body.length; off += 50_000) {
                byte[] piece = java.util.Arrays.copyOfRange(body, off, Math.min(body.length, off + 50_000));
                c.send(piece);
                sent += piece.length;
                long n = sent;
                // each piece read before the next is sent, so the body comes in several reads
                server.awaitOnLoop("piece read", t -> TestServer.bytesRead(t, c) == n);
            }
            Response r = c.read();
            assertEquals(200, r.status());
            assertEquals(echoOf(body), r.text());
            assertBodyEvents("/upload", body.length);
            assertEquals("path=/next", c.get("/dyn/next").text(), "keep-alive after a body");
        }
    }

    @Test
    void chunkedPostBodyArrivesWhole() throws Exception {
        byte[] body = randomBody(70_001);
        int[] sizes = {1, 15, 16, 4096, 65_000, 873};
        try (RawClient c = server.client()) {
            String head = "POST /dyn/chunks HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
            c.send(head);
            long sent = head.length();
            int off = 0;
            for (int s : sizes) {
                ByteArrayOutputStream chunk = new ByteArrayOutputStream();
                chunk.writeBytes((Integer.toHexString(s) + (s == 16 ? ";ext=1" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
                chunk.write(body, off, s);
                chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                c.send(chunk.toByteArray());
                off += s;
                sent += chunk.size();
                long n = sent;
                // each chunk read before the next is sent
                server.awaitOnLoop("chunk read", t -> TestServer.bytesRead(t, c) == n);
            }
            assertEquals(body.length, off);
            c.send("0\r\nX-Trailer: t\r\n\r\n");
            Response r = c.read();
            assertEquals(200, r.status());
            assertEquals(echoOf(body), r.text());
            assertBodyEvents("/chunks", body.length);
            assertEquals("path=/after", c.get("/dyn/after").text());
        }
    }

    @Test
    void emptyBodyStillCompletesOnce() throws IOException {
        try (RawClient c = server.client()) {
            c.send("POST /dyn/empty HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
            assertEquals(echoOf(new byte[0]), c.read().text());
            assertBodyEvents("/empty", 0);
        }
    }

    @Test
    void expect100ContinueComesBeforeTheBodyIsSent() throws IOException {
        byte[] body = randomBody(1000);
        try (RawClient c = server.client()) {
            c.send("POST /dyn/exp HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n");
            Response cont = c.read();
            assertEquals(100, cont.status());
            assertEquals("Continue", cont.reason());
            c.send(body);
            Response r = c.read();
            assertEquals(200, r.status());
            assertEquals(echoOf(body), r.text());
        }
    }

    @Test
    void protocolResponseWithoutLengthIsChunked() throws IOException {
        try (RawClient c = server.client()) {
            Response r = c.get("/chunky");
            assertEquals(200, r.status());
            assertTrue(r.chunked(), r.toString());
            assertEquals("yes", r.header("X-Chunky"));
            assertEquals(TestProtocols.Chunky.expected(3), r.text());
            Response again = c.get("/chunky/again");
            assertEquals(TestProtocols.Chunky.expected(3), again.text(), "keep-alive after a chunked response");
        }
    }

    @Test
    void protocolResponseWithoutLengthToHttp10EndsWithTheClose() throws IOException {
        try (RawClient c = server.client()) {
            c.send("GET /chunky HTTP/1.0\r\n\r\n");
            Response r = c.read();
            assertFalse(r.chunked());
            assertNull(r.header("Content-Length"));
            assertEquals(TestProtocols.Chunky.expected(3), r.text());
        }
    }

    @Test
    void callbackMountWithoutItsProtocolIs503UntilItComes() throws IOException {
        TestProtocols.Fixed svc = new TestProtocols.Fixed("svc here");
        try (RawClient c = server.client()) {
            Response r = c.get("/svc");
            assertEquals(503, r.status());
            assertNotNull(r.header("Retry-After"));
            assertTrue(Integer.parseInt(r.header("Retry-After")) > 0);

            server.ctx.addProtocol("svc", svc, 0, 10L);
            assertEquals("svc here", c.get("/svc").text(), "the same keep-alive connection");

            server.ctx.removeProtocol("svc", svc);
            Response gone = c.get("/svc");
            assertEquals(503, gone.status());
            assertNotNull(gone.header("Retry-After"));
        }
        server.assertStillServes();
    }

    @Test
    void protocolLeavingMidBodyGets503AndTheConnectionGoesOn() throws Exception {
        try (RawClient c = server.client()) {
            c.send("POST /dyn/up HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n" + "a".repeat(50));
            TestServer.awaitTrue("the first 50 bytes of the body delivered", () -> echo.events.contains("BODY 50"));
            server.ctx.removeProtocol("dyn", echo);
            Response r = c.read();
            assertEquals(503, r.status());
            assertNotNull(r.header("Retry-After"));
            assertTrue(echo.events.contains("CLOSED_HTTP"), echo.events.toString());
            c.send("b".repeat(50));
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text(), "the rest of the body was read and dropped");
            assertEquals(503, c.get("/dyn/again").status());
        }
    }

    @Test
    void headToACallbackMountGetsTheLengthWithoutTheBody() throws IOException {
        try (RawClient c = server.client()) {
            c.send("HEAD /dyn/x HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Response r = c.read(true);
            assertEquals(200, r.status());
            assertEquals(String.valueOf("path=/x".length()), r.header("Content-Length"));
            c.send("HEAD /chunky HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, c.read(true).status());
            assertEquals("path=/y", c.get("/dyn/y").text(), "no body bytes came after either head");
        }
    }

    @Test
    void higherRankedProtocolTakesOver() throws IOException {
        TestProtocols.Fixed low = new TestProtocols.Fixed("low");
        TestProtocols.Fixed high = new TestProtocols.Fixed("high");
        server.ctx.addProtocol("svc", low, 0, 20L);
        try (RawClient c = server.client()) {
            assertEquals("low", c.get("/svc").text());
            server.ctx.addProtocol("svc", high, 10, 21L);
            assertEquals("high", c.get("/svc").text());
            server.ctx.removeProtocol("svc", high);
            assertEquals("low", c.get("/svc").text());
        }
    }

    @Test
    void throwingProtocolClosesOnlyItsConnection() throws IOException {
        try (RawClient other = server.client(); RawClient victim = server.client()) {
            assertEquals("path=/x", other.get("/dyn/x").text());
            victim.send("GET /boom HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(victim.closedByServer(), "the connection of the throwing protocol closes");
            assertEquals("path=/y", other.get("/dyn/y").text(), "another connection is unaffected");
            assertEquals(TestServer.HELLO, other.get("/hello.txt").text());
        }
        server.assertStillServes();
        assertTrue(server.logText().contains("boom"), server.logText());
    }

    @Test
    void pipelinedCallbackRequestsAnsweredInOrder() throws IOException {
        try (RawClient c = server.client()) {
            c.send("GET /dyn/1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "POST /dyn/2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /chunky HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /dyn/4 HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("path=/1", c.read().text());
            assertEquals(echoOf("hello".getBytes(StandardCharsets.US_ASCII)), c.read().text());
            assertEquals(TestProtocols.Chunky.expected(3), c.read().text());
            assertEquals("path=/4", c.read().text());
        }
    }

    @Test
    void protocolIsDroppedAfterEachTransaction() throws IOException {
        try (RawClient c = server.client()) {
            c.get("/dyn/a");
            c.get("/dyn/b");
        }
        TestServer.awaitTrue("four events: " + echo.events, () -> echo.events.size() >= 4);
        assertEquals(List.of("HTTP /a", "DROP", "HTTP /b", "DROP"), new ArrayList<>(echo.events));
    }

    @Test
    void sessionStaysUsableAfterRespondUntilTheCallbackReturns() throws IOException {
        // the lws habit: answer, then update per-session state before returning
        Protocol counting = new Protocol() {
            @Override
            public Object newSession(Connection wsi) {
                return new int[1];
            }

            @Override
            public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                if (reason == Reason.HTTP) {
                    int[] before = wsi.session();
                    wsi.respond(HttpResponse.of(200).contentType("text/plain"),
                            ByteBuffer.wrap("counted".getBytes(StandardCharsets.US_ASCII)));
                    int[] after = wsi.session();
                    after[0]++; // NullPointerException if the session was dropped inside respond()
                    return before == after ? Result.CONTINUE : Result.CLOSE;
                }
                return Result.CONTINUE;
            }
        };
        server.ctx.addProtocol("svc", counting, 0, 30L);
        try (RawClient c = server.client()) {
            assertEquals("counted", c.get("/svc/1").text());
            // the callback has returned by the time this runs: had it returned CLOSE, the connection would be closing
            assertTrue(server.holds(t -> TestServer.isOpen(t, c)), "the keep-alive connection was closed after the response");
            assertEquals("counted", c.get("/svc/2").text());
        }
    }

    /** Answers "late" from a TIMER callback or from a task posted with execute() by another thread. */
    private static Protocol deferred(boolean fromOtherThread) {
        return new Protocol() {
            @Override
            public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                if (reason == Reason.HTTP && !fromOtherThread) {
                    wsi.setTimer(20, java.util.concurrent.TimeUnit.MILLISECONDS);
                } else if (reason == Reason.HTTP) {
                    // the task runs on the connection's thread, so after this callback has returned
                    new Thread(() -> wsi.execute(() -> wsi.respond(HttpResponse.of(200),
                            ByteBuffer.wrap("late".getBytes(StandardCharsets.US_ASCII))))).start();
                } else if (reason == Reason.TIMER) {
                    wsi.respond(HttpResponse.of(200), ByteBuffer.wrap("late".getBytes(StandardCharsets.US_ASCII)));
                }
                return Result.CONTINUE;
            }
        };
    }

    @Test
    void answerFromATimerCompletesTheTransaction() throws IOException {
        server.ctx.addProtocol("svc", deferred(false), 0, 40L);
        try (RawClient c = server.client()) {
            assertEquals("late", c.get("/svc/1").text());
            assertEquals("late", c.get("/svc/2").text(), "the next request on the keep-alive connection");
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
        }
    }

    @Test
    void answerFromAnotherThreadThroughExecuteCompletesTheTransaction() throws IOException {
        server.ctx.addProtocol("svc", deferred(true), 0, 41L);
        try (RawClient c = server.client()) {
            assertEquals("late", c.get("/svc/1").text());
            assertEquals("late", c.get("/svc/2").text(), "the next request on the keep-alive connection");
        }
    }

    @Test
    void encodedSlashCannotSmuggleADotSegmentIntoAProtocol() throws IOException {
        // "/dyn/..%2F..%2Fsecret" decodes to "/dyn/../../secret": the protocol must not be handed
        // a path that climbs out of its mount (DESIGN "Bad input": dot segments, encoded forms)
        try (RawClient c = server.client()) {
            Response r = c.get("/dyn/..%2F..%2Fsecret.txt");
            for (String e : echo.events) {
                assertFalse(e.startsWith("HTTP ") && e.contains(".."), "protocol was called with " + e);
            }
            assertTrue(r.status() == 403 || r.status() == 400, "status " + r.status());
        }
    }
}
