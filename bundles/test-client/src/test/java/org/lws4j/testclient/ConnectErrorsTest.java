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
import java.util.concurrent.CompletableFuture;
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
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.loop.Timer;

/**
 * Client connections that cannot work fail cleanly, in time, and alone: a closed port, and a
 * listener that accepts but never answers the handshake, each report CLIENT_CONNECTION_ERROR
 * within their connect timeout while a dumb-increment connection on the same context (and the
 * same service thread) keeps counting.
 *
 * <p>"Within the timeout" is checked on the client's own loop, not on the test's clock: a timer
 * of the test's, due just after the connection's deadline, finds the error already reported
 * (timers run in deadline order). A closed port is given a timeout far longer than the test waits,
 * so only the refusal can end it.
 */
class ConnectErrorsTest {
    static final int CONNECT_TIMEOUT_MS = 1000;
    /** The client context's timeout-secs: how long an HTTP client waits for the response head. */
    static final int TIMEOUT_SECS = 2;
    /** How long the test waits for what must happen; only a broken run gets there. */
    static final long WAIT_MS = 20_000;

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
        // HTTP clients wait timeout-secs for the response head
        client = new ContextImpl(new ContextConfig(1, "lws4j-client", TIMEOUT_SECS, 0, 0, 0, 8192, 4, 1 << 20, log.mask(), 0, 0), log);
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
            // a connect timeout longer than the wait: an error within the wait is the refusal itself
            Connection c = client.connect(ClientConnectInfo.parse(url).localProtocol("recorder").connectTimeoutMillis((int) (3 * WAIT_MS)));
            Recorder.Event e = recorder.await(c.id(), WAIT_MS, Reason.CLIENT_CONNECTION_ERROR,
                    Reason.CLIENT_ESTABLISHED, Reason.ESTABLISHED_CLIENT_HTTP, Reason.RAW_ADOPT);
            assertEquals(Reason.CLIENT_CONNECTION_ERROR, e.reason(), url);
            assertTrue(e.data().toLowerCase().contains("refused"), url + ": " + e.data());
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
            check("ws://127.0.0.1:" + port + "/", "no handshake answer in time", CONNECT_TIMEOUT_MS);
            check("wss://127.0.0.1:" + port + "/", null, 0); // no TLS provider here: the error says so at once
            check("http://127.0.0.1:" + port + "/", "no response in time", TIMEOUT_SECS * 1000L);
            stillCounting();
        } finally {
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    /** {@code deadlineMs}: the wait for the answer, counted from when the request went out. */
    private static void check(String url, String expected, long deadlineMs) throws Exception {
        long before = counts.get();
        long t0 = System.nanoTime(); // before the connection exists, so before its deadline is set
        Connection c = client.connect(ClientConnectInfo.parse(url).protocols("x").localProtocol("recorder")
                .connectTimeoutMillis(CONNECT_TIMEOUT_MS));
        CompletableFuture<Boolean> reportedByTheDeadline = expected == null ? null : reportedByTheDeadline(c, deadlineMs);
        Recorder.Event e = recorder.await(c.id(), WAIT_MS, Reason.CLIENT_CONNECTION_ERROR,
                Reason.CLIENT_ESTABLISHED, Reason.ESTABLISHED_CLIENT_HTTP);
        long ms = TimeUnit.NANOSECONDS.toMillis(e.nanos() - t0);
        assertEquals(Reason.CLIENT_CONNECTION_ERROR, e.reason(), url);
        if (expected != null) {
            assertEquals(expected, e.data(), url);
            assertTrue(ms >= CONNECT_TIMEOUT_MS, url + " failed after " + ms + " ms, before its timeout");
            assertTrue(reportedByTheDeadline.get(WAIT_MS, TimeUnit.MILLISECONDS), url + ": not reported by its deadline");
        }
        assertTrue(counts.get() > before || expected == null, "dumb-increment stopped counting while " + url + " waited");
    }

    /**
     * Once {@code c} has connected and sent its request (its deadline set then: the connect timeout
     * for a handshake, timeout-secs for an HTTP response), a timer on its thread due just after
     * that deadline: whether the error had been reported by then. Asked from this thread until the request is out, then set in the same task.
     */
    private static CompletableFuture<Boolean> reportedByTheDeadline(Connection c, long deadlineMs) throws InterruptedException {
        ConnectionImpl conn = (ConnectionImpl) c;
        ServiceThread t = conn.thread();
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (true) {
            CompletableFuture<Boolean> armed = new CompletableFuture<>();
            t.execute(() -> {
                boolean sent = !conn.isConnecting() && conn.bytesOut() > 0;
                if (sent || conn.isClosed()) {
                    t.timers().schedule(new Timer(() -> result.complete(recorder.has(c.id(), Reason.CLIENT_CONNECTION_ERROR))),
                            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs) + 1);
                }
                armed.complete(sent || conn.isClosed());
            });
            try {
                if (armed.get(WAIT_MS, TimeUnit.MILLISECONDS)) {
                    return result;
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the client's service thread did not answer", e);
            }
            assertTrue(System.nanoTime() - deadline < 0, "the connection never sent its request");
            Thread.sleep(1); // a poll interval: the request going out is what is waited for
        }
    }

    private static void stillCounting() throws InterruptedException {
        long n = counts.get();
        awaitCounts(n + 5);
    }

    private static void awaitCounts(long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (counts.get() < n) {
            assertTrue(System.nanoTime() < deadline, "dumb-increment counts stopped at " + counts.get());
            Thread.sleep(20); // a poll interval: the counts are what is waited for
        }
    }
}
