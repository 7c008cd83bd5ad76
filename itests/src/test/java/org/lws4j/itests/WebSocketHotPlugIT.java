package org.lws4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.lws4j.itests.support.WsClients.assertAllOpen;
import static org.lws4j.itests.support.WsClients.bundleNamed;
import static org.lws4j.itests.support.WsClients.clip;
import static org.lws4j.itests.support.WsClients.number;

import java.io.FileInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TestRule;
import org.junit.runner.RunWith;
import org.lws4j.itests.support.Bundles;
import org.lws4j.itests.support.CoreCheck;
import org.lws4j.itests.support.CoreLog;
import org.lws4j.itests.support.Http;
import org.lws4j.itests.support.Setup;
import org.lws4j.itests.support.Site;
import org.lws4j.itests.support.Ws;
import org.lws4j.itests.support.WsClients;
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
 * The hot-plug contract under live clients, with the three demo protocol bundles and the JDK's
 * WebSocket client: updating the mirror bundle while a sender and an echo loop run closes the
 * mirror connections with 1001 "going away" (what they heard before is a whole, ordered prefix of
 * what was sent), stopping echo closes only its own, and the dumb-increment counters run on
 * throughout, never silent for more than {@link #MAX_GAP}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class WebSocketHotPlugIT {
    /** How long a protocol may take to be bound (at start-up, after a bundle update or start). */
    private static final Duration BIND_WAIT = Duration.ofSeconds(10);
    /** The longest silence a dumb-increment client (20 messages a second) may see while others are hot-plugged. */
    private static final Duration MAX_GAP = Duration.ofSeconds(1);

    @Inject
    private BundleContext context;

    /** Bundle states on failure; fails a test during which the core logged an error. */
    @Rule
    public final TestRule rules = RuleChain.outerRule(Bundles.reportOnFailure(() -> context))
            .around(new CoreLog(() -> context));

    /** Every client a test opened, closed (bounded) after it. */
    private WsClients clients;

    @Configuration
    public Option[] config() {
        return Setup.webSocketOptions();
    }

    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        return Setup.probe(probe);
    }

    @Before
    public void serverIsUp() throws Exception {
        int port = Integer.parseInt(context.getProperty(Site.PORT));
        Http.awaitListening(port, Http.STARTUP_WAIT);
        CoreCheck.awaitBound(context, BIND_WAIT, Site.WS_PROTOCOLS);
        clients = new WsClients("WebSocketHotPlugIT", context, Http.client(), port, BIND_WAIT);
    }

    @After
    public void closeClients() {
        clients.closeAll();
    }

    @Test
    public void updatingMirrorAndStoppingEchoTouchOnlyTheirOwnConnections() throws Exception {
        List<Ws.Client> counters = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            counters.add(open("/", "dumb-increment-" + i, Site.DUMB_INCREMENT));
        }
        String[] groups = {"hp-x", "hp-x", "hp-y", "hp-y"};
        List<Ws.Client> mirrors = new ArrayList<>();
        for (int i = 0; i < groups.length; i++) {
            mirrors.add(open("/?mirror=" + groups[i], "mirror-" + groups[i] + "-" + (i + 1), Site.MIRROR));
        }
        Ws.Client echo = open("/", "echo", Site.ECHO);
        long monitorFrom = System.nanoTime();

        assertMirroring(mirrors, groups, "before the update");
        echo.sendText("before");
        assertEquals("echo before the mirror update", "before", echo.nextText(Ws.MESSAGE_WAIT));

        // traffic in flight across the update: mirror-hp-x-1 sends without pause, echo round trips without pause
        MirrorSender sender = new MirrorSender(mirrors.get(0));
        EchoLoop echoLoop = new EchoLoop(echo);
        Thread senderThread = daemon(sender, "itest-mirror-sender");
        Thread echoThread = daemon(echoLoop, "itest-echo-loop");
        awaitCount("mirror messages sent", () -> sender.attempted.size(), 20, sender::failure);
        awaitCount("echo round trips", () -> echoLoop.done, 20, () -> echoLoop.failure);

        // update the mirror bundle from its own jar, under the live clients
        Bundle mirror = bundleNamed(context, Site.MIRROR_BUNDLE);
        long started = System.nanoTime();
        try (InputStream in = new FileInputStream(context.getProperty(Site.JAR_PREFIX + "mirror"))) {
            mirror.update(in);
        }
        long updateMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals("mirror bundle after update", "ACTIVE", Bundles.state(mirror.getState()));
        List<Long> closeAfterMillis = new ArrayList<>();

        for (Ws.Client m : mirrors) {
            Ws.Closed closed = m.awaitClose(Ws.CLOSE_WAIT);
            assertEquals(m + ": close code when its protocol bundle was updated (" + closed + ")", 1001, closed.code);
            assertEquals(m + ": close reason when its protocol bundle was updated (" + closed + ")", "going away",
                    closed.reason);
            closeAfterMillis.add((closed.nanos - started) / 1_000_000);
        }
        sender.stop = true;
        senderThread.join(Ws.SEND_WAIT.toMillis() + 2000);
        assertFalse("the mirror sender thread did not end", senderThread.isAlive());
        // what the group heard before the Close is what was sent, whole and in order (a prefix of it)
        List<String> attempted = new ArrayList<>(sender.attempted);
        for (int i = 0; i < groups.length; i++) {
            List<Ws.Message> heard = mirrors.get(i).drain();
            if (!groups[i].equals(groups[0])) {
                assertTrue(mirrors.get(i) + " (another group) heard " + heard.size() + " of the messages, first "
                        + (heard.isEmpty() ? "" : heard.get(0)), heard.isEmpty());
                continue;
            }
            assertTrue(mirrors.get(i) + ": heard " + heard.size() + " messages, more than the " + attempted.size()
                    + " sent", heard.size() <= attempted.size());
            for (int j = 0; j < heard.size(); j++) {
                if (heard.get(j).binary || !attempted.get(j).equals(heard.get(j).text)) {
                    throw new AssertionError(mirrors.get(i) + ": message " + j + " heard before the Close is "
                            + heard.get(j) + ", sent was " + clip(attempted.get(j)));
                }
            }
        }

        // nothing else noticed
        echo.assertOpen("while the mirror bundle was updated");
        assertAllOpen(counters, "while the mirror bundle was updated");

        List<Ws.Client> again = new ArrayList<>();
        for (int i = 0; i < groups.length; i++) {
            again.add(clients.openWithRetry("/?mirror=" + groups[i], "mirror-again-" + groups[i] + "-" + (i + 1), Site.MIRROR));
        }
        assertMirroring(again, groups, "after the update");
        echoLoop.stop = true;
        echoThread.join(Ws.MESSAGE_WAIT.toMillis() + Ws.SEND_WAIT.toMillis());
        assertFalse("the echo loop thread did not end", echoThread.isAlive());
        assertNull("echo round trips across the mirror update (" + echoLoop.done + " done): " + echoLoop.failure,
                echoLoop.failure);
        echo.sendText("after the mirror update");
        assertEquals("echo after the mirror update", "after the mirror update", echo.nextText(Ws.MESSAGE_WAIT));

        // stop echo: its client goes with 1001, nobody else notices
        Bundle echoBundle = bundleNamed(context, Site.ECHO_BUNDLE);
        long stopping = System.nanoTime();
        echoBundle.stop();
        long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
        Ws.Closed echoClosed = echo.awaitClose(Ws.CLOSE_WAIT);
        assertEquals("echo client: close code when lws-echo stopped (" + echoClosed + ")", 1001, echoClosed.code);
        assertEquals("echo client: close reason when lws-echo stopped (" + echoClosed + ")", "going away",
                echoClosed.reason);
        assertAllOpen(counters, "while the echo bundle stopped");
        assertAllOpen(again, "while the echo bundle stopped");
        assertMirroring(again, groups, "after the echo bundle stopped");

        echoBundle.start();
        Ws.Client echo2 = clients.openWithRetry("/", "echo-after-start", Site.ECHO);
        echo2.sendText("echo is back");
        assertEquals("echo after its bundle started again", "echo is back", echo2.nextText(Ws.MESSAGE_WAIT));

        // the counters ran all along: no close, strictly increasing, no silence over MAX_GAP
        long monitorTo = System.nanoTime();
        StringBuilder summary = new StringBuilder();
        for (Ws.Client c : counters) {
            c.assertOpen("during the hot-plugging");
            List<Ws.Message> got = c.drain();
            long last = monitorFrom;
            long maxGap = 0;
            int prev = -1;
            for (Ws.Message m : got) {
                int n = number(c, m.text);
                assertTrue(c + ": " + n + " after " + prev + " (not increasing) while others were hot-plugged", n > prev);
                prev = n;
                maxGap = Math.max(maxGap, m.nanos - last);
                last = m.nanos;
            }
            maxGap = Math.max(maxGap, monitorTo - last);
            summary.append(String.format(" %s: %d messages, up to %d, longest gap %d ms;", c, got.size(), prev,
                    maxGap / 1_000_000));
            assertTrue(c + ": a gap of " + maxGap / 1_000_000 + " ms between counter messages (limit "
                    + MAX_GAP.toMillis() + " ms) while others were hot-plugged", maxGap <= MAX_GAP.toNanos());
        }
        System.out.println("WebSocketHotPlugIT: mirror update() took " + updateMillis + " ms (mirror clients saw"
                + " their Close at " + closeAfterMillis + " ms; " + attempted.size() + " mirror messages sent, "
                + echoLoop.done + " echo round trips across it), echo stop() took " + stopMillis + " ms;" + summary);
    }

    /** Sends mirror messages one after another until stopped or a send fails (its connection closed). */
    private static final class MirrorSender implements Runnable {
        final Ws.Client client;
        final List<String> attempted = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean stop;
        volatile Throwable failure;

        MirrorSender(Ws.Client client) {
            this.client = client;
        }

        @Override
        public void run() {
            try {
                for (int i = 0; !stop; i++) {
                    String m = String.format("burst %05d ", i) + Ws.text((i * 389) % 3000);
                    attempted.add(m);
                    client.sendText(m);
                }
            } catch (Throwable t) {
                failure = t; // expected once the server closes the connection
            }
        }

        String failure() {
            return String.valueOf(failure);
        }
    }

    /** Echo round trips one after another until stopped; the first wrong or missing echo ends it. */
    private static final class EchoLoop implements Runnable {
        final Ws.Client client;
        volatile boolean stop;
        volatile int done;
        volatile String failure;

        EchoLoop(Ws.Client client) {
            this.client = client;
        }

        @Override
        public void run() {
            try {
                for (int i = 0; !stop; i++) {
                    String m = String.format("echo %05d ", i) + Ws.text((i * 613) % 5000);
                    client.sendText(m);
                    String back = client.nextText(Ws.MESSAGE_WAIT);
                    if (!m.equals(back)) {
                        failure = "round trip " + i + ": sent " + clip(m) + ", got back " + clip(back);
                        return;
                    }
                    done = i + 1;
                }
            } catch (Throwable t) {
                failure = "round trip " + done + ": " + t;
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void awaitCount(String what, java.util.function.IntSupplier count, int atLeast,
            java.util.function.Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count.getAsInt() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + count.getAsInt() + " " + what + " in 10 s; failure: " + failure.get());
            }
            Thread.sleep(10);
        }
    }

    /**
     * In each group, its last member sends a message; every member of that group gets it, the
     * other group's members do not.
     */
    private static void assertMirroring(List<Ws.Client> mirrors, String[] groups, String when) throws Exception {
        for (String g : new java.util.LinkedHashSet<>(Arrays.asList(groups))) {
            Ws.Client sender = null;
            for (int i = 0; i < groups.length; i++) {
                if (groups[i].equals(g)) {
                    sender = mirrors.get(i);
                }
            }
            String msg = "to " + g + " from " + sender + " " + when;
            sender.sendText(msg);
            for (int i = 0; i < groups.length; i++) {
                if (groups[i].equals(g)) {
                    assertEquals(mirrors.get(i) + ": mirrored message " + when, msg, mirrors.get(i).nextText(Ws.MESSAGE_WAIT));
                }
            }
        }
        // nothing of another group's: each group's fence, sent once every group's message has
        // been heard, is the next message its members get
        for (String g : new java.util.LinkedHashSet<>(Arrays.asList(groups))) {
            for (int i = 0; i < groups.length; i++) {
                if (groups[i].equals(g)) {
                    mirrors.get(i).sendText("fence for " + g + " " + when);
                    break;
                }
            }
        }
        for (int i = 0; i < groups.length; i++) {
            assertEquals(mirrors.get(i) + ": the next message " + when, "fence for " + groups[i] + " " + when,
                    mirrors.get(i).nextText(Ws.MESSAGE_WAIT));
        }
    }

    private Ws.Client open(String target, String name, String protocol) throws InterruptedException {
        return clients.open(target, name, protocol);
    }
}
