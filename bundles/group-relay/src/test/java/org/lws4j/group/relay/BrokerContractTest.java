package org.lws4j.group.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.spi.group.GroupBroker.State;

/**
 * What every group broker must do, against its real server on 127.0.0.1 (a subclass per broker
 * says which server and which broker): several broker instances play several nodes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class BrokerContractTest {
    /** Starts the broker's server in {@code dir}. */
    protected abstract ServerProcess startServer(Path dir) throws IOException;

    /** A broker (not opened) for the given settings. */
    protected abstract RelayBroker newBroker(BrokerSettings settings, ListLog log);

    /** The URL of the server on {@code port}, e.g. "redis://127.0.0.1:" + port. */
    protected abstract String url(int port);

    /** Starts the broker's server answering TLS with {@code cert} and {@code key}. */
    protected abstract ServerProcess startTlsServer(Path dir, Path cert, Path key) throws IOException;

    /** The TLS URL of the server on {@code port}, e.g. "rediss://127.0.0.1:" + port. */
    protected abstract String tlsUrl(int port);

    @TempDir
    protected Path tmp;
    protected ServerProcess server;
    private final List<RelayBroker> brokers = new ArrayList<>();
    private Set<Thread> threadsBefore;

    /** A node: its broker, sink and log. */
    protected record Node(RelayBroker broker, RecordingSink sink, ListLog log) {
        public void publish(String vhost, String group, String text) {
            broker.publish(vhost, group, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), false);
        }
    }

    @BeforeEach
    void startServer() throws IOException {
        threadsBefore = new HashSet<>(Thread.getAllStackTraces().keySet());
        server = startServer(tmp.resolve("server"));
    }

    @AfterEach
    void stop() {
        brokers.forEach(RelayBroker::close);
        if (server != null) {
            server.close();
        }
    }

    /** A node opened on the test's server with {@code extra} settings, not yet awaited. */
    protected Node node(Map<String, String> extra) {
        Map<String, String> p = new HashMap<>(extra);
        p.putIfAbsent(BrokerSettings.URL, url(server.port()));
        p.putIfAbsent(BrokerSettings.RETRY_MAX_MS, "500");
        ListLog log = new ListLog();
        RelayBroker b = newBroker(BrokerSettings.from(p).orElseThrow(), log);
        brokers.add(b);
        RecordingSink sink = new RecordingSink();
        b.open(sink);
        return new Node(b, sink, log);
    }

    /** A node opened and connected. */
    protected Node connected() throws InterruptedException {
        Node n = node(Map.of());
        n.sink().awaitState(State.CONNECTED, 20);
        assertEquals(State.CONNECTED, n.broker().state());
        return n;
    }

    /**
     * Makes sure everything {@code from} published so far has reached the broker's subscribers:
     * {@code to} publishes a marker and {@code from} waits for it (one server orders the two).
     */
    protected static void barrier(Node from, Node to, String marker) throws InterruptedException {
        to.publish("sync", "sync", marker);
        from.sink().awaitText(marker, 20);
    }

    @Test
    void aMessageReachesTheOtherNodeOnceAndNeverComesBackToItsSender() throws Exception {
        Node a = connected();
        Node b = connected();
        a.publish("localhost", "mirror", "hello from a");
        b.sink().awaitText("hello from a", 20);
        barrier(b, a, "marker-1"); // anything more from a reached b before this marker
        barrier(a, b, "marker-2"); // and an echo of a's message would have reached a
        long atB = b.sink().delivered().stream().filter(d -> d.text().equals("hello from a")).count();
        assertEquals(1, atB, "delivered to the other node exactly once");
        assertFalse(a.sink().delivered().stream().anyMatch(d -> d.text().equals("hello from a")),
                "the sender's own message never comes back to it");
        RecordingSink.Delivered d = b.sink().delivered().get(0);
        assertEquals("localhost", d.vhost());
        assertEquals("mirror", d.group());
        assertFalse(d.binary());
        assertEquals(2, a.broker().sent(), "a sent its message and one marker");
        assertTrue(b.broker().describe().contains("connected"), b.broker().describe());
    }

    @Test
    void binaryPayloadsArriveByteForByteAndTheCallersBufferIsLeftAlone() throws Exception {
        Node a = connected();
        Node b = connected();
        byte[] all = new byte[256 + 65536];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        byte[] random = new byte[65536];
        new Random(22).nextBytes(random);
        System.arraycopy(random, 0, all, 256, random.length);
        // the payload is read from its position to its limit
        ByteBuffer framed = ByteBuffer.allocate(all.length + 10);
        framed.position(3);
        framed.put(all);
        framed.position(3).limit(3 + all.length);
        a.broker().publish("v", "bin", framed, true);
        a.broker().publish("v", "bin", ByteBuffer.allocate(0), true);
        a.broker().publish("v", "bin", ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x28}), false);
        List<RecordingSink.Delivered> got = b.sink().awaitDelivered(3, 20);
        assertEquals(3, framed.position(), "the caller's buffer keeps its position");
        assertEquals(3 + all.length, framed.limit());
        assertArrayEquals(all, got.get(0).payload());
        assertTrue(got.get(0).binary());
        assertEquals(0, got.get(1).payload().length);
        assertTrue(got.get(1).binary());
        assertArrayEquals(new byte[] {(byte) 0xC3, 0x28}, got.get(2).payload(), "bytes go as they are, UTF-8 or not");
        assertFalse(got.get(2).binary());
    }

    @Test
    void eachSendersOrderHoldsOverTenThousandMessages() throws Exception {
        Node a = connected();
        Node b = connected();
        Node c = connected();
        int n = 10_000;
        Thread other = new Thread(() -> {
            for (int i = 1; i <= n; i++) {
                b.publish("v", "g", "b:" + i);
            }
        });
        other.start();
        for (int i = 1; i <= n; i++) {
            a.publish("v", "g", "a:" + i);
        }
        other.join();
        List<RecordingSink.Delivered> got = c.sink().awaitDelivered(2 * n, 60);
        Map<String, Integer> next = new HashMap<>(Map.of("a", 1, "b", 1));
        for (RecordingSink.Delivered d : got) {
            String[] t = d.text().split(":");
            assertEquals((int) next.get(t[0]), Integer.parseInt(t[1]), "sender " + t[0] + "'s order");
            next.put(t[0], next.get(t[0]) + 1);
        }
        assertEquals(n + 1, next.get("a"));
        assertEquals(n + 1, next.get("b"));
        assertEquals(0, a.broker().dropped());
        assertEquals(0, c.broker().lost());
        List<RecordingSink.Delivered> atA = a.sink().awaitDelivered(n, 60);
        assertTrue(atA.stream().allMatch(d -> d.text().startsWith("b:")), "a gets b's messages only");
    }

    @Test
    void vhostAndGroupNamesArriveIntactWhateverTheyContain() throws Exception {
        Node a = connected();
        Node b = connected();
        String[][] names = {
            {"localhost", "mirror"}, {"example.com", "mirror"}, {"localhost", "other"},
            {"", ""}, {"a.b", "c.d"}, {"v", "g*"}, {"v", "g>"}, {"v", "with space"},
            {"v", "x:y"}, {"v", "Zeichen-ä€😀"}, {"v", "%41"},
        };
        for (String[] vg : names) {
            a.publish(vg[0], vg[1], vg[0] + "|" + vg[1]);
        }
        List<RecordingSink.Delivered> got = b.sink().awaitDelivered(names.length, 20);
        for (int i = 0; i < names.length; i++) {
            assertEquals(names[i][0], got.get(i).vhost());
            assertEquals(names[i][1], got.get(i).group());
            assertEquals(names[i][0] + "|" + names[i][1], got.get(i).text());
        }
    }

    @Test
    void nodesWithAnotherPrefixAreAnotherCluster() throws Exception {
        Node a = connected();
        Node other = node(Map.of(BrokerSettings.PREFIX, "other-cluster"));
        Node other2 = node(Map.of(BrokerSettings.PREFIX, "other-cluster"));
        other.sink().awaitState(State.CONNECTED, 20);
        other2.sink().awaitState(State.CONNECTED, 20);
        Node b = connected();
        other.publish("v", "g", "from the other cluster");
        other2.sink().awaitText("from the other cluster", 20); // the server has handled it...
        a.publish("v", "g", "from a"); // ...before this one
        b.sink().awaitText("from a", 20);
        assertFalse(b.sink().delivered().stream().anyMatch(d -> d.text().equals("from the other cluster")));
        barrier(other2, other, "y"); // and "from a" would have reached "other2" before this marker
        assertTrue(other2.sink().delivered().stream().noneMatch(d -> d.text().equals("from a")));
    }

    @Test
    void aBrokerCrashDropsForOtherNodesOnlyAndDeliveryResumesAfterItsRestart() throws Exception {
        Node a = connected();
        Node b = connected();
        a.publish("v", "g", "before");
        b.sink().awaitText("before", 20);
        server.kill();
        a.sink().awaitState(State.CONNECTING, 20);
        b.sink().awaitState(State.CONNECTING, 20);
        long t0 = System.nanoTime();
        for (int i = 0; i < 20_000; i++) {
            a.publish("v", "g", "while down " + i);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 2000, "20,000 publish() calls with the broker down took " + ms + " ms");
        awaitCounter(() -> a.broker().dropped(), 20_000, 20);
        assertEquals(1, a.log().count("no longer reach the other nodes"), "one line per outage: " + a.log().lines());
        server.start(); // same port
        a.sink().awaitState(State.CONNECTED, 30);
        b.sink().awaitState(State.CONNECTED, 30);
        a.publish("v", "g", "after");
        b.sink().awaitText("after", 20);
        b.publish("v", "g", "and back");
        a.sink().awaitText("and back", 20);
        assertTrue(b.sink().delivered().stream().noneMatch(d -> d.text().startsWith("while down")));
        assertTrue(b.broker().lost() >= 1, "b saw the gap in a's sequence numbers: " + b.broker().describe());
        assertTrue(a.sink().details().stream().anyMatch(s -> s.startsWith("CONNECTING lost")), a.sink().details().toString());
    }

    @Test
    void aNodeStartedBeforeItsBrokerConnectsOnceTheBrokerIsUp() throws Exception {
        server.kill();
        Node a = node(Map.of());
        a.publish("v", "g", "too early");
        awaitCounter(() -> a.broker().dropped(), 1, 20);
        assertEquals(State.CONNECTING, a.broker().state());
        server.start();
        a.sink().awaitState(State.CONNECTED, 30);
        Node b = connected();
        a.publish("v", "g", "now");
        b.sink().awaitText("now", 20);
    }

    @Test
    void tlsToABrokerWhoseCaIsGivenAndACertificateNotTrustedIsRefusedSayingWhy() throws Exception {
        Path cert = ServerProcess.selfSignedCertificate(tmp.resolve("tls"));
        try (ServerProcess tls = startTlsServer(tmp.resolve("tls-server"), cert, cert.resolveSibling("key.pem"))) {
            Map<String, String> trusted = Map.of(BrokerSettings.URL, tlsUrl(tls.port()), BrokerSettings.CA, cert.toString());
            Node a = node(trusted);
            Node b = node(trusted);
            a.sink().awaitState(State.CONNECTED, 20);
            b.sink().awaitState(State.CONNECTED, 20);
            a.publish("v", "g", "over TLS");
            b.sink().awaitText("over TLS", 20);
            // the JVM's trust store does not know the self-signed certificate
            Node untrusting = node(Map.of(BrokerSettings.URL, tlsUrl(tls.port())));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (untrusting.log().count("cannot connect") == 0 && System.nanoTime() < until) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertTrue(untrusting.log().lines().stream().anyMatch(l -> l.contains("cannot connect")
                    && (l.contains("PKIX") || l.contains("certificate"))), untrusting.log().lines().toString());
            assertEquals(State.CONNECTING, untrusting.broker().state());
            // and a plain connection to the TLS port does not get through either
            Node plain = node(Map.of(BrokerSettings.URL, url(tls.port())));
            assertEquals(State.CONNECTING, plain.broker().state());
            a.publish("v", "g", "still TLS");
            b.sink().awaitText("still TLS", 20);
            assertTrue(untrusting.sink().delivered().isEmpty());
        }
    }

    @Test
    void closeEndsEveryThreadAndSocket() throws Exception {
        Node a = connected();
        Node b = connected();
        a.publish("v", "g", "x");
        b.sink().awaitText("x", 20);
        assertTrue(establishedTo(server.port()) >= 2, "connections to the server while open");
        a.broker().close();
        b.broker().close();
        assertEquals(State.CLOSED, a.broker().state());
        assertEquals(State.CLOSED, a.sink().state());
        // threads the brokers (and their clients) started end
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!threadsBefore.contains(t) && !t.getName().endsWith("-output") && !t.getName().startsWith("junit") && t != Thread.currentThread()) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
                assertFalse(t.isAlive(), "thread " + t.getName() + " still running after close()");
            }
        }
        assertEquals(0, establishedTo(server.port()), "connections to the server after close()");
        a.publish("v", "g", "after close"); // ignored, no exception
        assertEquals(State.CLOSED, a.broker().state());
    }

    /** Established TCP connections (their client side) to {@code port}, from /proc/net/tcp and tcp6. */
    protected static long establishedTo(int port) throws IOException {
        String hex = String.format(":%04X", port);
        long n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            n += Files.readAllLines(Path.of(table)).stream().skip(1)
                    .map(String::trim).map(l -> l.split("\\s+"))
                    .filter(f -> f[2].endsWith(hex) && f[3].equals("01"))
                    .count();
        }
        return n;
    }

    /** Waits (polling a counter) until it reaches {@code n}; fails after {@code seconds}. */
    protected static void awaitCounter(java.util.function.LongSupplier counter, long n, int seconds) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (counter.getAsLong() < n && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertEquals(n, counter.getAsLong(), "counter after " + seconds + " s");
    }
}
