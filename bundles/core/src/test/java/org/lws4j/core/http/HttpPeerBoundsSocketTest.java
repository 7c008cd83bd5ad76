package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.Connection;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.loop.HeaderPool;
import org.lws4j.core.loop.ServiceThread;

/**
 * One HTTP peer never starves, bypasses or pins the server: slow request heads hold no pool
 * buffer (or lose it to a waiting connection), a body trickled a byte at a time times out, a
 * client that leaves stops the protocol serving it, and paths that would mislead a mount or a
 * CGI program are refused.
 */
class HttpPeerBoundsSocketTest {
    private static final int POOL = 4;
    @TempDir
    Path tmp;
    private TestServer server;
    private final List<RawClient> clients = new ArrayList<>();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() throws IOException {
        pacer.shutdownNow();
        for (RawClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(int timeoutSecs, String... callbacks) throws IOException {
        server = TestServer.start(TestServer.config(timeoutSecs, 8192, POOL, 1 << 20, 0),
                TestServer.mounts(TestServer.writeSite(tmp), callbacks));
    }

    private RawClient client() throws IOException {
        RawClient c = server.client();
        clients.add(c);
        return c;
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    /** The pool of service thread 0, read on its thread: {in use, waiting}. */
    private int[] pool() throws InterruptedException {
        ServiceThread pt = server.ctx.threads().get(0);
        int[] v = new int[2];
        CountDownLatch done = new CountDownLatch(1);
        pt.execute(() -> {
            HeaderPool hp = pt.headerPool();
            v[0] = hp.inUse();
            v[1] = hp.waiting();
            done.countDown();
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        return v;
    }

    private long connectionsWithBytesIn(long n) {
        return server.ctx.connections().stream().filter(i -> i.bytesIn() >= n).count();
    }

    @Test
    void threeHundredPeersTricklingHeadsHoldNoPoolBufferAndOthersAreServed() throws Exception {
        start(20);
        for (int i = 0; i < 300; i++) {
            client().send("G");
        }
        await("the server to have read every slow peer's byte", () -> connectionsWithBytesIn(1) >= 300);
        assertEquals(0, pool()[0], "a byte of a head takes no pool buffer");
        for (int i = 0; i < 20; i++) {
            try (RawClient normal = server.client()) {
                RawClient.Response r = normal.get("/hello.txt");
                assertEquals(200, r.status(), r.toString());
            }
        }
        String bigHead = "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + "p".repeat(3000) + "\r\n\r\n";
        try (RawClient normal = server.client()) {
            normal.send(bigHead);
            assertEquals(200, normal.read().status(), "a long head borrows a pool buffer and gives it back");
        }
        assertEquals(0, pool()[0]);
    }

    @Test
    void peersThatStallHoldingPoolBuffersLoseThemToWaitingConnections() throws Exception {
        start(20);
        String start = "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + "s".repeat(1500);
        List<RawClient> stalled = new ArrayList<>();
        for (int i = 0; i < POOL * 2; i++) {
            RawClient c = client();
            c.send(start);
            stalled.add(c);
        }
        await("the stalled heads to fill the pool and queue for it", () -> {
            try {
                int[] p = pool();
                return p[0] + p[1] >= POOL * 2 || p[0] == POOL && connectionsWithBytesIn(1500) >= POOL * 2;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        // a normal client with a long head: served once idle holders give their buffers up
        try (RawClient normal = server.client()) {
            normal.send("GET /style.css HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + "n".repeat(2000) + "\r\n\r\n");
            RawClient.Response r = normal.read();
            assertEquals(200, r.status(), r.toString());
            assertEquals("body{color:red}\n", r.text());
        }
        // and a stalled head that goes on is still served whole
        for (RawClient c : stalled) {
            c.send("\r\n\r\n");
            assertEquals(TestServer.HELLO, c.read().text());
        }
        assertTrue(server.logText().contains("its header buffer goes to a waiting connection"), server.logText());
    }

    @Test
    void aBodyTrickledAByteAtATimeTimesOut() throws Exception {
        start(1, "hold");
        server.ctx.addProtocol("hold", (wsi, reason, in) -> Result.CONTINUE, 0, 1);
        RawClient c = client();
        c.send("POST /hold HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n");
        // a byte every 150 ms: each would re-arm a per-read deadline for ever
        pacer.scheduleAtFixedRate(() -> {
            try {
                c.send("x");
            } catch (IOException closed) {
                // answered and closed
            }
        }, 0, 150, TimeUnit.MILLISECONDS);
        RawClient.Response r = c.read();
        assertEquals(408, r.status(), r.toString());
    }

    @Test
    void aClientThatLeavesStopsTheProtocolServingIt() throws Exception {
        start(20, "hold");
        CountDownLatch closed = new CountDownLatch(1);
        CountDownLatch asked = new CountDownLatch(1);
        Protocol hold = (Connection wsi, Reason reason, ByteBuffer in) -> {
            if (reason == Reason.HTTP) {
                asked.countDown(); // and never answers, as a slow CGI program
            } else if (reason == Reason.CLOSED_HTTP) {
                closed.countDown();
            }
            return Result.CONTINUE;
        };
        server.ctx.addProtocol("hold", hold, 0, 1);
        RawClient c = client();
        c.send("GET /hold HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertTrue(asked.await(10, TimeUnit.SECONDS));
        c.shutdownOutput();
        assertTrue(closed.await(10, TimeUnit.SECONDS), "CLOSED_HTTP once the client left");
        assertTrue(c.closedByServer(), "and the connection is closed");
    }

    @Test
    void controlCharactersInTheDecodedPathAreRefused() throws Exception {
        start(20, "cgi");
        server.ctx.addProtocol("cgi", (wsi, reason, in) -> Result.CONTINUE, 0, 1);
        try (RawClient c = server.client()) {
            RawClient.Response r = c.get("/cgi/x%0aSet-Cookie:%20forged");
            assertEquals(400, r.status(), r.toString());
        }
        try (RawClient c = server.client()) {
            assertEquals(400, c.get("/hello.txt%7f").status());
        }
        server.assertStillServes();
    }

    @Test
    void anEncodedSlashNeverChoosesAMount() throws Exception {
        start(20, "cgi");
        CountDownLatch reached = new CountDownLatch(1);
        server.ctx.addProtocol("cgi", (wsi, reason, in) -> {
            if (reason == Reason.HTTP) {
                reached.countDown();
            }
            return Result.CONTINUE;
        }, 0, 1);
        try (RawClient c = server.client()) {
            RawClient.Response r = c.get("/cgi%2fx");
            assertEquals(403, r.status(), r.toString());
        }
        assertEquals(1, reached.getCount(), "the callback mount never saw /cgi%2fx");
    }

    @Test
    void anAbsoluteFormRequestOnARedirectVhostGetsAWellFormedLocation() throws Exception {
        start(20);
        int plain;
        int tls;
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            plain = a.getLocalPort();
            tls = b.getLocalPort();
        }
        assertNotNull(server.ctx.addVhost(new VhostConfig("test", "tls.test", tls, "127.0.0.1", 5, List.of(), Map.of(),
                Map.of(), Map.of("host-ssl-cert", "unused"))));
        assertNotNull(server.ctx.addVhost(new VhostConfig("test", "tls.test", plain, "127.0.0.1", 5, List.of(), Map.of(),
                Map.of(), Map.of("redirect-http", "1"))));
        try (RawClient c = new RawClient(plain)) {
            c.send("GET http://tls.test/a.txt?x=1 HTTP/1.1\r\nHost: tls.test\r\n\r\n");
            RawClient.Response r = c.read();
            assertEquals(301, r.status(), r.toString());
            assertEquals("https://tls.test:" + tls + "/a.txt?x=1", r.header("Location"));
        }
    }
}
