package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.SelectionKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.Predicate;

import org.lws4j.api.LogLevel;
import org.lws4j.core.LoopProbe;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.log.StderrEmitter;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.vhost.VhostImpl;

/**
 * A real context with one vhost on 127.0.0.1 serving a small site, for socket tests. Set the
 * environment variable LWS4J_TEST_LOG to see the server's log on stderr.
 *
 * <p>Tests synchronise on what the server did, never on sleeps ({@link LoopProbe}):
 * {@link #awaitOnLoop} waits for a state of the service thread (a header buffer taken, bytes
 * read, a connection gone), and {@link #afterTimers} checks what a deadline did by running a
 * check as a timer of its own, which the loop runs after every timer due before it.
 */
final class TestServer implements AutoCloseable {
    static final String HELLO = "Hello, lws4j!\n";
    static final String SECRET = "TOP-SECRET-4711";
    static final int BIG_SIZE = 3 * 1024 * 1024 + 123;
    private static final int LOG_MASK = LogLevel.ERR.bit() | LogLevel.WARN.bit() | LogLevel.NOTICE.bit()
            | LogLevel.INFO.bit();

    final ContextImpl ctx;
    final VhostImpl vhost;
    final int port;
    final Queue<String> log;

    private TestServer(ContextImpl ctx, VhostImpl vhost, int port, Queue<String> log) {
        this.ctx = ctx;
        this.vhost = vhost;
        this.port = port;
        this.log = log;
    }

    /** Context settings for tests: one service thread, the given limits. */
    static ContextConfig config(int timeoutSecs, int headerData, int headerPool, long maxBody, int fdLimitPerThread) {
        return new ContextConfig(1, "lws4j-test", timeoutSecs, 0, 0, 0, headerData, headerPool, maxBody,
                LOG_MASK, fdLimitPerThread, 0);
    }

    static ContextConfig defaults() {
        return config(5, 4096, 8, 1 << 20, 0);
    }

    static MountConfig mount(String mountpoint, String origin, String defaultDocument) {
        return new MountConfig(mountpoint, origin, defaultDocument, Map.of(), Map.of(), Map.of(), Map.of());
    }

    /**
     * Writes the test site under {@code tmp}: www/ with hello.txt, index.html, style.css,
     * sub/index.html, big.bin (over 1 MiB), leak.txt (a symlink to ../secret.txt); and
     * secret.txt beside www/, which must never be served.
     */
    static Path writeSite(Path tmp) throws IOException {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("hello.txt"), HELLO);
        Files.writeString(www.resolve("index.html"), "<h1>index</h1>\n");
        Files.writeString(www.resolve("style.css"), "body{color:red}\n");
        Path sub = Files.createDirectories(www.resolve("sub"));
        Files.writeString(sub.resolve("index.html"), "<h1>sub</h1>\n");
        Files.write(www.resolve("big.bin"), bigContent());
        Path secret = Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(www.resolve("leak.txt"), secret);
        return www;
    }

    /**
     * Writes www/huge.bin: bigger than the kernel's largest send buffer, so sending it to a client
     * with a small receive buffer has to wait for writeable.
     */
    static byte[] writeHuge(Path www) throws IOException {
        byte[] b = new byte[12 * 1024 * 1024 + 7];
        new Random(99).nextBytes(b);
        Files.write(www.resolve("huge.bin"), b);
        return b;
    }

    static byte[] bigContent() {
        byte[] b = new byte[BIG_SIZE];
        new Random(4711).nextBytes(b);
        return b;
    }

    /** The usual mounts: files at "/", redirect at "/redir", and the given callback mounts. */
    static List<MountConfig> mounts(Path www, String... callbackMounts) {
        List<MountConfig> l = new ArrayList<>();
        l.add(mount("/", "file://" + www, "index.html"));
        l.add(mount("/redir", "https://example.com/moved", null));
        for (String name : callbackMounts) {
            l.add(mount("/" + name, "callback://" + name, null));
        }
        return l;
    }

    static TestServer start(ContextConfig cfg, List<MountConfig> mounts) throws IOException {
        return start(cfg, mounts, 5);
    }

    static TestServer start(ContextConfig cfg, List<MountConfig> mounts, int keepaliveSecs) throws IOException {
        Queue<String> lines = new ConcurrentLinkedQueue<>();
        LogImpl log = new LogImpl(cfg.logLevel());
        log.addEmitter((level, ts, line) -> lines.add(level.tag() + ": " + line));
        if (System.getenv("LWS4J_TEST_LOG") != null) {
            log.addEmitter(new StderrEmitter(System.err));
        }
        ContextImpl ctx = new ContextImpl(cfg, log);
        ctx.start();
        try {
            // port 0 means "no listener" in vhost config, so pick a free port (retrying a race)
            for (int attempt = 0; attempt < 10; attempt++) {
                int port = freePort();
                VhostImpl v = ctx.addVhost(new VhostConfig("test", "localhost", port, "127.0.0.1", keepaliveSecs, mounts,
                        Map.of(), Map.of(), Map.of()));
                if (v != null) {
                    assertEquals(port, ctx.boundPort(v), "bound port");
                    return new TestServer(ctx, v, port, lines);
                }
            }
        } catch (RuntimeException | Error e) {
            ctx.stop();
            throw e;
        }
        ctx.stop();
        throw new IOException("no free port for the test vhost");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    RawClient client() throws IOException {
        return new RawClient(port);
    }

    /** A fresh connection still gets a file: the server survived whatever came before. */
    void assertStillServes() throws IOException {
        try (RawClient c = client()) {
            RawClient.Response r = c.get("/hello.txt");
            assertEquals(200, r.status(), "a fresh connection after the test: " + r);
            assertEquals(HELLO, r.text());
        }
    }

    /** Runs {@code query} on the service thread and returns its answer. */
    <T> T onLoop(Function<ServiceThread, T> query) {
        return LoopProbe.onLoop(thread(), query);
    }

    /** Whether {@code condition} holds now, checked on the service thread. */
    boolean holds(Predicate<ServiceThread> condition) {
        return LoopProbe.holds(thread(), condition);
    }

    /** Waits until {@code condition}, checked on the service thread, holds; fails saying {@code what}. */
    void awaitOnLoop(String what, Predicate<ServiceThread> condition) {
        LoopProbe.await(what, thread(), condition, this::logText);
    }

    /** {@link LoopProbe#afterTimers} on the service thread. */
    <T> CompletableFuture<T> afterTimers(long delayNanos, Function<ServiceThread, T> check) {
        return LoopProbe.afterTimers(thread(), delayNanos, check);
    }

    /** The answer of {@code f}, waiting at most {@link LoopProbe#WAIT}. */
    static <T> T await(CompletableFuture<T> f) {
        return LoopProbe.get(f);
    }

    /** Waits until {@code condition} (something a test protocol records) holds; fails saying {@code what}. */
    static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
        LoopProbe.until(what, condition);
    }

    private ServiceThread thread() {
        return ctx.threads().get(0);
    }

    /** The server's side of {@code c} (found by the client's port), or null once it is gone. Service thread only. */
    static ConnectionImpl serverSide(ServiceThread t, RawClient c) {
        return LoopProbe.connectionOf(t, c.localPort());
    }

    /** Bytes the server has read from {@code c} (-1 once the connection is gone). Service thread only. */
    static long bytesRead(ServiceThread t, RawClient c) {
        ConnectionImpl s = serverSide(t, c);
        return s == null ? -1 : s.bytesIn();
    }

    /** True while the server's side of {@code c} may still send (not closing, not gone). Service thread only. */
    static boolean isOpen(ServiceThread t, RawClient c) {
        ConnectionImpl s = serverSide(t, c);
        return s != null && s.isOpen();
    }

    /** True while the server reads from {@code c} (its side is registered for reading). Service thread only. */
    static boolean readsFrom(ServiceThread t, RawClient c) {
        return (LoopProbe.interest(t, serverSide(t, c)) & SelectionKey.OP_READ) != 0;
    }

    /** True while the server waits for {@code c}'s socket to take more (registered for writing). Service thread only. */
    static boolean waitsToWrite(ServiceThread t, RawClient c) {
        return (LoopProbe.interest(t, serverSide(t, c)) & SelectionKey.OP_WRITE) != 0;
    }

    String logText() {
        return String.join("\n", log);
    }

    @Override
    public void close() {
        assertNotNull(ctx);
        ctx.stop();
    }
}
