package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.h2.ErrorCode;
import org.lws4j.core.h2.Frame;
import org.lws4j.core.h2.FrameWriter;
import org.lws4j.core.h2.Setting;

/**
 * HTTP/2 with prior knowledge (h2c) against a real server: requests on streams go through the
 * same vhost, mounts and protocol callbacks as HTTP/1.1 and are answered on their streams.
 */
@Timeout(60)
class H2ServerSocketTest {
    @TempDir
    Path tmp;
    TestServer server;
    final TestProtocols.Echo echo = new TestProtocols.Echo();

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(TestServer.defaults(), TestServer.mounts(TestServer.writeSite(tmp), "dyn", "chunky"));
        server.ctx.addProtocol("dyn", echo, 0, 1L);
        server.ctx.addProtocol("chunky", new TestProtocols.Chunky(3), 0, 2L);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private H2TestClient client() throws IOException {
        return new H2TestClient(server.port).open(List.of());
    }

    @Test
    void theServerSpeaksFirstWithItsSettings() throws IOException {
        try (H2TestClient c = client()) {
            Frame.Settings s = c.awaitControl(Frame.Settings.class);
            assertTrue(s.values().contains(new Setting(Setting.ENABLE_CONNECT_PROTOCOL, 1)), s.toString());
            assertTrue(s.values().contains(new Setting(Setting.ENABLE_PUSH, 0)), s.toString());
            c.send(FrameWriter.ping(false, 42));
            assertEquals(new Frame.Ping(true, 42), c.awaitControl(Frame.Ping.class));
        }
    }

    @Test
    void anEditedThenRemovedVhostsConnectionGoesAway() throws IOException {
        try (H2TestClient c = client()) {
            c.get(1, "/hello.txt");
            assertEquals(200, c.await(1).status());
            // an edit swaps a new vhost in behind the same listener; the connection follows it
            VhostConfig edited = new VhostConfig("edited", server.vhost.config().name(), server.port,
                    server.vhost.config().iface(), server.vhost.config().keepaliveTimeout(), server.vhost.config().mounts(),
                    server.vhost.config().wsProtocols(), Map.of("X-Edit", "1"), server.vhost.config().options());
            assertNull(server.ctx.replaceVhost(server.vhost.config(), edited));
            c.get(3, "/hello.txt");
            H2TestClient.Response r = c.await(3);
            assertEquals("1", r.header("x-edit"), "served by the edited vhost");
            assertTrue(server.ctx.removeVhost(edited.name(), server.port)); // done on the service thread when it returns
            c.get(5, "/hello.txt"); // a poller's next request: after the GOAWAY, so not served
            Frame.GoAway g = c.awaitGoAway();
            assertNotNull(g, "a GOAWAY before the connection ends, as the vhost goes");
            assertEquals(ErrorCode.NO_ERROR.code, g.errorCode(), g.toString());
            assertEquals(3, g.lastStreamId(), "the connection went with the vhost, before stream 5: " + g);
        }
    }

    @Test
    void aFileIsServedOnItsStream() throws IOException {
        try (H2TestClient c = client()) {
            c.get(1, "/hello.txt");
            H2TestClient.Response r = c.await(1);
            assertEquals(200, r.status());
            assertEquals(TestServer.HELLO, r.text());
            assertEquals(String.valueOf(TestServer.HELLO.length()), r.header("content-length"));
            assertNull(r.header("connection"), "no connection-specific field in HTTP/2");
            c.get(3, "/");
            assertEquals("<h1>index</h1>\n", c.await(3).text());
        }
    }

    @Test
    void concurrentStreamsWithABigFileUnderFlowControl() throws IOException {
        try (H2TestClient c = client()) {
            c.get(1, "/big.bin");
            c.get(3, "/hello.txt");
            c.get(5, "/nothing-here");
            c.send(c.headers(7, true, ":method", "HEAD", ":scheme", "http", ":path", "/big.bin", ":authority", "localhost"));
            assertEquals(TestServer.HELLO, c.await(3).text());
            assertEquals(404, c.await(5).status());
            H2TestClient.Response head = c.await(7);
            assertEquals(String.valueOf(TestServer.BIG_SIZE), head.header("content-length"));
            assertEquals(0, head.body.size());
            H2TestClient.Response big = c.await(1);
            assertEquals(200, big.status());
            assertArrayEquals(TestServer.bigContent(), big.body.toByteArray());
        }
    }

    @Test
    void aRedirectMount() throws IOException {
        try (H2TestClient c = client()) {
            c.get(1, "/redir");
            H2TestClient.Response r = c.await(1);
            assertEquals(301, r.status(), r.headers.toString());
            assertTrue(r.header("location").startsWith("https://example.com/moved"), r.header("location"));
        }
    }

    @Test
    void aCallbackMountGetsTheRequestAndItsBody() throws IOException {
        byte[] body = new byte[100_000];
        new Random(7).nextBytes(body);
        try (H2TestClient c = client()) {
            c.get(1, "/dyn/x?y=1");
            assertEquals("path=/x", c.await(1).text());
            // a body with a content-length, and one without (chunked to the HTTP role)
            c.send(c.headers(3, false, ":method", "POST", ":scheme", "http", ":path", "/dyn/up", ":authority", "localhost",
                    "content-length", String.valueOf(body.length)));
            c.send(c.headers(5, false, ":method", "POST", ":scheme", "http", ":path", "/dyn/up2", ":authority", "localhost"));
            for (int off = 0; off < body.length; off += 10_000) {
                byte[] piece = java.util.Arrays.copyOfRange(body, off, off + 10_000);
                boolean last = off + 10_000 == body.length;
                c.send(H2TestClient.data(3, piece, last), H2TestClient.data(5, piece, last));
            }
            String expected = "len=" + body.length + " sha256=" + TestProtocols.sha256(body);
            assertEquals(expected, c.await(3).text());
            assertEquals(expected, c.await(5).text());
        }
    }

    @Test
    void aResponseOfUnknownLengthEndsWithItsLastWrite() throws IOException {
        try (H2TestClient c = client()) {
            c.get(1, "/chunky");
            H2TestClient.Response r = c.await(1);
            assertEquals("yes", r.header("x-chunky"));
            assertEquals(TestProtocols.Chunky.expected(3), r.text());
            assertNull(r.header("transfer-encoding"));
        }
    }

    @Test
    void aMalformedRequestIsResetAndTheConnectionGoesOn() throws IOException {
        try (H2TestClient c = client()) {
            c.send(c.headers(1, true, ":method", "GET", ":path", "/hello.txt")); // no :scheme
            assertEquals(ErrorCode.PROTOCOL_ERROR.code, c.await(1).reset);
            c.send(c.headers(3, true, ":method", "GET", ":scheme", "http", ":path", "/hello.txt",
                    ":authority", "localhost", "connection", "keep-alive"));
            assertEquals(ErrorCode.PROTOCOL_ERROR.code, c.await(3).reset);
            c.get(5, "/hello.txt");
            assertEquals(TestServer.HELLO, c.await(5).text());
        }
    }

    @Test
    void aPathOutsideTheMountIsRefusedAsOverHttp1() throws IOException {
        try (H2TestClient c = client()) {
            c.get(1, "/../secret.txt");
            H2TestClient.Response r = c.await(1);
            assertTrue(r.status() == 400 || r.status() == 403 || r.status() == 404, "status " + r.status());
            assertTrue(!r.text().contains(TestServer.SECRET));
        }
    }

    @Test
    void aConnectionErrorEndsInGoAway() throws IOException {
        try (H2TestClient c = client()) {
            c.get(2, "/hello.txt"); // even: the client's streams are odd
            Frame.GoAway g = c.awaitGoAway();
            assertEquals(ErrorCode.PROTOCOL_ERROR.code, g.errorCode());
            assertEquals(null, c.next(), "the connection closes after GOAWAY");
        }
        server.assertStillServes();
    }

    @Test
    void theStreamsReadTheirBodiesAfterTheClientReset() throws IOException {
        try (H2TestClient c = client()) {
            c.send(c.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/dyn/up", ":authority", "localhost",
                    "content-length", "10"));
            c.send(H2TestClient.data(1, "abc".getBytes(StandardCharsets.US_ASCII), false));
            TestServer.awaitTrue("the first piece of the body delivered", () -> echo.events.contains("BODY 3"));
            c.send(FrameWriter.rstStream(1, ErrorCode.CANCEL));
            TestServer.awaitTrue("the protocol hears the stream's end", () -> echo.events.contains("CLOSED_HTTP"));
            c.get(3, "/hello.txt");
            assertEquals(TestServer.HELLO, c.await(3).text());
        }
    }

    @Test
    void rapidResetEndsThatConnectionOnly() throws IOException {
        try (H2TestClient other = client(); H2TestClient c = client()) {
            // CVE-2023-44487: open and cancel streams as fast as the socket goes
            java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
            for (int id = 1; id < 1000; id += 2) {
                java.nio.ByteBuffer h = c.headers(id, true, ":method", "GET", ":scheme", "http", ":path", "/hello.txt",
                        ":authority", "localhost");
                burst.write(h.array(), h.position(), h.remaining());
                java.nio.ByteBuffer r = FrameWriter.rstStream(id, ErrorCode.CANCEL);
                burst.write(r.array(), r.position(), r.remaining());
            }
            c.send(java.nio.ByteBuffer.wrap(burst.toByteArray()));
            Frame.GoAway g = c.awaitGoAway();
            assertEquals(ErrorCode.ENHANCE_YOUR_CALM.code, g.errorCode());
            other.get(1, "/hello.txt");
            assertEquals(TestServer.HELLO, other.await(1).text(), "another connection is not touched");
        }
    }

    @Test
    void aSettingsFloodEndsTheConnection() throws IOException {
        try (H2TestClient c = client()) {
            java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 3000; i++) {
                java.nio.ByteBuffer s = FrameWriter.settings(List.of());
                burst.write(s.array(), s.position(), s.remaining());
            }
            c.send(java.nio.ByteBuffer.wrap(burst.toByteArray()));
            assertEquals(ErrorCode.ENHANCE_YOUR_CALM.code, c.awaitGoAway().errorCode());
        }
        server.assertStillServes();
    }

    @Test
    void aBodyTheProtocolPausesHoldsThePeerAtTheStreamWindow() throws Exception {
        java.util.concurrent.CompletableFuture<org.lws4j.api.Connection> paused = new java.util.concurrent.CompletableFuture<>();
        server.close();
        server = TestServer.start(TestServer.defaults(), TestServer.mounts(TestServer.writeSite(tmp.resolve("p")), "pause"));
        server.ctx.addProtocol("pause", pausing(paused), 0, 3L);
        try (H2TestClient c = client()) {
            c.send(c.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/pause", ":authority", "localhost",
                    "content-length", "100000"));
            byte[] piece = new byte[16_000];
            for (int i = 0; i < 4; i++) {
                c.send(H2TestClient.data(1, piece, false)); // 64,000 octets: within the initial 65,535
            }
            c.send(FrameWriter.ping(false, 7));
            c.awaitControl(Frame.Ping.class); // the server has read everything before it
            org.lws4j.api.Connection wsi = TestServer.await(paused);
            for (Frame f : c.control) {
                assertTrue(!(f instanceof Frame.WindowUpdate w && w.streamId() == 1), "window given back while paused: " + f);
            }
            wsi.execute(() -> wsi.rxFlowControl(true));
            Frame.WindowUpdate w;
            do {
                w = c.awaitControl(Frame.WindowUpdate.class);
            } while (w.streamId() != 1);
            assertTrue(w.increment() >= 48_000, w.toString());
            c.send(H2TestClient.data(1, new byte[16_000], false), H2TestClient.data(1, new byte[16_000], false),
                    H2TestClient.data(1, new byte[4_000], true));
            assertEquals("len=100000", c.await(1).text());
        }
    }

    private static org.lws4j.api.Protocol pausing(java.util.concurrent.CompletableFuture<org.lws4j.api.Connection> paused) {
        return new org.lws4j.api.Protocol() {
            private long n;

            @Override
            public org.lws4j.api.Result callback(org.lws4j.api.Connection wsi, org.lws4j.api.Reason reason,
                                                 java.nio.ByteBuffer in) {
                if (reason == org.lws4j.api.Reason.HTTP_BODY) {
                    n += in.remaining();
                    in.position(in.limit());
                    if (!paused.isDone()) {
                        wsi.rxFlowControl(false);
                        paused.complete(wsi);
                    }
                } else if (reason == org.lws4j.api.Reason.HTTP_BODY_COMPLETION) {
                    wsi.respond(org.lws4j.api.HttpResponse.of(200), java.nio.ByteBuffer.wrap(("len=" + n).getBytes()));
                }
                return org.lws4j.api.Result.CONTINUE;
            }
        };
    }

    @Test
    void aVhostCanTurnH2cOff() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        org.lws4j.core.vhost.VhostImpl v = server.ctx.addVhost(new org.lws4j.core.config.VhostConfig("no-h2c", "localhost",
                port, "127.0.0.1", 5, TestServer.mounts(tmp.resolve("www")), java.util.Map.of(), java.util.Map.of(),
                java.util.Map.of("h2c", "0")));
        assertTrue(v != null, "the second vhost listens");
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(org.lws4j.core.h2.PrefaceReader.PREFACE);
            s.getOutputStream().write("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String r = new String(s.getInputStream().readNBytes(9), StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 ", r, "the preface is not taken for HTTP/2 there");
        }
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String r = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 200", r, "no upgrade there");
        }
    }

    @Test
    void anIdleConnectionEndsInTwoStepsAndServesTheRequestThatCrossedTheFirstGoAway() throws IOException {
        TestServer idle = TestServer.start(TestServer.defaults(),
                TestServer.mounts(TestServer.writeSite(java.nio.file.Files.createDirectories(tmp.resolve("idle")))), 1);
        try (H2TestClient c = new H2TestClient(idle.port).open(List.of())) {
            c.get(1, "/hello.txt");
            assertEquals(200, c.await(1).status());
            // idle for the keep-alive time: GOAWAY 2^31-1 and a PING (RFC 9113 6.8)
            Frame.GoAway first = c.awaitGoAway();
            assertNotNull(first, "a GOAWAY before the idle connection ends");
            assertEquals(Integer.MAX_VALUE, first.lastStreamId(), "the first GOAWAY still takes new streams: " + first);
            assertEquals(ErrorCode.NO_ERROR.code, first.errorCode());
            Frame.Ping ping = c.awaitControl(Frame.Ping.class);
            assertEquals(false, ping.ack());
            // a request the client sent before it read the GOAWAY, then the answer to the PING
            c.get(3, "/hello.txt");
            c.send(FrameWriter.ping(true, ping.opaque()));
            H2TestClient.Response r = c.await(3);
            assertEquals(200, r.status(), "the request that crossed the first GOAWAY is served");
            assertEquals(TestServer.HELLO, r.text());
            Frame.GoAway last = c.awaitAnotherGoAway();
            assertNotNull(last, "the final GOAWAY");
            assertEquals(3, last.lastStreamId(), last.toString());
            assertTrue(c.awaitEnd(), "the drained connection closes");
        } finally {
            idle.close();
        }
    }

    @Test
    void anIdlePeerThatNeverAnswersThePingStillGetsTheFinalGoAwayAndTheClose() throws IOException {
        TestServer idle = TestServer.start(TestServer.defaults(),
                TestServer.mounts(TestServer.writeSite(java.nio.file.Files.createDirectories(tmp.resolve("idle")))), 1);
        try (H2TestClient c = new H2TestClient(idle.port).open(List.of())) {
            c.get(1, "/hello.txt");
            assertEquals(200, c.await(1).status());
            assertEquals(Integer.MAX_VALUE, c.awaitGoAway().lastStreamId());
            c.awaitControl(Frame.Ping.class); // never answered
            Frame.GoAway last = c.awaitAnotherGoAway();
            assertNotNull(last, "the final GOAWAY comes anyway");
            assertEquals(1, last.lastStreamId(), last.toString());
            assertEquals(ErrorCode.NO_ERROR.code, last.errorCode());
            assertTrue(c.awaitEnd(), "then the connection closes");
        } finally {
            idle.close();
        }
    }
}
