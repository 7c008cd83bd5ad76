package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.group.relay.ServerProcess;

/**
 * Three runtimes sharing a Redis group broker behind a real HAProxy (Debian haproxy, config
 * written here, loopback only, round robin with an HTTP health check): 300 mirror clients, spread
 * over the nodes by the balancer, each draw one stroke and every client sees all 300 strokes of
 * the one shared drawing, once each.
 */
class HaproxyClusterIT {
    static final int CLIENTS = 300;

    @TempDir
    Path tmp;
    private final List<DistRun> runs = new ArrayList<>();
    private final List<HandoffClient> clients = new ArrayList<>();
    private ServerProcess redis;
    private Process haproxy;
    private boolean passed;

    @AfterEach
    void stop() throws Exception {
        clients.forEach(HandoffClient::abort);
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly();
            }
        }
        for (DistRun r : runs) {
            if (!passed) {
                r.failed("HaproxyClusterIT failed");
            }
            r.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void threeNodesBehindHaproxyShareOneDrawing() throws Exception {
        Path haproxyBin = Optional.of(Path.of("/usr/sbin/haproxy")).filter(Files::isExecutable)
                .orElseThrow(() -> new AssertionError("haproxy not found: install the Debian package haproxy"));
        redis = ServerProcess.redis(tmp.resolve("redis"));
        String url = "redis://127.0.0.1:" + redis.port();
        List<Integer> ports = DistRun.freePorts(7);
        List<Integer> nodePorts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // each node's second vhost (other.test) is not used here
            ClusterIT.node("haproxy-it-" + i, url, "org.lws4j.group-redis-", ports.get(2 * i), ports.get(2 * i + 1), runs);
            nodePorts.add(ports.get(2 * i));
        }
        for (DistRun r : runs) {
            r.awaitLog("group broker subscribed to lws4j on " + url, DistRun.STEP_TIMEOUT);
        }
        int front = ports.get(6);
        Path cfg = tmp.resolve("haproxy.cfg");
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            servers.append("    server node").append(i).append(" 127.0.0.1:").append(nodePorts.get(i)).append(" check inter 2s\n");
        }
        Files.writeString(cfg, """
                global
                    maxconn 4096
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 60s
                    timeout server 60s
                    timeout tunnel 1h
                frontend ws
                    bind 127.0.0.1:%d
                    default_backend lws4j
                backend lws4j
                    balance roundrobin
                    option httpchk GET /
                    http-check expect status 200
                %s""".formatted(front, servers));
        haproxy = new ProcessBuilder(haproxyBin.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("haproxy.log").toFile()).start();
        runs.get(0).await("haproxy to listen on " + front, DistRun.STEP_TIMEOUT, () -> {
            if (!haproxy.isAlive()) {
                throw new AssertionError("haproxy exited: " + read(tmp.resolve("haproxy.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(DistRun.HOST, front), 500);
                return Optional.of(true);
            } catch (IOException e) {
                return Optional.empty();
            }
        });

        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(HandoffClient.open(http, front, ClusterIT.GROUP, "lws-mirror-protocol", "c" + i, null));
        }
        // the balancer spread them over the three (round robin; a node its health check finds slow
        // under load gets fewer for a while)
        long total = 0;
        for (int p : nodePorts) {
            long n = accepted(p);
            total += n;
            assertTrue(n >= CLIENTS / 10, "node on port " + p + " holds " + n + " of " + CLIENTS
                    + " connections; haproxy said:\n" + read(tmp.resolve("haproxy.log")));
        }
        assertTrue(total >= CLIENTS, total + " connections on the nodes for " + CLIENTS + " clients");
        // one stroke after the other, each once its sender saw it come back (as people draw: remote
        // messages cannot be flow-controlled, a member 64 behind would get 1008)
        for (HandoffClient c : clients) {
            String stroke = "stroke " + c.name;
            c.send(stroke);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!c.texts().contains(stroke)) {
                assertTrue(System.nanoTime() < until, c.name + " did not get its own stroke back in 10 s");
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        for (HandoffClient c : clients) {
            runs.get(0).await(c.name + " to see the whole drawing", DistRun.STEP_TIMEOUT,
                    () -> c.count() >= CLIENTS ? Optional.of(true) : Optional.empty());
        }
        for (HandoffClient c : clients) {
            Set<String> seen = new HashSet<>(c.texts());
            assertEquals(CLIENTS, c.count(), c.name + " got " + c.count() + " messages");
            assertEquals(CLIENTS, seen.size(), c.name + " got a stroke twice");
        }
        passed = true;
    }

    /** Established connections on the server side of {@code port} (from HAProxy), from /proc/net/tcp and tcp6. */
    static long accepted(int port) throws IOException {
        String hex = String.format(":%04X", port);
        long n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            n += Files.readAllLines(Path.of(table)).stream().skip(1).map(String::trim).map(l -> l.split("\\s+"))
                    .filter(f -> f[1].endsWith(hex) && f[3].equals("01")).count();
        }
        return n;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
