package org.lws4j.core.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.http.RawClient.Response;

/**
 * Hostile and malformed input over real sockets: each gets its status, its connection closes,
 * and the server goes on serving others (DESIGN "Bad input").
 */
@Timeout(60)
class HttpBadInputSocketTest {
    private static final int HEADER_DATA = 1024;
    private static final int MAX_BODY = 4096;

    @TempDir
    Path tmp;
    TestServer server;

    private TestServer start(ContextConfig cfg) throws IOException {
        return start(cfg, 5);
    }

    private TestServer start(ContextConfig cfg, int keepaliveSecs) throws IOException {
        server = TestServer.start(cfg, TestServer.mounts(TestServer.writeSite(tmp), "dyn"), keepaliveSecs);
        server.ctx.addProtocol("dyn", new TestProtocols.Echo(), 0, 1L);
        return server;
    }

    private TestServer start() throws IOException {
        return start(TestServer.config(5, HEADER_DATA, 8, MAX_BODY, 0));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Stream<Arguments> badRequests() {
        StringBuilder fields = new StringBuilder("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 101; i++) {
            fields.append("a:").append(i % 10).append("\r\n");
        }
        String h = "Host: localhost\r\n";
        return Stream.of(
                Arguments.of(400, "GET /hello.txt HTTP/1.1\r\nHost : localhost\r\n\r\n"),
                Arguments.of(400, "GET /hello.txt HTTP/1.1\r\n" + h + "X: 1\r\n folded\r\n\r\n"),
                Arguments.of(400, "GET /hello.txt HTTP/1.1\r\n" + h + "X: a\u0001b\r\n\r\n"),
                Arguments.of(400, "GET /hello.txt HTTP/1.1\r\n" + h + "no colon here\r\n\r\n"),
                Arguments.of(400, "G<T /hello.txt HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of(400, "GET hello.txt HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of(400, "GET /hello.txt#x HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of(400, "GET /hello.txt HTTP/1.x\r\n" + h + "\r\n"),
                Arguments.of(400, "\r\n".repeat(20) + "GET /hello.txt HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of(400, "GET /hello.txt HTTP/1.1\r\n\r\n"),
                Arguments.of(400, "GET /hello.txt HTTP/1.1\r\n" + h + h + "\r\n"),
                Arguments.of(400, "POST /dyn HTTP/1.1\r\n" + h + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"),
                Arguments.of(400, "POST /dyn HTTP/1.1\r\n" + h + "Content-Length: abc\r\n\r\n"),
                Arguments.of(400, "POST /dyn HTTP/1.1\r\n" + h + "Content-Length: -1\r\n\r\n"),
                Arguments.of(400, "POST /dyn HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
                Arguments.of(400, "POST /dyn HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\nzz\r\n"),
                Arguments.of(400, "POST /dyn HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of(400, "GET /a%zz HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of(400, "GET /a%2 HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of(400, "GET /%ff HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of(400, "GET /hello.txt%00.png HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of(413, "POST /dyn HTTP/1.1\r\n" + h + "Content-Length: " + (MAX_BODY + 1) + "\r\n\r\n"),
                Arguments.of(413, "POST /dyn HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(MAX_BODY + 1) + "\r\n"),
                Arguments.of(413, "POST /dyn HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "800\r\n" + "x".repeat(0x800) + "\r\n801\r\n"),
                Arguments.of(414, "GET /" + "a".repeat(2 * HEADER_DATA) + " HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of(431, "GET /hello.txt HTTP/1.1\r\n" + h + "X-Big: " + "b".repeat(2 * HEADER_DATA) + "\r\n\r\n"),
                Arguments.of(431, fields.append("\r\n").toString()),
                Arguments.of(501, "BREW /pot HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of(501, "CONNECT localhost:443 HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of(501, "POST /dyn HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n"),
                Arguments.of(505, "GET /hello.txt HTTP/2.0\r\n" + h + "\r\n"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badRequests")
    void badRequestGetsItsStatusThenTheConnectionCloses(int status, String request) throws IOException {
        start();
        try (RawClient c = server.client()) {
            c.send(request);
            Response r = c.read();
            assertEquals(status, r.status(), request);
            assertEquals("close", r.header("Connection"), "a malformed request ends its connection");
            assertEquals("text/html", r.header("Content-Type"));
            assertTrue(r.text().contains(String.valueOf(status)), r.text());
            assertTrue(c.closedByServer(), "closed after " + status);
        }
        server.assertStillServes();
    }

    @Test
    void slowRequestHeadGets408() throws IOException {
        start(TestServer.config(1, HEADER_DATA, 8, MAX_BODY, 0));
        long t0 = System.nanoTime(); // before the connection exists, so before any deadline of it
        try (RawClient c = server.client()) {
            String part = "GET /hello.txt HTTP/1.1\r\nHost: loc";
            c.send(part);
            server.awaitOnLoop("the partial head read", t -> TestServer.bytesRead(t, c) == part.length());
            // timers run in deadline order: by the time this one runs, the head's 1 s deadline has
            boolean openAfterTheDeadline = TestServer.await(server.afterTimers(SECONDS.toNanos(1), t -> TestServer.isOpen(t, c)));
            assertFalse(openAfterTheDeadline, "no 408 by the 1 s head deadline (timeout_secs)");
            Response r = c.read();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(408, r.status());
            assertTrue(ms >= 1000, "408 after " + ms + " ms, before the 1 s head deadline");
            assertTrue(c.closedByServer());
        }
        server.assertStillServes();
    }

    @Test
    void dripFedRequestHeadStillGets408() throws Exception {
        // the head deadline is for the whole head, not per byte
        start(TestServer.config(1, HEADER_DATA, 8, MAX_BODY, 0));
        try (RawClient c = server.client()) {
            String req = "GET /hello.txt HTTP/1.1\r\nX-Slow: " + "s".repeat(40);
            c.send(req.substring(0, 1));
            server.awaitOnLoop("the first byte read", t -> TestServer.bytesRead(t, c) == 1);
            CompletableFuture<Boolean> openAfterTheDeadline = server.afterTimers(SECONDS.toNanos(1),
                    t -> TestServer.isOpen(t, c));
            // the rest one byte at a time, each read before the next goes: a deadline counted
            // per byte would move past the check above
            for (int i = 1; i < req.length() && !openAfterTheDeadline.isDone(); i++) {
                c.send(req.substring(i, i + 1));
                int sent = i + 1;
                server.awaitOnLoop("byte " + sent + " read", t -> TestServer.bytesRead(t, c) == sent || !TestServer.isOpen(t, c));
            }
            boolean open = TestServer.await(openAfterTheDeadline);
            assertFalse(open, "no 408 by 1 s after the head's first byte");
            assertEquals(408, c.read().status());
        }
    }

    @Test
    void slowRequestBodyGets408() throws IOException {
        start(TestServer.config(1, HEADER_DATA, 8, MAX_BODY, 0));
        try (RawClient c = server.client()) {
            c.send("POST /dyn HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nabc");
            Response r = c.read();
            assertEquals(408, r.status());
            assertTrue(c.closedByServer());
        }
        server.assertStillServes();
    }

    @Test
    void expectationOtherThanContinueIs417() throws IOException {
        start();
        try (RawClient c = server.client()) {
            c.send("POST /dyn HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nExpect: teapot\r\n\r\nabc");
            assertEquals(417, c.read().status());
        }
        server.assertStillServes();
    }

    @Test
    void tooLargeBodyWithExpectGets413WithoutContinue() throws IOException {
        start();
        try (RawClient c = server.client()) {
            c.send("POST /dyn HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(413, c.read().status(), "no 100 Continue for a body we refuse");
        }
    }

    @Test
    void binaryGarbageGets400AndTheLoopLives() throws IOException {
        start();
        byte[] junk = new byte[3000];
        new Random(7).nextBytes(junk);
        junk[0] = 1; // not a token character
        try (RawClient c = server.client()) {
            c.send(junk);
            int status = c.read().status();
            assertTrue(status == 400 || status == 414 || status == 431, "status " + status);
        }
        server.assertStillServes();
    }

    @Test
    void aStalledPeerDoesNotHoldUpOthers() throws IOException {
        start();
        try (RawClient stalled = server.client()) {
            stalled.send("GET /hello.txt HTTP/1.1\r\nHost: loc");
            for (int i = 0; i < 5; i++) {
                server.assertStillServes();
            }
            stalled.send("alhost\r\n\r\n");
            assertEquals(TestServer.HELLO, stalled.read().text());
        }
    }

    @Test
    void connectionLimitRefusesTheThirdThenAcceptsAgain() throws Exception {
        start(TestServer.config(5, HEADER_DATA, 8, MAX_BODY, 2));
        try (RawClient c1 = server.client(); RawClient c2 = server.client()) {
            assertEquals(TestServer.HELLO, c1.get("/hello.txt").text());
            assertEquals(TestServer.HELLO, c2.get("/hello.txt").text());
            try (RawClient c3 = server.client()) {
                assertTrue(c3.closedByServer(), "the third connection is closed by the server");
            }
            assertEquals(TestServer.HELLO, c1.get("/hello.txt").text(), "the first still works");
            assertEquals(TestServer.HELLO, c2.get("/hello.txt").text(), "the second still works");
            c1.close();
            // the server sees the close, then takes a new connection
            server.awaitOnLoop("the first connection's close seen", t -> server.ctx.openConnections() == 1);
            try (RawClient c4 = server.client()) {
                assertEquals(TestServer.HELLO, c4.get("/hello.txt").text(), "a new connection is served once one closed");
            }
            assertEquals(TestServer.HELLO, c2.get("/hello.txt").text());
        }
    }

    /**
     * A request head past the 1 KiB every head starts in: it needs a buffer of the pool (of one,
     * here). {@code X-Pad} makes it long; the head is still far below the 8 KiB heads may take here.
     */
    private static String longHead(String path, boolean complete) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + "p".repeat(1500) + "\r\n"
                + (complete ? "\r\n" : "");
    }

    /** One pool buffer, which a stalled holder keeps however long it stalls (header-buffer-idle-ms). */
    private static ContextConfig onePoolBuffer(int timeoutSecs, long idleMillis) {
        return TestServer.config(timeoutSecs, 8192, 1, MAX_BODY, 0)
                .withOptions(java.util.Map.of(ContextConfig.HEADER_BUFFER_IDLE_MS, Long.toString(idleMillis)));
    }

    @Test
    void headerPoolMakesTheSecondLongHeadWaitForTheFirst() throws Exception {
        start(onePoolBuffer(5, 3_600_000));
        try (RawClient a = server.client(); RawClient b = server.client()) {
            a.send(longHead("/hello.txt", false));
            server.awaitOnLoop("a holds the only header buffer", t -> t.headerPool().inUse() == 1);
            b.send(longHead("/style.css", true));
            server.awaitOnLoop("b waits for a header buffer", t -> t.headerPool().waiting() == 1);
            assertTrue(b.nothingReceived(), "b waits for a header buffer");
            a.send("\r\n");
            assertEquals(TestServer.HELLO, a.read().text());
            assertEquals("body{color:red}\n", b.read().text(), "b goes on once a's head is read");
            // both keep working, one long head at a time; short heads never need the pool
            assertEquals(TestServer.HELLO, b.get("/hello.txt").text());
            a.send(longHead("/hello.txt", true));
            assertEquals(TestServer.HELLO, a.read().text());
        }
        server.assertStillServes();
    }

    @Test
    void aStalledHeadGivesItsBufferToAWaitingPeerAndStillFinishes() throws Exception {
        start(onePoolBuffer(20, 0));
        try (RawClient stalled = server.client(); RawClient waiting = server.client()) {
            stalled.send(longHead("/hello.txt", false));
            server.awaitOnLoop("the stalled peer holds the only header buffer", t -> t.headerPool().inUse() == 1);
            // it receives nothing more: the waiting peer takes the buffer (idle 0 ms here)
            waiting.send(longHead("/style.css", true));
            assertEquals("body{color:red}\n", waiting.read().text(), "served with the stalled peer's buffer");
            assertTrue(server.logText().contains("its header buffer goes to a waiting connection"), server.logText());
            // the stalled peer kept what it had sent: its head completes and is served
            stalled.send("\r\n");
            assertEquals(TestServer.HELLO, stalled.read().text());
        }
        server.assertStillServes();
    }

    @Test
    void idleKeepAliveConnectionsHoldNoHeaderBuffer() throws Exception {
        start(TestServer.config(5, HEADER_DATA, 1, MAX_BODY, 0));
        try (RawClient a = server.client(); RawClient b = server.client(); RawClient c = server.client()) {
            assertEquals(TestServer.HELLO, a.get("/hello.txt").text());
            assertEquals(TestServer.HELLO, b.get("/hello.txt").text());
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
            assertEquals(TestServer.HELLO, a.get("/hello.txt").text());
        }
    }

    @Test
    void aWaitingPeerThatLeavesDoesNotLoseTheBuffer() throws Exception {
        start(onePoolBuffer(5, 3_600_000));
        try (RawClient a = server.client()) {
            a.send(longHead("/hello.txt", false));
            server.awaitOnLoop("a holds the only header buffer", t -> t.headerPool().inUse() == 1);
            try (RawClient b = server.client()) {
                b.send(longHead("/style.css", false));
                server.awaitOnLoop("b waits for a header buffer", t -> t.headerPool().waiting() == 1);
            }
            // the server reads nothing from a peer waiting for a buffer, so it may learn of b's
            // close only when it hands b the buffer a gives back
            a.send("\r\n");
            assertEquals(TestServer.HELLO, a.read().text());
            server.awaitOnLoop("the buffer back in the pool, nobody waiting",
                    t -> t.headerPool().inUse() == 0 && t.headerPool().waiting() == 0);
        }
        for (int i = 0; i < 3; i++) {
            server.assertStillServes();
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosedQuietly() throws IOException {
        start(TestServer.config(5, HEADER_DATA, 8, MAX_BODY, 0), 1);
        try (RawClient c = server.client()) {
            long t0 = System.nanoTime(); // before the request, so before its response starts the keep-alive clock
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
            // keepalive_timeout 1 s, counted from the response: by the time this runs it has passed
            boolean openAfterTheTimeout = TestServer.await(server.afterTimers(SECONDS.toNanos(1), t -> TestServer.isOpen(t, c)));
            assertFalse(openAfterTheTimeout, "still open after the 1 s keep-alive timeout");
            // closed without an answer to a request nobody sent
            int next = c.peek(RawClient.TIMEOUT_MILLIS);
            if (next >= 0) {
                Response r = c.read();
                fail("an idle keep-alive connection got an unrequested " + r.status() + " " + r.reason());
            }
            assertEquals(-1, next, "closed after the keep-alive timeout");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 1000, "closed after " + ms + " ms, before the keep-alive timeout");
        }
    }
}
