package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.lws4j.runtime.jakarta.EchoLoop;
import org.lws4j.runtime.jakarta.EndpointBundles;

/**
 * The Jakarta whiteboard in the real runtime, endpoints dropped into deploy/ as plain bundles
 * with an {@code @ServerEndpoint}: under load (a client per endpoint sending all the time, and one
 * on the lws-echo protocol), endpoint A's bundle is updated 50 times: A's client gets 1001 each
 * time and reconnects to the new revision; B's and lws-echo's clients see no error at all; after
 * a full GC the runtime holds no more bundle class loaders than before (no old revision of A is
 * left). Then two services on one path: the higher ranking serves, the other is reported and
 * takes over when the first goes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JakartaHotPlugIT {
    private static final int UPDATES = 50;
    private static final Duration CHANGE = Duration.ofSeconds(30);
    private static DistRun rt;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        rt = DistRun.copy("jakarta-hotplug").withoutDemo();
        // FileInstall looks at deploy/ every 100 ms instead of every second: 50 updates in less time
        Path props = rt.home.resolve("conf/config.properties");
        Files.writeString(props, Files.readString(props).replace("felix.fileinstall.poll=1000", "felix.fileinstall.poll=100"));
        rt.config("hot.json", "{ \"vhosts\": [ { \"name\": \"hot\", \"port\": \"" + rt.port
                + "\", \"interface\": \"127.0.0.1\", \"mounts\": [], \"ws-protocols\": [ { \"lws-echo\": { \"default\": \"1\" } } ] } ] }\n");
        EndpointBundles.write(deploy("hot-a.jar"), "hot.a", "1.0.0", "/a", null);
        EndpointBundles.write(deploy("hot-b.jar"), "hot.b", "1.0.0", "/b", null);
        rt.start();
        rt.awaitListening(rt.port, DistRun.BOOT_TIMEOUT);
        rt.awaitLog("Jakarta endpoint /a (service", DistRun.BOOT_TIMEOUT);
        rt.awaitLog("Jakarta endpoint /b (service", DistRun.BOOT_TIMEOUT);
    }

    private static Path deploy(String name) {
        return rt.home.resolve("deploy").resolve(name);
    }

    private static URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + rt.port + path);
    }

    /**
     * What the Jakarta clients ask for: no endpoint wants it, but with it a handshake no endpoint
     * takes (A between two revisions) is refused (400), instead of reaching the vhost's default
     * protocol, lws-echo.
     */
    private static final String NOBODY = "jakarta-test";

    @Test
    @Order(1)
    void updatingAUnderLoadDisturbsNobodyElseAndLeavesNoOldRevision() throws Exception {
        long loadersBefore;
        try (EchoLoop a = new EchoLoop(uri("/a"), NOBODY); EchoLoop b = new EchoLoop(uri("/b"), NOBODY);
             EchoLoop lws = new EchoLoop(uri("/"), "lws-echo")) {
            awaitAnswer(a, "hot.a@1.0.0:");
            awaitAnswer(b, "hot.b@1.0.0:");
            loadersBefore = bundleLoaders();
            for (int i = 1; i <= UPDATES; i++) {
                EndpointBundles.write(deploy("hot-a.jar"), "hot.a", "1.0." + i, "/a", null);
                awaitAnswer(a, "hot.a@1.0." + i + ":");
            }
            long bBefore = b.roundTripsNow();
            long lwsBefore = lws.roundTripsNow();
            awaitMore(b, bBefore);
            awaitMore(lws, lwsBefore);
            a.close();
            b.close();
            lws.close();
            assertEquals(List.of(), a.errorsNow(), "A's client saw only closes, no wrong answers");
            assertEquals(UPDATES, a.closeCodesNow().size(), "A's client was closed once per update: " + a.closeCodesNow());
            assertTrue(a.closeCodesNow().stream().allMatch(c -> c == 1001), "each with 1001: " + a.closeCodesNow());
            assertEquals(List.of(), b.errorsNow(), "B's client never noticed");
            assertEquals(List.of(), b.closeCodesNow(), "B was never closed");
            assertEquals(List.of(), lws.errorsNow(), "the lws-echo client never noticed");
            assertEquals(List.of(), lws.closeCodesNow(), "lws-echo was never closed");
            assertTrue(b.roundTripsNow() > UPDATES && lws.roundTripsNow() > UPDATES,
                    "B and lws-echo kept going: " + b.roundTripsNow() + ", " + lws.roundTripsNow());
            System.out.printf("[jakarta-hotplug] %d updates of A: A %d round trips, %d closes (all 1001), %d refused"
                    + " handshakes while away; B %d round trips, 0 errors; lws-echo %d round trips, 0 errors%n", UPDATES,
                    a.roundTripsNow(), a.closeCodesNow().size(), a.reconnectsNow(), b.roundTripsNow(), lws.roundTripsNow());
        }
        // every old connection of A has finished its close handshake once its client is gone
        long after = rt.await("the old revisions of A to be collected", CHANGE, () -> {
            long n = bundleLoaders();
            return n <= loadersBefore ? Optional.of(n) : Optional.empty();
        });
        assertTrue(after <= loadersBefore, after + " bundle class loaders after a full GC, " + loadersBefore + " before");
        System.out.printf("[jakarta-hotplug] Felix bundle class loaders after a full GC: %d before the updates, %d after%n",
                loadersBefore, after);
    }

    @Test
    @Order(2)
    void theHigherRankingServesAndTheOtherTakesOver() throws Exception {
        EndpointBundles.write(deploy("same-low.jar"), "same.low", "1.0.0", "/same", 0);
        rt.awaitLog("Jakarta endpoint /same (service", CHANGE);
        EndpointBundles.write(deploy("same-high.jar"), "same.high", "1.0.0", "/same", 10);
        rt.awaitLog("shadows /same", CHANGE);
        try (EchoLoop c = new EchoLoop(uri("/same"), NOBODY)) {
            awaitAnswer(c, "same.high@1.0.0:");
            Files.delete(deploy("same-high.jar"));
            awaitAnswer(c, "same.low@1.0.0:");
            assertEquals(List.of(1001), c.closeCodesNow(), "the winner's going closed its session with 1001");
        }
        assertTrue(rt.logText().contains("takes over"), "the take-over is reported");
    }

    /** Waits until the loop's last answer starts with {@code prefix}. */
    private static void awaitAnswer(EchoLoop loop, String prefix) throws Exception {
        loop.awaitAnswer(prefix, CHANGE);
    }

    private static void awaitMore(EchoLoop loop, long than) throws Exception {
        loop.awaitRoundTrips(than, CHANGE);
    }

    /** Felix bundle class loaders alive after a full GC (jcmd, from the JDK that runs the tests). */
    private static long bundleLoaders() throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Command.run(Duration.ofSeconds(60), null, jcmd, Long.toString(rt.pid()), "GC.run");
        String histo = Command.run(Duration.ofSeconds(60), null, jcmd, Long.toString(rt.pid()), "GC.class_histogram").out();
        for (String line : histo.split("\n")) {
            if (line.trim().endsWith("BundleWiringImpl$BundleClassLoader")) {
                return Long.parseLong(line.trim().split("\\s+")[1]);
            }
        }
        throw new AssertionError("no Felix bundle class loader in the class histogram:\n" + histo);
    }
}
