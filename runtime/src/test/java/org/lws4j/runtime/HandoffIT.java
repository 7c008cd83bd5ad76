package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Updates that keep their connections (handoff) on the running distribution: 200 WebSocket
 * clients over dumb-increment, lws-mirror and lws-echo while lws-mirror's bundle is updated 20
 * times in a row through deploy/ and a sender draws into a group the others watch: no client is
 * closed, every watcher gets every message once and in order, no counter restarts, echo round
 * trips go on, also through 3 updates each of dumb-increment and lws-echo that follow; afterwards
 * no class loader of an old revision is left after a full GC. Then, with
 * a test protocol compiled here ({@link ProbeBundle}): one that does not opt in still closes with
 * 1001, a next version that refuses the state closes with 1001, and one that never comes closes
 * with 1001 after the grace period.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HandoffIT {
    private static final int GRACE_MS = 3000;
    private static final int UPDATES = 20;
    private static final int COUNTERS = 50;
    private static final int WATCHERS = 89;
    private static final int QUIET = 20;
    private static final int ECHOES = 40;
    /** Mirror messages the sender may have on the way at once. */
    private static final int WINDOW = 8;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOOK_OVER = "protocol lws-mirror-protocol: its new version took over";

    private static DistRun rt;
    private static Path mirrorJar;
    private static byte[] mirrorBytes;
    private static HttpClient http;
    /** The other two opt-in protocols, updated 3 times each after the mirror (their jars in deploy/). */
    private static final List<String> OTHERS = List.of("dumb-increment", "echo");
    private static final List<String> OTHER_NAMES = List.of("dumb-increment-protocol", "lws-echo");
    private static final List<byte[]> otherBytes = new ArrayList<>();
    private static final List<HandoffClient> all = new ArrayList<>();
    private static final String LOADER = "org.apache.felix.framework.BundleWiringImpl$BundleClassLoader";
    /** Felix bundle class loaders alive (after a full GC) before the updates, after the first, after the 20th. */
    private static long loadersBefore;
    private static long loadersAfterFirst;
    private static long loadersAfterMirror;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        rt = DistRun.copy("handoff").withoutDemo();
        Path props = rt.home.resolve("conf/config.properties");
        String p = Files.readString(props).replaceAll("(?m)^felix.fileinstall.poll=.*$", "felix.fileinstall.poll=100");
        assertTrue(p.contains("felix.fileinstall.poll=100"), "could not set FileInstall's poll interval");
        Files.writeString(props, p);
        mirrorBytes = Files.readAllBytes(rt.bundleJar("org.lws4j.protocol-mirror-"));
        mirrorJar = rt.toDeploy("org.lws4j.protocol-mirror-", "protocol-mirror.jar");
        for (String b : OTHERS) {
            otherBytes.add(Files.readAllBytes(rt.bundleJar("org.lws4j.protocol-" + b + "-")));
            rt.toDeploy("org.lws4j.protocol-" + b + "-", "protocol-" + b + ".jar");
        }
        rt.config("handoff-it.json", "{ \"global\": { \"count-threads\": \"2\", \"handoff-grace-ms\": \"" + GRACE_MS + "\" },\n"
                + "  \"vhosts\": [ { \"name\": \"" + rt.name + "\", \"port\": \"" + rt.port + "\", \"interface\": \"" + DistRun.HOST + "\",\n"
                + "    \"ws-protocols\": [ { \"dumb-increment-protocol\": {}, \"lws-mirror-protocol\": {}, \"lws-echo\": {},"
                + " \"" + ProbeBundle.NAME + "\": {} } ] } ] }\n");
        rt.javaOpts = "-Xmx512m";
        rt.start();
        for (String name : List.of("dumb-increment-protocol", "lws-mirror-protocol", "lws-echo")) { // from deploy/
            rt.awaitLog("protocol " + name + " bound", DistRun.BOOT_TIMEOUT);
        }
        rt.awaitListening(rt.port, DistRun.BOOT_TIMEOUT);
        http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
    }

    @AfterAll
    static void stop() {
        all.forEach(HandoffClient::abort);
    }

    private static HandoffClient open(String path, String protocol, String name,
                                      java.util.function.BiConsumer<HandoffClient, String> onText) throws Exception {
        HandoffClient c = HandoffClient.open(http, rt.port, path, protocol, name, onText);
        all.add(c);
        return c;
    }

    @Test
    @Order(1)
    void twentyMirrorUpdatesUnderTrafficCloseNothingLoseNothingRestartNothing() throws Exception {
        loadersBefore = histCount(jcmd("GC.class_histogram"), LOADER);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        List<HandoffClient> counters = new ArrayList<>();
        for (int i = 0; i < COUNTERS; i++) {
            int[] last = {-1};
            counters.add(open("/", "dumb-increment-protocol", "counter-" + i, (c, t) -> {
                int n = Integer.parseInt(t);
                if (n != last[0] + 1) {
                    problems.add(c + ": " + n + " after " + last[0]);
                }
                last[0] = n;
            }));
        }
        Semaphore window = new Semaphore(WINDOW);
        HandoffClient sender = open("/?mirror=draw", "lws-mirror-protocol", "sender", (c, t) -> window.release());
        List<HandoffClient> watchers = new ArrayList<>();
        for (int i = 0; i < WATCHERS; i++) {
            watchers.add(open("/?mirror=draw", "lws-mirror-protocol", "watcher-" + i, null));
        }
        List<HandoffClient> quiet = new ArrayList<>();
        for (int i = 0; i < QUIET; i++) {
            quiet.add(open("/?mirror=quiet", "lws-mirror-protocol", "quiet-" + i, null));
        }
        ExecutorService echoDriver = Executors.newSingleThreadExecutor(r -> new Thread(r, "it-echo-driver"));
        AtomicInteger roundTrips = new AtomicInteger();
        List<HandoffClient> echoes = new ArrayList<>();
        java.util.concurrent.atomic.AtomicIntegerArray asked = new java.util.concurrent.atomic.AtomicIntegerArray(ECHOES);
        for (int i = 0; i < ECHOES; i++) {
            int me = i;
            echoes.add(open("/", "lws-echo", "echo-" + i, (c, t) -> {
                if (!t.equals("e" + me + ":" + asked.get(me))) {
                    problems.add(c + ": echo " + t + ", asked e" + me + ":" + asked.get(me));
                }
                roundTrips.incrementAndGet();
                try {
                    echoDriver.execute(() -> echoNext(c, me, asked, problems));
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    // the round trips are over
                }
            }));
        }
        echoes.forEach(c -> echoDriver.execute(() -> echoNext(c, echoes.indexOf(c), asked, problems)));
        assertEquals(200, COUNTERS + 1 + WATCHERS + QUIET + ECHOES);

        AtomicInteger sent = new AtomicInteger();
        Thread draw = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        sender.send("seq " + sent.get() + " d #ff0000 1 2 3 4;");
                        sent.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                problems.add("sender: " + e);
            }
        }, "it-mirror-sender");
        draw.start();
        try {
            for (int u = 1; u <= UPDATES; u++) {
                awaitProgress(sender, 50, problems);
                int updates = u;
                Path staged = rt.home.resolve("protocol-mirror.jar.tmp");
                Files.write(staged, revision(mirrorBytes, u));
                Files.move(staged, mirrorJar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                rt.await("update " + u + " of the mirror bundle handed its connections over", WAIT,
                        () -> count(rt.logText(), TOOK_OVER) >= updates ? Optional.of(true) : Optional.empty());
                if (u == 1) {
                    loadersAfterFirst = loadersSettled();
                }
            }
            // an old revision's loader left alive would add one per update
            loadersAfterMirror = loadersSettled();
            awaitProgress(sender, 50, problems);
            // the counters and the echo clients through updates of their own protocols
            for (int u = 1; u <= 3; u++) {
                for (int i = 0; i < OTHERS.size(); i++) {
                    String tookOver = "protocol " + OTHER_NAMES.get(i) + ": its new version took over";
                    int updates = u;
                    int trips = roundTrips.get();
                    rt.await("echo round trips", WAIT, () -> roundTrips.get() >= trips + 2 * ECHOES ? Optional.of(true) : Optional.empty());
                    Path staged = rt.home.resolve("other.jar.tmp");
                    Files.write(staged, revision(otherBytes.get(i), u));
                    Files.move(staged, rt.home.resolve("deploy/protocol-" + OTHERS.get(i) + ".jar"),
                            StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    rt.await("update " + u + " of " + OTHERS.get(i), WAIT,
                            () -> count(rt.logText(), tookOver) >= updates ? Optional.of(true) : Optional.empty());
                }
            }
            int trips = roundTrips.get();
            rt.await("echo round trips after the updates", WAIT,
                    () -> roundTrips.get() >= trips + 2 * ECHOES ? Optional.of(true) : Optional.empty());
        } finally {
            draw.interrupt();
            draw.join(15_000);
        }
        assertFalse(draw.isAlive(), "the sender did not stop");
        int total = sent.get();
        List<HandoffClient> draws = new ArrayList<>(watchers);
        draws.add(sender);
        rt.await("every watcher to get all " + total + " messages", WAIT, () -> {
            for (HandoffClient w : draws) {
                if (w.count() < total) {
                    return Optional.empty();
                }
            }
            return Optional.of(true);
        });
        echoDriver.shutdown();
        int tripsAfter = roundTrips.get();

        // every connection open still, nothing lost, nothing twice, nothing restarted
        for (HandoffClient c : all) {
            assertFalse(c.isClosed(), c + " was closed during the updates: " + c.closed);
        }
        for (HandoffClient w : draws) {
            List<String> got = w.texts();
            assertEquals(total, got.size(), w + ": messages heard");
            for (int i = 0; i < total; i++) {
                if (!got.get(i).startsWith("seq " + i + " ")) {
                    fail(w + ": message " + i + " is \"" + got.get(i) + "\"");
                }
            }
        }
        for (HandoffClient q : quiet) {
            assertEquals(0, q.count(), q + " (another group) heard the drawing");
        }
        assertTrue(problems.isEmpty(), problems.size() + " problems, first: " + problems.stream().limit(10).toList());
        for (HandoffClient c : counters) {
            assertTrue(c.count() > 10, c + " counted only " + c.count());
        }
        assertTrue(tripsAfter > 10 * ECHOES, "echo round trips: " + tripsAfter);
        String log = rt.logText();
        System.out.println("[handoff] " + UPDATES + " updates, " + total + " mirror messages to " + draws.size()
                + " clients, " + tripsAfter + " echo round trips, 0 closes; handed over per update: "
                + tookOver(log));
        assertFalse(log.contains("parked connection(s) closed"), "parked connections were closed");
    }

    private static void echoNext(HandoffClient c, int me, java.util.concurrent.atomic.AtomicIntegerArray asked,
                                 ConcurrentLinkedQueue<String> problems) {
        try {
            c.send("e" + me + ":" + asked.incrementAndGet(me));
        } catch (Exception e) {
            if (!c.isClosed()) {
                problems.add(c + ": echo send failed: " + e);
            }
        }
    }

    /** Waits until {@code c} has heard {@code more} messages more than now. */
    private static void awaitProgress(HandoffClient c, int more, ConcurrentLinkedQueue<String> problems) throws Exception {
        int target = c.count() + more;
        rt.await(c + " to hear " + more + " more messages (problems: " + problems.size() + ")", WAIT,
                () -> c.count() >= target ? Optional.of(true) : Optional.empty());
    }

    @Test
    @Order(2)
    void noClassLoaderOfAnOldRevisionIsLeftAfterAFullGc() throws Exception {
        long[] last = new long[3];
        long from = System.nanoTime();
        // an old revision is released once nothing uses it any more (Felix, on FileInstall's refresh):
        // right after a burst of updates some may still be held; what counts is that all go
        rt.await("no old bundle revision alive after a full GC", WAIT, () -> {
            String hist = jcmd("GC.class_histogram"); // a full GC first
            last[0] = histCount(hist, LOADER);
            last[1] = histCount(hist, "org.apache.felix.framework.BundleRevisionImpl");
            last[2] = histCount(hist, "org.apache.felix.framework.BundleImpl");
            return last[1] > 0 && last[1] == last[2] && last[0] <= loadersAfterFirst ? Optional.of(true) : Optional.empty();
        });
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
        System.out.println("[handoff] bundle class loaders alive after a full GC: " + loadersBefore + " before the updates, "
                + loadersAfterFirst + " after the first mirror update, " + loadersAfterMirror + " after the " + UPDATES + "th, "
                + last[0] + " after 6 more of the other two; at the end " + last[1] + " revisions for " + last[2]
                + " bundles (old revisions alive: " + (last[1] - last[2]) + "), " + waited + " ms after the test's start");
        assertEquals(last[2], last[1], "bundle revisions alive beyond one per bundle");
        assertEquals(loadersAfterFirst, loadersAfterMirror, "bundle class loaders after the first and the "
                + UPDATES + "th mirror update: one more per update is an old revision's");
    }

    @Test
    @Order(3)
    void withoutOptInARefusalOrANextVersionTheConnectionsCloseWith1001() throws Exception {
        ProbeBundle probe = ProbeBundle.compile(rt.home.resolve("probe-work"));
        Path deployed = rt.home.resolve("deploy/handoff-probe.jar");
        String bound = "protocol " + ProbeBundle.NAME + " bound";

        // a protocol that does not opt in: an update closes with 1001 at once
        deployProbe(probe.jar("plain", 1), deployed);
        rt.await("the probe bound", WAIT, () -> count(rt.logText(), bound) >= 1 ? Optional.of(true) : Optional.empty());
        HandoffClient plain = open("/", ProbeBundle.NAME, "probe-plain", null);
        assertEquals("plain:1", roundTrip(plain, "a"));
        long t0 = System.nanoTime();
        deployProbe(probe.jar("plain", 2), deployed);
        assertEquals(1001, plain.closed.get(30, TimeUnit.SECONDS), "close code without opt-in");
        assertTrue(ms(t0, plain.closedNanos) < GRACE_MS, "closed at once, not after the grace: " + ms(t0, plain.closedNanos));
        rt.await("the probe bound again", WAIT, () -> count(rt.logText(), bound) >= 2 ? Optional.of(true) : Optional.empty());

        // a next version that refuses the state: 1001, and the log says why
        deployProbe(probe.jar("keep", 3), deployed);
        rt.await("the keeping probe bound", WAIT, () -> count(rt.logText(), bound) >= 3 ? Optional.of(true) : Optional.empty());
        HandoffClient kept = open("/", ProbeBundle.NAME, "probe-keep", null);
        assertEquals("keep:1", roundTrip(kept, "a"));
        deployProbe(probe.jar("keep", 4), deployed);
        rt.await("the probe's next version bound", WAIT, () -> count(rt.logText(), bound) >= 4 ? Optional.of(true) : Optional.empty());
        assertEquals("keep:2", roundTrip(kept, "b"), "kept over an update, its count with it");
        deployProbe(probe.jar("refuse", 5), deployed);
        assertEquals(1001, kept.closed.get(30, TimeUnit.SECONDS), "close code when the next version refuses the state");
        rt.awaitLog("its new version refused the state of the old one", WAIT);
        rt.await("the refusing probe bound", WAIT, () -> count(rt.logText(), bound) >= 5 ? Optional.of(true) : Optional.empty());

        // no next version within the grace period: 1001 after it
        HandoffClient orphan = open("/", ProbeBundle.NAME, "probe-orphan", null);
        assertEquals("refuse:1", roundTrip(orphan, "a"));
        long gone = System.nanoTime();
        Files.delete(deployed);
        assertEquals(1001, orphan.closed.get(30, TimeUnit.SECONDS), "close code when no next version comes");
        long after = ms(gone, orphan.closedNanos);
        assertTrue(after >= GRACE_MS, "closed after the grace period (" + GRACE_MS + " ms), not " + after + " ms");
        rt.awaitLog("no new version came within " + GRACE_MS + " ms", WAIT);
        System.out.println("[handoff] probe: no opt-in closed " + ms(t0, plain.closedNanos) + " ms after the update; "
                + "no next version closed " + after + " ms after the bundle's removal (grace " + GRACE_MS + " ms)");
    }

    private static void deployProbe(byte[] jar, Path deployed) throws IOException {
        Path staged = rt.home.resolve("handoff-probe.jar.tmp");
        Files.write(staged, jar);
        Files.move(staged, deployed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String roundTrip(HandoffClient c, String text) throws Exception {
        int before = c.count();
        c.send(text);
        return rt.await(c + " to answer", WAIT, () -> c.count() > before ? Optional.of(c.texts().get(before)) : Optional.empty());
    }

    private static long ms(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    /** The bundle {@code jar} with one more entry, so it differs from every other revision. */
    static byte[] revision(byte[] jar, int n) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(jar.length + 512);
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(jar)); ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                z.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(z);
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry("META-INF/lws4j-handoff-revision.txt"));
            z.write(("revision " + n + "\n").getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return out.toByteArray();
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    private static List<String> tookOver(String log) {
        List<String> l = new ArrayList<>();
        Matcher m = Pattern.compile(Pattern.quote(TOOK_OVER) + " (\\d+) parked connection\\(s\\) after (\\d+) ms").matcher(log);
        while (m.find()) {
            l.add(m.group(1) + " in " + m.group(2) + " ms");
        }
        return l;
    }

    /**
     * The bundle class loaders alive after a full GC, once Felix has let go of the old revision
     * (on FileInstall's refresh, a moment after the handoff: measured before that, the count would
     * depend on the race and not on what the update left behind).
     */
    private static long loadersSettled() throws Exception {
        long[] loaders = new long[1];
        rt.await("the old revision released after the update", WAIT, () -> {
            String hist = jcmd("GC.class_histogram"); // a full GC first
            loaders[0] = histCount(hist, LOADER);
            long revisions = histCount(hist, "org.apache.felix.framework.BundleRevisionImpl");
            return revisions > 0 && revisions == histCount(hist, "org.apache.felix.framework.BundleImpl")
                    ? Optional.of(true) : Optional.empty();
        });
        return loaders[0];
    }

    private static String jcmd(String what) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(rt.pid()), what).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "jcmd " + what + " did not end");
        return new String(out, StandardCharsets.UTF_8);
    }

    private static long histCount(String hist, String cls) {
        Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(cls) + "\\s*$").matcher(hist);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
