package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * {@code bin/lws4j start}, {@code status} and {@code stop} run as an operator runs them, on a copy
 * of the distribution (no demo site; a vhost of its own on a free port of 127.0.0.1 with
 * dumb-increment-protocol, and {@code "syslog"} pointing at a UDP socket of the test's): start
 * returns once the server answers, a second start is refused, status tells running (0) or not (3;
 * 1 for a pid file left by a killed server), stop with a WebSocket client connected gives it close
 * 1001 and returns within its bound with the pid file gone, a server killed with SIGKILL does not
 * block the next start, one that outlives the stop bound is killed, a server that cannot start
 * (or not in time) makes start fail with the end of its log and leaves nothing running, and
 * the log lines arrive at the syslog socket at the levels {@code -d} chose. Every command is
 * bounded; every server the test starts is killed at the end if it still runs.
 */
class DaemonIT {
    static final Duration COMMAND = Duration.ofSeconds(90);
    /** The stop bound of bin/lws4j (LWS4J_STOP_TIMEOUT's default) and some room for the JVM to go. */
    static final Duration STOP_BOUND = Duration.ofSeconds(35);
    static final Pattern STARTED = Pattern.compile("started \\(pid (\\d+)\\)");

    DistRun home;
    Path pidFile;
    Syslog syslog;
    final Set<Long> pids = new LinkedHashSet<>();
    boolean failed = true;

    @BeforeEach
    void copy(TestInfo info) throws Exception {
        home = DistRun.copy("daemon-it-" + info.getTestMethod().orElseThrow().getName()).withoutDemo();
        pidFile = home.home.resolve("run/lws4j.pid");
        syslog = new Syslog();
        home.config("daemon-it.json", "{ \"global\": { \"syslog\": \"udp://127.0.0.1:" + syslog.port() + "\" },\n"
                + "  \"vhosts\": [{ \"name\": \"localhost\", \"port\": \"" + home.port + "\", \"interface\": \"127.0.0.1\","
                + " \"mounts\": [], \"ws-protocols\": [{ \"dumb-increment-protocol\": {} }] }] }\n");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            for (long pid : pids) {
                if (running(pid)) {
                    System.out.println("[daemon-it] killing server pid " + pid + " the test left running");
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            for (long pid : pids) {
                awaitGone(pid, Duration.ofSeconds(10));
            }
        } finally {
            syslog.close();
            if (failed) {
                System.out.println("[daemon-it] the daemon's log (" + daemonLog() + "):\n" + Command.tail(Command.read(daemonLog())));
                home.failed("the test failed");
            }
            home.close();
        }
    }

    @Test
    void startStatusStopWithAWebSocketConnected() throws Exception {
        Result start = lws4j(Map.of(), "-d", "15", "start");
        assertEquals(0, start.status, "start failed:\n" + start.out);
        long pid = startedPid(start);
        assertTrue(start.out.contains("listening on: 127.0.0.1:" + home.port), start.out);
        // start returned: the server answers now, not eventually
        assertTrue(httpGet().startsWith("HTTP/1.1 "), "no HTTP answer right after start returned");
        assertEquals(pid, Long.parseLong(Files.readString(pidFile).trim()), "the pid file names another process");
        assertTrue(running(pid), "pid " + pid + " is not running");

        Result again = lws4j(Map.of(), "start");
        assertEquals(1, again.status, again.out);
        assertTrue(again.out.contains("already running (pid " + pid + ";"), again.out);
        Result run = lws4j(Map.of(), "run");
        assertEquals(1, run.status, "run beside a daemon of the same folder must be refused:\n" + run.out);
        assertTrue(run.out.contains("already running (pid " + pid + ";"), run.out);

        Result status = lws4j(Map.of(), "status");
        assertEquals(0, status.status, status.out);
        assertTrue(status.out.contains("running (pid " + pid + "), listening on: 127.0.0.1:" + home.port), status.out);

        // a WebSocket client connected while the server is stopped: it gets 1001
        Ws ws = Ws.open(home.port);
        assertTrue(ws.counts.await(10, TimeUnit.SECONDS), "no dumb-increment count arrived");
        long t0 = System.nanoTime();
        Result stop = lws4j(Map.of(), "stop");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertEquals(0, stop.status, stop.out);
        assertTrue(stop.out.contains("stopped (pid " + pid + ")"), stop.out);
        assertTrue(took.compareTo(STOP_BOUND) < 0, "stop took " + took);
        System.out.println("[daemon-it] stop with a WebSocket connected took " + took.toMillis() + " ms");
        assertEquals(1001, ws.closeCode.get(10, TimeUnit.SECONDS), "the WebSocket client's close code");
        assertFalse(Files.exists(pidFile), "stop left the pid file");
        assertFalse(running(pid), "pid " + pid + " still runs");

        Result after = lws4j(Map.of(), "status");
        assertEquals(3, after.status, after.out);
        assertTrue(after.out.contains("not running"), after.out);
        Result stopAgain = lws4j(Map.of(), "stop");
        assertEquals(0, stopAgain.status, stopAgain.out);

        // -d 15: NOTICE (severity 5) and INFO (6) lines of this server, facility 1 (user)
        List<String> lines = syslog.lines();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<13>1 ") && l.contains(" lws4j " + pid + " - - listening on /127.0.0.1:" + home.port)),
                "no NOTICE 'listening on' line at the syslog socket:\n" + String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<14>1 ") && l.contains(" lws4j " + pid + " - - closed ")),
                "no INFO 'closed' line at the syslog socket with -d 15:\n" + String.join("\n", lines));
        failed = false;
    }

    @Test
    void aKilledServerDoesNotBlockTheNextStart() throws Exception {
        Result start = lws4j(Map.of(), "start");
        assertEquals(0, start.status, start.out);
        long first = startedPid(start);
        assertTrue(httpGet().startsWith("HTTP/1.1 "));

        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        awaitGone(first, Duration.ofSeconds(10));
        assertTrue(Files.exists(pidFile), "the killed server's pid file should still be there for this test");
        Result status = lws4j(Map.of(), "status");
        assertEquals(1, status.status, status.out);
        assertTrue(status.out.contains("not running (pid " + first + " is gone"), status.out);

        Result restart = lws4j(Map.of(), "start");
        assertEquals(0, restart.status, "a stale pid file blocked the start:\n" + restart.out);
        long second = startedPid(restart);
        assertNotEquals(first, second);
        assertTrue(httpGet().startsWith("HTTP/1.1 "));
        assertEquals(0, lws4j(Map.of(), "status").status);
        // a server that does not end in time is killed, and stop says so
        Result stop = lws4j(Map.of("LWS4J_STOP_TIMEOUT", "0"), "stop");
        assertEquals(0, stop.status, stop.out);
        assertTrue(stop.out.contains("pid " + second + " did not stop within 0 s; killing it (SIGKILL)"), stop.out);
        assertFalse(running(second), "pid " + second + " still runs");
        assertFalse(Files.exists(pidFile));

        // the default mask (7): NOTICE lines, no INFO line (each HTTP request above closed a connection)
        List<String> lines = syslog.lines();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<13>1 ") && l.contains(" lws4j " + second + " - - ")),
                "no NOTICE line of pid " + second + " at the syslog socket:\n" + String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("<14>")), "INFO lines with the default mask:\n" + String.join("\n", lines));
        assertFalse(Command.read(daemonLog()).contains("] I: "), "INFO lines in the log with the default mask");
        failed = false;
    }

    /**
     * Class data sharing: the first start records an archive when its JVM exits, the next start
     * maps it (seen in /proc/PID/maps, not only on the command line), and LWS4J_CDS=off starts
     * without one; none of this puts a warning into the log.
     */
    @Test
    void theSecondStartMapsTheClassArchiveTheFirstRecorded() throws Exception {
        Path cds = home.home.resolve("cds");
        if (Files.isDirectory(cds)) { // one copied along with the distribution would be keyed to its path
            for (String f : list(cds)) {
                Files.delete(cds.resolve(f));
            }
        }
        Result first = lws4j(Map.of(), "start");
        assertEquals(0, first.status, first.out);
        long pid1 = startedPid(first);
        assertTrue(cmdline(pid1).contains("-XX:ArchiveClassesAtExit=" + cds + "/lws4j-"), cmdline(pid1));
        assertEquals(0, lws4j(Map.of(), "stop").status);
        List<String> recorded = list(cds);
        assertEquals(1, recorded.size(), "the first run's archive: " + recorded);
        assertTrue(recorded.get(0).matches("lws4j-\\d+\\.jsa\\.\\d+"), recorded.get(0));

        Result second = lws4j(Map.of(), "start");
        assertEquals(0, second.status, second.out);
        long pid2 = startedPid(second);
        List<String> kept = list(cds);
        assertEquals(1, kept.size(), "checked and renamed: " + kept);
        assertTrue(kept.get(0).matches("lws4j-\\d+\\.jsa"), kept.get(0));
        Path jsa = cds.resolve(kept.get(0));
        assertTrue(cmdline(pid2).contains("-XX:SharedArchiveFile=" + jsa), cmdline(pid2));
        assertTrue(Files.readString(Path.of("/proc", Long.toString(pid2), "maps")).contains(jsa.toString()),
                "the JVM did not map " + jsa);
        assertTrue(httpGet().startsWith("HTTP/1.1 "));
        assertEquals(0, lws4j(Map.of(), "stop").status);

        Result off = lws4j(Map.of("LWS4J_CDS", "off"), "start");
        assertEquals(0, off.status, off.out);
        long pid3 = startedPid(off);
        assertFalse(cmdline(pid3).contains("-XX:SharedArchiveFile") || cmdline(pid3).contains("ArchiveClassesAtExit"), cmdline(pid3));
        assertEquals(0, lws4j(Map.of(), "stop").status);
        String log = Command.read(daemonLog());
        assertFalse(log.contains("[warning]") || log.contains("[error]"), "JVM warnings in the log:\n" + log);
        failed = false;
    }

    /**
     * The server's young generation is capped at 16 MiB (so that eden pages touched by handshake
     * garbage do not stay in its RSS; issue 23), as the JVM itself reports it, and a JAVA_OPTS
     * that sizes it replaces the cap rather than being overridden by it.
     */
    @Test
    void theServerHasASmallYoungGenerationUnlessJavaOptsSizeIt() throws Exception {
        Result start = lws4j(Map.of(), "start");
        assertEquals(0, start.status, start.out);
        long pid = startedPid(start);
        assertTrue(cmdline(pid).contains(" -XX:MaxNewSize=16m "), cmdline(pid));
        assertEquals(16L << 20, maxNewSize(pid), "MaxNewSize of the running server");
        assertEquals(0, lws4j(Map.of(), "stop").status);

        Result own = lws4j(Map.of("JAVA_OPTS", "-Xmn32m"), "start");
        assertEquals(0, own.status, own.out);
        long pid2 = startedPid(own);
        assertFalse(cmdline(pid2).contains("MaxNewSize"), cmdline(pid2));
        assertEquals(32L << 20, maxNewSize(pid2), "MaxNewSize of a server started with JAVA_OPTS=-Xmn32m");
        assertTrue(httpGet().startsWith("HTTP/1.1 "));
        assertEquals(0, lws4j(Map.of(), "stop").status);
        failed = false;
    }

    /** The JVM's MaxNewSize of process {@code pid}, from {@code jcmd PID VM.flags} of the JDK running the test. */
    static long maxNewSize(long pid) throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path jcmd = java.resolveSibling("jcmd");
        assertTrue(Files.isExecutable(jcmd), "no jcmd beside " + java + " (a JDK runs the tests)");
        Command.Run r = Command.run(Duration.ofSeconds(30), "", jcmd.toString(), Long.toString(pid), "VM.flags");
        assertEquals(0, r.status(), r.out());
        Matcher m = Pattern.compile("-XX:MaxNewSize=(\\d+)").matcher(r.out());
        assertTrue(m.find(), "no MaxNewSize in VM.flags:\n" + r.out());
        return Long.parseLong(m.group(1));
    }

    /** The command line of process {@code pid}, its arguments separated by spaces. */
    static String cmdline(long pid) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    }

    /** The names in folder {@code dir}, sorted. */
    static List<String> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aStartThatFailsSaysWhy() throws Exception {
        // the JVM dies at once: start fails with the end of the log, and leaves nothing behind
        Result dies = lws4j(Map.of("JAVA_OPTS", "-Xmx1k"), "start");
        assertEquals(1, dies.status, dies.out);
        assertTrue(dies.out.contains("exited while starting"), dies.out);
        assertTrue(dies.out.contains("Too small maximum heap"), "the log's end is not shown:\n" + dies.out);
        assertFalse(Files.exists(pidFile), "a failed start left the pid file");
        assertEquals(3, lws4j(Map.of(), "status").status);

        // not ready in time: start stops what it started
        Result slow = lws4j(Map.of("LWS4J_START_TIMEOUT", "0"), "start");
        assertEquals(1, slow.status, slow.out);
        Matcher m = Pattern.compile("the server \\(pid (\\d+)\\) did not listen within 0 s").matcher(slow.out);
        assertTrue(m.find(), slow.out);
        long pid = Long.parseLong(m.group(1));
        pids.add(pid);
        assertFalse(running(pid), "start left pid " + pid + " running");
        assertFalse(Files.exists(pidFile));

        // and the next start works
        Result start = lws4j(Map.of(), "start");
        assertEquals(0, start.status, start.out);
        startedPid(start);
        assertEquals(0, lws4j(Map.of(), "stop").status);
        failed = false;
    }

    // ---- helpers --------------------------------------------------------------------------------

    record Result(int status, String out) {
    }

    /** Runs bin/lws4j with {@code args}, bounded; its output must close when it exits (a detached daemon keeps none of it). */
    Result lws4j(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = home.lws4j(List.of(args)).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LWS4J_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output lost: " + e + ")";
            }
        });
        if (!p.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("bin/lws4j " + String.join(" ", args) + " did not return within " + COMMAND.toSeconds() + " s");
        }
        String text;
        try {
            text = out.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            fail("bin/lws4j " + String.join(" ", args) + " returned, but something it started still holds its output");
            return null;
        }
        System.out.println("[daemon-it] bin/lws4j " + String.join(" ", args) + " -> " + p.exitValue() + "\n" + text.stripTrailing());
        return new Result(p.exitValue(), text);
    }

    long startedPid(Result start) {
        Matcher m = STARTED.matcher(start.out);
        assertTrue(m.find(), "no pid in: " + start.out);
        long pid = Long.parseLong(m.group(1));
        pids.add(pid);
        return pid;
    }

    Path daemonLog() {
        return home.home.resolve("logs/lws4j.log");
    }

    /** One request on a connection of its own, closed by the server; the status line. */
    String httpGet() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(DistRun.HOST, home.port), 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return all.lines().findFirst().orElse("");
        }
    }

    /**
     * True while {@code pid} runs: some thread of it is not a zombie. A zombie only waits for its
     * parent to reap it (here a container's init may take its time); the main thread of a JVM that
     * got SIGKILL can be one while other threads still exit, holding its descriptors.
     */
    static boolean running(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.anyMatch(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    return state != 'Z' && state != 'X';
                } catch (IOException gone) {
                    return false;
                }
            });
        } catch (IOException gone) {
            return false;
        }
    }

    static void awaitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running(pid)) {
            if (System.nanoTime() > deadline) {
                fail("pid " + pid + " still runs after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    /** A syslog collector: RFC 5424 datagrams on a UDP port of 127.0.0.1. */
    static final class Syslog implements AutoCloseable {
        private final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        Syslog() throws IOException {
            reader = new Thread(() -> {
                byte[] buf = new byte[4096];
                while (!socket.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (IOException closed) {
                        return;
                    }
                    synchronized (lines) {
                        lines.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                    }
                }
            }, "syslog-collector");
            reader.setDaemon(true);
            reader.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            reader.join(5000);
        }
    }

    /** A dumb-increment-protocol client (the JDK's): counts arriving, and the close code it got. */
    static final class Ws implements WebSocket.Listener {
        final CountDownLatch counts = new CountDownLatch(3);
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

        static Ws open(int port) throws Exception {
            Ws l = new Ws();
            HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("dumb-increment-protocol")
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://" + DistRun.HOST + ":" + port + "/"), l)
                    .get(10, TimeUnit.SECONDS);
            return l;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            counts.countDown();
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
