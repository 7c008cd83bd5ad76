package org.lws4j.testclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.ClientConnectInfo;
import org.lws4j.api.Connection;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Reason;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;

/**
 * Client connections that cannot work fail cleanly, in time, and alone: a closed port, and a
 * listener that accepts but never answers the handshake, each report CLIENT_CONNECTION_ERROR
 * within their connect timeout while a dumb-increment connection on the same context (and the
 * same service thread) keeps counting.
 */
class ConnectErrorsTest {
    static final int CONNECT_TIMEOUT_MS = 1000;
    /** What a timer in a busy test JVM may be late by. */
    static final long SLACK_MS = 1500;

    @TempDir
    static Path dir;
    static LocalServer server;
    static ContextImpl client;
    static final Recorder recorder = new Recorder();
    static final AtomicLong counts = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        server = new LocalServer(dir);
        LogImpl log = new LogImpl(LogLevel.DEFAULT_MASK);
        // HTTP clients wait timeout-secs for the response head: 2 s here, as the connect timeout is
        client = new ContextImpl(new ContextConfig(1, "lws4j-client", 2, 0, 0, 0, 8192, 4, 1 << 20, log.mask(), 0, 0), log);
        client.start();
        client.addVhost(new VhostConfig("test", "client", 0, null, 5, List.of(),
                Map.of("recorder", Map.of(), "counter", Map.of()), Map.of(), Map.of()));
        client.addProtocol("recorder", recorder, 0, 1);
        client.addProtocol("counter", new org.lws4j.api.ProtocolAdapter() {
            @Override
            protected org.lws4j.api.Result onClientReceive(Connection wsi, java.nio.ByteBuffer in) {
                counts.incrementAndGet();
                return org.lws4j.api.Result.CONTINUE;
            }
        }, 0, 2);
        client.connect(ClientConnectInfo.of("127.0.0.1", server.port).protocols("dumb-increment-protocol").localProtocol("counter"));
        awaitCounts(5);
    }

    @AfterAll
    static void stop() {
        client.stop();
        server.close();
    }

    @Test
    void aClosedPortFailsAtOnce() throws Exception {
        int closed = LocalServer.freePort();
        for (String url : List.of("ws://127.0.0.1:" + closed + "/", "http://127.0.0.1:" + closed + "/", "raw://127.0.0.1:" + closed)) {
            long t0 = System.nanoTime();
            Connection c = client.connect(ClientConnectInfo.parse(url).localProtocol("recorder").connectTimeoutMillis(CONNECT_TIMEOUT_MS));
            Recorder.Event e = recorder.await(c.id(), CONNECT_TIMEOUT_MS + SLACK_MS, Reason.CLIENT_CONNECTION_ERROR,
                    Reason.CLIENT_ESTABLISHED, Reason.ESTABLISHED_CLIENT_HTTP, Reason.RAW_ADOPT);
            assertEquals(Reason.CLIENT_CONNECTION_ERROR, e.reason(), url);
            assertTrue(e.data().toLowerCase().contains("refused"), url + ": " + e.data());
            assertTrue(TimeUnit.NANOSECONDS.toMillis(e.nanos() - t0) < CONNECT_TIMEOUT_MS, url + " took longer than its timeout");
        }
        stillCounting();
    }

    @Test
    void aListenerThatNeverAnswersTimesOut() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = silent.accept(); // accepted, read from by nobody, never answered
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.start();
            int port = silent.getLocalPort();
            check("ws://127.0.0.1:" + port + "/", "no handshake answer in time");
            check("wss://127.0.0.1:" + port + "/", null); // no TLS provider here: the error says so at once
            check("http://127.0.0.1:" + port + "/", "no response in time");
            stillCounting();
        } finally {
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    private static void check(String url, String expected) throws Exception {
        long before = counts.get();
        long t0 = System.nanoTime();
        Connection c = client.connect(ClientConnectInfo.parse(url).protocols("x").localProtocol("recorder")
                .connectTimeoutMillis(CONNECT_TIMEOUT_MS));
        Recorder.Event e = recorder.await(c.id(), CONNECT_TIMEOUT_MS + SLACK_MS, Reason.CLIENT_CONNECTION_ERROR,
                Reason.CLIENT_ESTABLISHED, Reason.ESTABLISHED_CLIENT_HTTP);
        long ms = TimeUnit.NANOSECONDS.toMillis(e.nanos() - t0);
        assertEquals(Reason.CLIENT_CONNECTION_ERROR, e.reason(), url);
        if (expected != null) {
            assertEquals(expected, e.data(), url);
            assertTrue(ms >= CONNECT_TIMEOUT_MS - 50, url + " failed after " + ms + " ms, before its timeout");
        }
        assertTrue(counts.get() > before || expected == null, "dumb-increment stopped counting while " + url + " waited");
    }

    private static void stillCounting() throws InterruptedException {
        long n = counts.get();
        awaitCounts(n + 5);
    }

    private static void awaitCounts(long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (counts.get() < n) {
            assertTrue(System.nanoTime() < deadline, "dumb-increment counts stopped at " + counts.get());
            Thread.sleep(20);
        }
    }
}
