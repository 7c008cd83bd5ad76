package org.lws4j.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TestRule;
import org.junit.runner.RunWith;
import org.lws4j.itests.support.Bundles;
import org.lws4j.itests.support.CoreLog;
import org.lws4j.itests.support.Http;
import org.lws4j.itests.support.Setup;
import org.lws4j.itests.support.Site;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The hot-plug contract for a CALLBACK mount: with no {@code test-greeting} protocol bound,
 * {@code /greet} answers 503 with Retry-After; a protocol bundle that starts is used by the next
 * request; one that stops, is updated or is uninstalled makes it 503 again; the static mount next
 * to it notices nothing, not even under load during an update.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HotPlugIT {
    /** How long a newly registered protocol may take to be served. */
    private static final Duration BIND_WAIT = Duration.ofSeconds(10);

    @Inject
    private BundleContext context;

    /** Bundle states on failure; fails a test during which the core logged an error. */
    @Rule
    public final TestRule rules = RuleChain.outerRule(Bundles.reportOnFailure(() -> context))
            .around(new CoreLog(() -> context));

    private int port;
    private Bundle greeting;

    @Configuration
    public Option[] config() {
        return Setup.options();
    }

    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        return Setup.probe(probe);
    }

    @Before
    public void serverIsUp() throws Exception {
        port = Integer.parseInt(context.getProperty(Site.PORT));
        Http.awaitListening(port, Http.STARTUP_WAIT);
    }

    @After
    public void removeGreeting() throws Exception {
        if (greeting != null && greeting.getState() != Bundle.UNINSTALLED) {
            greeting.uninstall();
        }
    }

    @Test
    public void unboundCallbackMountAnswers503WithRetryAfter() throws Exception {
        assertUnbound("before any greeting bundle", Http.fetch(port, "GET", Site.GREET_PATH));
        // the rest of the server is fine
        assertStaticIndexServed();
    }

    @Test
    public void protocolAppearsGoesAwayAndComesBack() throws Exception {
        assertUnbound("before install", Http.fetch(port, "GET", Site.GREET_PATH));

        greeting = install(Site.GREETING_V1);
        greeting.start();
        awaitGreeting("hello from v1", "after starting the v1 bundle");
        assertGreetingOnKeepAlive("hello from v1");

        greeting.stop();
        // unbinding completes before the service unregistration returns (DESIGN, hot-plug contract)
        assertUnbound("first request after Bundle.stop() returned", Http.fetch(port, "GET", Site.GREET_PATH));
        assertStaticIndexServed();

        greeting.start();
        awaitGreeting("hello from v1", "after starting the v1 bundle again");

        greeting.uninstall();
        assertUnbound("first request after Bundle.uninstall() returned", Http.fetch(port, "GET", Site.GREET_PATH));
        assertStaticIndexServed();
    }

    @Test
    public void updateUnderStaticLoadLosesNoStaticRequest() throws Exception {
        assertUnbound("before install", Http.fetch(port, "GET", Site.GREET_PATH));
        greeting = install(Site.GREETING_V1);
        greeting.start();
        awaitGreeting("hello from v1", "after starting the v1 bundle");
        greeting.stop();
        assertUnbound("first request after Bundle.stop() returned", Http.fetch(port, "GET", Site.GREET_PATH));
        greeting.start();
        awaitGreeting("hello from v1", "after starting the v1 bundle again");

        StaticLoad load = new StaticLoad(port);
        Thread loader = new Thread(load, "itest-static-load");
        loader.setDaemon(true);
        loader.start();
        int beforeUpdate;
        int whileUpdating;
        long updateMillis;
        try {
            load.awaitDone(5, Duration.ofSeconds(15));
            beforeUpdate = load.done.get();
            long started = System.nanoTime();
            try (InputStream v2 = Files.newInputStream(Paths.get(context.getProperty(Site.GREETING_V2)))) {
                greeting.update(v2);
            }
            updateMillis = (System.nanoTime() - started) / 1_000_000;
            whileUpdating = load.done.get() - beforeUpdate;
            assertEquals("greeting bundle after update", "ACTIVE", Bundles.state(greeting.getState()));
            awaitGreeting("hello from v2", "after updating to the v2 jar");
            // keep the load on after the update too: 10 more requests, and more than 20 in all
            load.awaitDone(Math.max(21, load.done.get() + 10), Duration.ofSeconds(30));
        } finally {
            load.stop = true;
            loader.join(Duration.ofSeconds(20).toMillis());
        }
        assertFalse("static load thread did not stop", loader.isAlive());
        System.out.println("HotPlugIT static load: " + load.done.get() + " requests of " + Site.BIG_SIZE
                + " bytes (" + beforeUpdate + " before Bundle.update, " + whileUpdating + " completed during its "
                + updateMillis + " ms), " + load.failures.size() + " failed");
        List<String> failures = new ArrayList<>(load.failures);
        assertTrue(failures.size() + " of " + load.done.get() + " static requests failed during the update, first: "
                + failures.subList(0, Math.min(5, failures.size())), failures.isEmpty());
        assertTrue("only " + load.done.get() + " static requests done", load.done.get() > 20);
        assertGreetingOnKeepAlive("hello from v2");

        greeting.uninstall();
        assertUnbound("first request after Bundle.uninstall() returned", Http.fetch(port, "GET", Site.GREET_PATH));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private Bundle install(String jarProperty) throws Exception {
        try (InputStream in = Files.newInputStream(Paths.get(context.getProperty(jarProperty)))) {
            return context.getBundle(0).getBundleContext().installBundle("itest:greeting", in);
        }
    }

    private static void assertUnbound(String when, Http.Response r) {
        assertEquals(when + ": /greet with no protocol bound must answer 503, got " + r, 503, r.status());
        String retryAfter = r.header("retry-after");
        assertNotNull(when + ": 503 without Retry-After: " + r, retryAfter);
        assertFalse(when + ": empty Retry-After", retryAfter.isBlank());
    }

    private void assertStaticIndexServed() throws IOException {
        Http.Response r = Http.fetch(port, "GET", "/");
        assertEquals("GET / while hot-plugging: " + r, 200, r.status());
        assertArrayEquals(Site.index(), r.body());
    }

    /** Two greetings and a static file on one keep-alive connection: the callback mount keeps it alive. */
    private void assertGreetingOnKeepAlive(String expected) throws IOException {
        try (Http.Raw raw = Http.Raw.open(port)) {
            String step = "";
            try {
                for (int i = 1; i <= 2; i++) {
                    step = "greeting #" + i + " on one keep-alive connection";
                    Http.Response r = raw.request("GET", Site.GREET_PATH);
                    assertEquals(step + ": " + r, 200, r.status());
                    assertEquals(step, expected, r.bodyText());
                }
                step = "GET / after two greetings on the same keep-alive connection";
                Http.Response r = raw.request("GET", "/");
                assertEquals(step + ": " + r, 200, r.status());
                assertArrayEquals(Site.index(), r.body());
            } catch (IOException e) {
                throw new AssertionError(step + " failed: " + e);
            }
        }
    }

    /** Polls {@code /greet} (new connection each time) until it answers {@code expected}. */
    private void awaitGreeting(String expected, String when) throws InterruptedException {
        long deadline = System.nanoTime() + BIND_WAIT.toNanos();
        String last = "no answer yet";
        while (true) {
            try {
                Http.Response r = Http.fetch(port, "GET", Site.GREET_PATH);
                if (r.status() == 200 && expected.equals(r.bodyText())) {
                    String type = r.header("content-type");
                    assertTrue("Content-Type of the greeting is " + type, type != null && type.startsWith("text/plain"));
                    return;
                }
                last = r.toString();
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(when + ": /greet did not answer '" + expected + "' within "
                        + BIND_WAIT.toSeconds() + " s; last answer: " + last + "\n" + Bundles.report(context));
            }
            Thread.sleep(100);
        }
    }

    /**
     * Fetches the 200 KiB file in a loop until stopped, in turn through the JDK client (pooled
     * keep-alive), on a new connection per request, and on one raw keep-alive connection reused
     * for several requests. Counts what completed; every response must be 200 with the exact bytes.
     */
    private static final class StaticLoad implements Runnable {
        final AtomicInteger done = new AtomicInteger();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        volatile boolean stop;
        private final int port;
        private final byte[] expected = Site.big();
        private final String path = "/" + Site.BIG_NAME;

        StaticLoad(int port) {
            this.port = port;
        }

        @Override
        public void run() {
            HttpClient client = Http.client();
            Http.Raw keepAlive = null;
            int usesOfKeepAlive = 0;
            for (int i = 0; !stop; i++) {
                String how = i % 3 == 0 ? "jdk-client" : i % 3 == 1 ? "new-connection" : "raw-keep-alive";
                try {
                    switch (i % 3) {
                        case 0: {
                            HttpResponse<byte[]> r = Http.get(client, port, path);
                            check(how, r.statusCode(), r.body(), r.headers().toString());
                            break;
                        }
                        case 1: {
                            Http.Response r = Http.fetch(port, "GET", path);
                            check(how, r.status(), r.body(), r.toString());
                            break;
                        }
                        default: {
                            if (keepAlive == null || usesOfKeepAlive >= 5) {
                                if (keepAlive != null) {
                                    keepAlive.close();
                                }
                                keepAlive = Http.Raw.open(port);
                                usesOfKeepAlive = 0;
                            }
                            Http.Response r = keepAlive.request("GET", path);
                            usesOfKeepAlive++;
                            check(how + "#" + usesOfKeepAlive, r.status(), r.body(), r.toString());
                            if ("close".equalsIgnoreCase(String.valueOf(r.header("connection")))) {
                                keepAlive.close();
                                keepAlive = null;
                            }
                        }
                    }
                } catch (Exception e) {
                    failures.add("request " + i + " (" + how + "): " + e);
                    if (i % 3 == 2 && keepAlive != null) {
                        try {
                            keepAlive.close();
                        } catch (IOException ignored) {
                            // already broken
                        }
                        keepAlive = null;
                    }
                } finally {
                    done.incrementAndGet();
                }
                if (failures.size() > 50) {
                    break; // enough evidence; don't spin on a dead server
                }
            }
            if (keepAlive != null) {
                try {
                    keepAlive.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }

        private void check(String how, int status, byte[] body, String what) {
            if (status != 200) {
                failures.add(how + ": status " + status + " " + what);
            } else if (!Arrays.equals(expected, body)) {
                failures.add(how + ": body of " + body.length + " bytes differs from the file");
            }
        }

        void awaitDone(int count, Duration max) throws InterruptedException {
            long deadline = System.nanoTime() + max.toNanos();
            while (done.get() < count && !stop) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("static load did only " + done.get() + " of " + count + " requests in "
                            + max.toSeconds() + " s; failures: " + failures);
                }
                if (failures.size() > 50) {
                    throw new AssertionError("static load keeps failing: " + failures.peek());
                }
                Thread.sleep(20);
            }
        }
    }
}
