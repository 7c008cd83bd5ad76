package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.http.RawClient.Response;
import org.lws4j.core.vhost.VhostImpl;

/** How a connection carries requests: half-close, pipelining under load, flow control, vhosts. */
@Timeout(30)
class HttpConnectionSocketTest {
    @TempDir
    Path tmp;
    Path www;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        www = TestServer.writeSite(tmp);
        server = TestServer.start(TestServer.defaults(), TestServer.mounts(www, "sink", "svc"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void halfClosedClientStillGetsASmallFile() throws IOException {
        try (RawClient c = server.client()) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            c.shutdownOutput();
            assertEquals(TestServer.HELLO, c.read().text());
        }
    }

    @Test
    void halfClosedClientStillGetsTheWholeBigFile() throws Exception {
        // a client may half-close once its request is sent; the response it asked for is still owed
        byte[] huge = TestServer.writeHuge(www);
        try (RawClient c = new RawClient(server.port, 16 * 1024)) {
            c.send("GET /huge.bin HTTP/1.0\r\n\r\n");
            c.shutdownOutput();
            // nothing is read here until the server has filled the socket and seen the FIN: it
            // stops reading then, with the file not yet out
            server.awaitOnLoop("the FIN seen while the file is still going out", t -> TestServer.isOpen(t, c)
                    && !TestServer.readsFrom(t, c) && TestServer.serverSide(t, c).bytesOut() < huge.length);
            Response r = c.read();
            assertEquals(200, r.status());
            assertEquals(huge.length, r.body().length, "body bytes received of the Content-Length");
            assertArrayEquals(huge, r.body());
        }
    }

    @Test
    void aHundredPipelinedRequestsInOneWrite() throws IOException {
        StringBuilder reqs = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            String path = i % 25 == 7 ? "/big.bin" : i % 2 == 0 ? "/hello.txt" : "/style.css";
            reqs.append("GET ").append(path).append("?n=").append(i).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
        }
        byte[] big = TestServer.bigContent();
        try (RawClient c = server.client()) {
            c.send(reqs.toString());
            for (int i = 0; i < 100; i++) {
                Response r = c.read();
                assertEquals(200, r.status(), "response " + i);
                if (i % 25 == 7) {
                    assertArrayEquals(big, r.body(), "response " + i);
                } else {
                    assertEquals(i % 2 == 0 ? TestServer.HELLO : "body{color:red}\n", r.text(), "response " + i);
                }
            }
        }
    }

    @Test
    void headArrivingOneByteAtATime() throws Exception {
        try (RawClient c = server.client()) {
            String head = "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n";
            for (int i = 0; i < head.length(); i++) {
                c.send(head.substring(i, i + 1));
                int sent = i + 1;
                // each byte read on its own before the next is sent
                server.awaitOnLoop("byte " + sent + " read", t -> TestServer.bytesRead(t, c) == sent);
            }
            assertEquals(TestServer.HELLO, c.read().text());
        }
    }

    @Test
    void connectionCloseStopsThePipeline() throws IOException {
        try (RawClient c = server.client()) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    + "GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(TestServer.HELLO, c.read().text());
            assertTrue(c.closedByServer(), "nothing is answered after Connection: close");
        }
    }

    @Test
    void unavailableMountDrainsASmallBodyAndKeepsTheConnection() throws IOException {
        try (RawClient c = server.client()) {
            c.send("POST /svc HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n0123456789");
            assertEquals(503, c.read().status());
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
        }
    }

    @Test
    void refusedRequestWithAnUnboundedBodyClosesTheConnection() throws IOException {
        try (RawClient c = server.client()) {
            c.send("POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            Response r = c.read();
            assertEquals(405, r.status());
            assertEquals("close", r.header("Connection"), "the body will not be read, so the connection cannot go on");
            assertTrue(c.closedByServer());
        }
        try (RawClient c = server.client()) {
            c.send("POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\n");
            Response r = c.read();
            assertEquals(405, r.status());
            assertEquals("close", r.header("Connection"));
        }
        server.assertStillServes();
    }

    /**
     * Stops reading after every HTTP_BODY piece and resumes 20 ms later from a timer (lws's
     * rx flow control for a slow consumer); answers with the body's length and SHA-256.
     */
    static final class PausingSink implements Protocol {
        @Override
        public Object newSession(Connection wsi) {
            return new ByteArrayOutputStream();
        }

        @Override
        public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
            ByteArrayOutputStream body = wsi.session();
            switch (reason) {
                case HTTP_BODY: {
                    byte[] b = new byte[in.remaining()];
                    in.get(b);
                    body.writeBytes(b);
                    wsi.rxFlowControl(false);
                    wsi.setTimer(20, TimeUnit.MILLISECONDS);
                    return Result.CONTINUE;
                }
                case TIMER:
                    wsi.rxFlowControl(true);
                    return Result.CONTINUE;
                case HTTP_BODY_COMPLETION: {
                    byte[] all = body.toByteArray();
                    wsi.respond(HttpResponse.of(200), ByteBuffer.wrap(("len=" + all.length + " sha256="
                            + TestProtocols.sha256(all)).getBytes(StandardCharsets.US_ASCII)));
                    return Result.CONTINUE;
                }
                default:
                    return Result.CONTINUE;
            }
        }
    }

    private static byte[] body(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void flowControlledChunkedBodyArrivesWhole() throws IOException {
        server.ctx.addProtocol("sink", new PausingSink(), 0, 1L);
        byte[] body = body(150_000);
        try (RawClient c = server.client()) {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.writeBytes("POST /sink HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            req.writeBytes((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            req.writeBytes(body);
            req.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            c.send(req.toByteArray());
            assertEquals("len=" + body.length + " sha256=" + TestProtocols.sha256(body), c.read().text());
        }
    }

    @Test
    void flowControlledContentLengthBodyCompletes() throws IOException {
        // pausing on the last piece of a Content-Length body must not stall HTTP_BODY_COMPLETION
        server.ctx.addProtocol("sink", new PausingSink(), 0, 1L);
        byte[] body = body(150_000);
        try (RawClient c = server.client()) {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.writeBytes(("POST /sink HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            req.writeBytes(body);
            c.send(req.toByteArray());
            assertEquals("len=" + body.length + " sha256=" + TestProtocols.sha256(body), c.read().text());
        }
    }

    @Test
    void keepAliveTimerWaitsUntilTheResponseHasDrained() throws Exception {
        // a protocol answers with a body far bigger than the socket takes, so the transaction ends
        // with most of it still queued; a slow reader must get all of it, and nothing after it
        server.close();
        server = TestServer.start(TestServer.defaults(), TestServer.mounts(www, "svc"), 1);
        byte[] big = new byte[12 * 1024 * 1024];
        new Random(5).nextBytes(big);
        // what the connection is like once the 1 s keep-alive timeout, counted from the end of
        // the transaction, has passed (a timer of the test's, due after it)
        CompletableFuture<String> afterTheTimeout = new CompletableFuture<>();
        server.ctx.addProtocol("svc", new Protocol() {
            @Override
            public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                if (reason == Reason.HTTP) {
                    wsi.respond(HttpResponse.of(200).contentType("application/octet-stream"), ByteBuffer.wrap(big));
                    ConnectionImpl conn = (ConnectionImpl) wsi;
                    server.afterTimers(TimeUnit.SECONDS.toNanos(1), t -> (conn.isOpen() ? "open" : "closing")
                            + (conn.queuedBytes() > 0 ? ", response queued" : ", response sent"))
                            .whenComplete((state, e) -> afterTheTimeout.complete(e != null ? e.toString() : state));
                }
                return Result.CONTINUE;
            }
        }, 0, 1L);
        try (RawClient c = new RawClient(server.port, 16 * 1024)) {
            c.send("GET /svc HTTP/1.1\r\nHost: localhost\r\n\r\n");
            // the client reads nothing until then, so most of the response is still queued
            assertEquals("open, response queued", TestServer.await(afterTheTimeout), "after the keep-alive timeout");
            Response r = c.read();
            assertEquals(big.length, r.body().length);
            assertArrayEquals(big, r.body());
            // the keep-alive clock started when the response had left; once it has run out the
            // connection closes, with nothing sent after the response
            boolean openAfterTheTimeout = TestServer.await(server.afterTimers(TimeUnit.SECONDS.toNanos(1),
                    t -> TestServer.isOpen(t, c)));
            assertFalse(openAfterTheTimeout, "still open 1 s after the response left");
            if (!c.closedByServer()) {
                throw new AssertionError("the connection did not close after the keep-alive timeout");
            }
        }
    }

    @Test
    void hostHeaderPicksTheVhostOnASharedPort() throws IOException {
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("hello.txt"), "other vhost\n");
        VhostImpl v = server.ctx.addVhost(new VhostConfig("test2", "other.test", server.port, "127.0.0.1", 5,
                List.of(TestServer.mount("/", "file://" + other, null)), Map.of(), Map.of("X-Vhost", "other"), Map.of()));
        assertNotNull(v);
        try (RawClient c = server.client()) {
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
            for (String host : new String[] {"other.test", "OTHER.test:" + server.port, "cats.other.test", "other.test."}) {
                c.send("GET /hello.txt HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
                Response r = c.read();
                assertEquals("other vhost\n", r.text(), host);
                assertEquals("other", r.header("X-Vhost"), host);
            }
            c.send("GET /hello.txt HTTP/1.1\r\nHost: unknown.example\r\n\r\n");
            assertEquals(TestServer.HELLO, c.read().text(), "an unknown host goes to the first vhost");
            c.send("GET http://other.test/hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("other vhost\n", c.read().text(), "an absolute-form target names the host");
            c.send("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals(TestServer.HELLO, c.read().text(), "HTTP/1.0 without Host goes to the first vhost");
        }
        assertTrue(server.ctx.removeVhost("other.test", server.port));
        server.assertStillServes();
    }
}
