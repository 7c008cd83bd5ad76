package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lws4j.group.relay.ServerProcess;

/**
 * Two runtimes sharing a group broker, a real redis-server or nats-server on 127.0.0.1: mirror
 * clients on both nodes in one group see every message once, in each sender's order; the same
 * group name on another vhost stays apart; the broker killed, each node goes on delivering to its
 * own members, and cross-node delivery resumes when it is back; the broker bundle removed live
 * from one node (deploy/), that node is on its own, and put back, it is in the cluster again.
 */
class ClusterIT {
    static final String GROUP = "/?mirror=cluster-it";
    static final int PER_CLIENT = 100;

    @TempDir
    Path tmp;
    private final List<DistRun> runs = new ArrayList<>();
    private final List<HandoffClient> clients = new ArrayList<>();
    private ServerProcess server;
    private boolean passed;

    @AfterEach
    void stop() throws Exception {
        clients.forEach(HandoffClient::abort);
        for (DistRun r : runs) {
            if (!passed) {
                r.failed("ClusterIT failed");
            }
            r.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A runtime with the broker key, its vhost "localhost" on {@code port}, "other.test" on {@code other}. */
    static DistRun node(String name, String url, String bundle, int port, int other, List<DistRun> runs) throws Exception {
        DistRun rt = DistRun.copy(name).withoutDemo();
        runs.add(rt);
        rt.toDeploy(bundle, jarName(bundle)); // live-removable
        Path www = Files.createDirectories(rt.home.resolve("it-www"));
        Files.writeString(www.resolve("index.html"), "ok\n");
        rt.config("cluster-it.json", """
                { "global": { "group-broker": "%s", "group-broker-retry-max-ms": "500" },
                  "vhosts": [
                    { "name": "localhost", "port": "%d", "interface": "127.0.0.1",
                      "mounts": [{ "mountpoint": "/", "origin": "file://%s", "default": "index.html" }],
                      "ws-protocols": [{ "lws-mirror-protocol": {} }] },
                    { "name": "other.test", "port": "%d", "interface": "127.0.0.1",
                      "mounts": [{ "mountpoint": "/", "origin": "file://%s", "default": "index.html" }],
                      "ws-protocols": [{ "lws-mirror-protocol": {} }] } ] }
                """.formatted(url, port, www, other, www));
        rt.start();
        rt.awaitListening(port, DistRun.BOOT_TIMEOUT);
        rt.awaitListening(other, DistRun.BOOT_TIMEOUT);
        return rt;
    }

    /** The name in deploy/ of the bundle whose jar starts with {@code prefix} ("org.lws4j.group-redis-"). */
    static String jarName(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + ".jar";
    }

    /** Waits until the log, from byte {@code from} on, contains {@code text}. */
    static void awaitLogFrom(DistRun rt, long from, String text) throws Exception {
        rt.await("\"" + text + "\" in " + rt.name + "'s log", DistRun.STEP_TIMEOUT,
                () -> rt.logText(from).contains(text) ? Optional.of(true) : Optional.empty());
    }

    /** Waits until {@code c} has at least {@code n} messages. */
    static void awaitCount(DistRun rt, HandoffClient c, int n) throws Exception {
        rt.await(c.name + " to have " + n + " messages", DistRun.STEP_TIMEOUT,
                () -> c.count() >= n ? Optional.of(true) : Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis", "nats"})
    void groupsSpanTheNodesAndSurviveTheBrokerAndItsBundleGoingAway(String kind) throws Exception {
        server = kind.equals("redis") ? ServerProcess.redis(tmp.resolve("server")) : ServerProcess.nats(tmp.resolve("server"));
        String url = kind + "://127.0.0.1:" + server.port();
        String bundle = "org.lws4j.group-" + kind + "-";
        String address = url; // as the broker logs it
        List<Integer> ports = DistRun.freePorts(4);
        DistRun a = node("cluster-it-a-" + kind, url, bundle, ports.get(0), ports.get(1), runs);
        DistRun b = node("cluster-it-b-" + kind, url, bundle, ports.get(2), ports.get(3), runs);
        a.awaitLog("group broker subscribed to lws4j on " + address, DistRun.STEP_TIMEOUT);
        b.awaitLog("group broker subscribed to lws4j on " + address, DistRun.STEP_TIMEOUT);

        HttpClient http = HttpClient.newHttpClient();
        List<HandoffClient> onA = new ArrayList<>();
        List<HandoffClient> onB = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            onA.add(open(http, ports.get(0), "a" + i));
            onB.add(open(http, ports.get(2), "b" + i));
        }
        HandoffClient otherVhostA = open(http, ports.get(1), "oa");
        HandoffClient otherVhostB = open(http, ports.get(3), "ob");
        List<HandoffClient> members = new ArrayList<>(onA);
        members.addAll(onB);

        // every message of every member reaches every member once, in its sender's order
        List<Thread> senders = new ArrayList<>();
        for (HandoffClient c : members) {
            Thread t = new Thread(() -> {
                try {
                    // as a drawing client does: the next stroke once its own came back (remote
                    // messages cannot be flow-controlled: a member that falls 64 behind gets 1008)
                    for (int i = 1; i <= PER_CLIENT; i++) {
                        String m = c.name + ":" + i;
                        c.send(m);
                        awaitText(c.name.startsWith("a") ? a : b, c, m);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            senders.add(t);
        }
        for (Thread t : senders) {
            t.join(30_000);
        }
        int all = members.size() * PER_CLIENT;
        for (HandoffClient c : members) {
            awaitCount(c.name.startsWith("a") ? a : b, c, all);
        }
        // a marker through both nodes: anything more (a duplicate) would have come before it
        onB.get(0).send("marker-1");
        onA.get(0).send("marker-2");
        for (HandoffClient c : members) {
            awaitCount(c.name.startsWith("a") ? a : b, c, all + 2);
            assertOnceInOrder(c, members, PER_CLIENT);
        }
        // the same group name on vhost other.test is another group, across the nodes too
        otherVhostA.send("other:1");
        awaitCount(b, otherVhostB, 1);
        assertEquals(List.of("other:1"), otherVhostB.texts());
        assertTrue(members.stream().allMatch(c -> c.texts().stream().noneMatch(t -> t.startsWith("other"))));

        // the broker killed: each node delivers to its own members; restarted: across again
        long fromA = a.logSize();
        long fromB = b.logSize();
        server.kill();
        awaitLogFrom(a, fromA, "group broker lost " + address);
        awaitLogFrom(b, fromB, "group broker lost " + address);
        int beforeB = onB.get(1).count();
        onA.get(0).send("while down");
        for (HandoffClient c : onA) {
            awaitText(a, c, "while down"); // local members still get it
        }
        server.start();
        awaitLogFrom(a, fromA, "group broker subscribed to lws4j on " + address);
        awaitLogFrom(b, fromB, "group broker subscribed to lws4j on " + address);
        onA.get(0).send("after restart");
        awaitText(b, onB.get(1), "after restart");
        assertTrue(onB.get(1).texts().subList(beforeB, onB.get(1).count()).stream().noneMatch("while down"::equals),
                "what was published while the broker was down is lost for the other node");

        // the broker bundle removed from node a: a delivers to its own members only
        fromA = a.logSize();
        Path jar = a.home.resolve("deploy").resolve(jarName(bundle));
        Path aside = a.home.resolve(jarName(bundle));
        Files.move(jar, aside);
        awaitLogFrom(a, fromA, "group broker " + address + ": closed");
        onA.get(0).send("a alone");
        awaitText(a, onA.get(1), "a alone");
        onB.get(0).send("b alone");
        awaitText(b, onB.get(1), "b alone");
        onA.get(0).send("a marker");
        awaitText(a, onA.get(2), "a marker");
        assertTrue(onA.get(2).texts().stream().noneMatch("b alone"::equals), "b's message did not reach a");
        assertTrue(onB.get(2).texts().stream().noneMatch("a alone"::equals), "a's message did not reach b");
        // and put back: cluster again
        fromA = a.logSize();
        a.deploy(aside, jarName(bundle));
        awaitLogFrom(a, fromA, "group broker subscribed to lws4j on " + address);
        onB.get(0).send("b again");
        awaitText(a, onA.get(1), "b again");
        onA.get(0).send("a again");
        awaitText(b, onB.get(1), "a again");
        passed = true;
    }

    private HandoffClient open(HttpClient http, int port, String name) throws Exception {
        HandoffClient c = HandoffClient.open(http, port, GROUP, "lws-mirror-protocol", name, null);
        clients.add(c);
        return c;
    }

    static void awaitText(DistRun rt, HandoffClient c, String text) throws Exception {
        rt.await(c.name + " to get \"" + text + "\"", DistRun.STEP_TIMEOUT,
                () -> c.texts().contains(text) ? Optional.of(true) : Optional.empty());
    }

    /** Every member's messages 1..n arrived at {@code c} once each, in order. */
    static void assertOnceInOrder(HandoffClient c, List<HandoffClient> members, int n) {
        Map<String, Integer> next = new HashMap<>();
        for (HandoffClient m : members) {
            next.put(m.name, 1);
        }
        for (String t : c.texts()) {
            int colon = t.indexOf(':');
            if (colon < 0 || !next.containsKey(t.substring(0, colon))) {
                continue; // a marker
            }
            String from = t.substring(0, colon);
            int seq = Integer.parseInt(t.substring(colon + 1));
            assertEquals((int) next.get(from), seq, c.name + ": " + from + "'s messages out of order or twice");
            next.put(from, seq + 1);
        }
        for (HandoffClient m : members) {
            assertEquals(n + 1, (int) next.get(m.name), c.name + " got " + (next.get(m.name) - 1) + " of " + m.name + "'s " + n);
        }
    }
}
