package org.lws4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
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
 * The WebSocket role with the three demo protocol bundles (dumb-increment, mirror, echo), driven
 * by the JDK's WebSocket client: their wire behaviour, the handshake's refusals (400 for a
 * protocol the vhost does not offer, 503 + Retry-After for one it offers but has not bound), and
 * the hot-plug contract under live clients: updating or stopping a protocol bundle closes its own
 * connections with 1001 "going away" and nobody else's.
 *
 * <p>Not tested here: that header information is gone after ESTABLISHED (not visible to a client).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class WebSocketIT {
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

    private int port;
    private HttpClient http;
    /** Every client a test opened, closed (bounded) after it. */
    private final List<Ws.Client> clients = new ArrayList<>();

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
        port = Integer.parseInt(context.getProperty(Site.PORT));
        Http.awaitListening(port, Http.STARTUP_WAIT);
        CoreCheck.awaitBound(context, BIND_WAIT, Site.WS_PROTOCOLS);
        http = Http.client();
    }

    @After
    public void closeClients() {
        for (Ws.Client c : clients) {
            c.close();
        }
    }

    // ---- 1. dumb-increment ---------------------------------------------------------------------

    @Test
    public void dumbIncrementCountsResetsAndClosesWithSeeya() throws Exception {
        Ws.Client c = open("/", "dumb-increment", Site.DUMB_INCREMENT);

        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            seen.add(number(c, c.nextText(Ws.MESSAGE_WAIT)));
        }
        assertStrictlyIncreasing("the first five numbers", seen);
        int before = seen.get(seen.size() - 1);

        c.sendText("reset\n");
        // numbers already on their way still count up; the first one lower than its predecessor is the reset
        long deadline = System.nanoTime() + Ws.MESSAGE_WAIT.toNanos();
        int prev = before;
        List<Integer> afterReset = new ArrayList<>();
        while (true) {
            int n = number(c, c.nextText(Ws.MESSAGE_WAIT));
            afterReset.add(n);
            if (n < prev) {
                assertTrue("after \"reset\\n\" the counter came back at " + n + " (after " + prev
                        + "), expected 0 or a small number; numbers after the reset: " + afterReset, n <= 2);
                break;
            }
            prev = n;
            assertTrue("no number lower than its predecessor within " + Ws.MESSAGE_WAIT.toSeconds()
                    + " s of \"reset\\n\"; numbers: " + seen + " then " + afterReset, System.nanoTime() < deadline);
        }
        List<Integer> counting = new ArrayList<>(List.of(afterReset.get(afterReset.size() - 1)));
        for (int i = 0; i < 3; i++) {
            counting.add(number(c, c.nextText(Ws.MESSAGE_WAIT)));
        }
        assertStrictlyIncreasing("the numbers after the reset", counting);

        c.sendText("closeme\n");
        Ws.Closed closed = c.awaitClose(Ws.CLOSE_WAIT);
        assertEquals("close code after \"closeme\\n\" (" + closed + ")", 1001, closed.code);
        assertEquals("close reason after \"closeme\\n\" (" + closed + ")", "Seeya", closed.reason);
        // whatever came before the Close is still the counter
        for (Ws.Message m : c.drain()) {
            number(c, m.text);
        }
    }

    /**
     * DESIGN, "Correct on the wire": after its Close the server sends nothing more, even with the
     * counter ticking every 50 ms (libwebsockets 4.1.6 sends one more data frame). Raw frames,
     * since the JDK client hides what follows a Close.
     */
    @Test
    public void dumbIncrementSendsNothingAfterItsClose() throws Exception {
        try (Ws.RawWs ws = Ws.RawWs.open(port, "/", Site.DUMB_INCREMENT)) {
            for (int i = 0; i < 3; i++) {
                Ws.RawWs.Frame f = ws.read(Ws.MESSAGE_WAIT);
                assertNotNull("EOF instead of counter frame " + i, f);
                assertTrue("counter frame " + i + " is " + f, f.opcode == Ws.RawWs.TEXT && f.fin);
            }
            ws.sendText("closeme\n");
            List<String> before = new ArrayList<>();
            Ws.RawWs.Frame close;
            while (true) {
                close = ws.read(Ws.MESSAGE_WAIT);
                assertNotNull("EOF instead of a Close after \"closeme\\n\"; frames before: " + before, close);
                if (close.opcode == Ws.RawWs.CLOSE) {
                    break;
                }
                assertEquals("frame before the Close: " + close, Ws.RawWs.TEXT, close.opcode);
                before.add(close.text());
                assertTrue("no Close within 100 frames of \"closeme\\n\"", before.size() < 100);
            }
            assertEquals("Close after \"closeme\\n\": " + close, 1001, close.closeCode());
            assertEquals("Close after \"closeme\\n\": " + close, "Seeya", close.closeReason());
            // six counter ticks long, nothing may follow the server's Close (EOF is allowed)
            try {
                Ws.RawWs.Frame extra = ws.read(Duration.ofMillis(300));
                assertNull("after its " + close + " the server sent " + extra, extra);
            } catch (java.net.SocketTimeoutException expected) {
                // nothing came: right
            }
            ws.sendClose(1001, "");
            // the close handshake is complete: the server closes the TCP connection, sending nothing more
            try {
                Ws.RawWs.Frame extra = ws.read(Ws.CLOSE_WAIT);
                assertNull("after the close handshake the server sent " + extra, extra);
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the server kept the TCP connection open " + Ws.CLOSE_WAIT.toSeconds()
                        + " s after the close handshake completed");
            } catch (java.net.SocketException e) {
                // a reset after the Close exchange also ends it; nothing was sent after the Close
            }
        }
    }

    // ---- 2. mirror -----------------------------------------------------------------------------

    @Test
    public void mirrorSendsEveryMessageWholeAndInOrderToItsGroupOnly() throws Exception {
        // the sender connects last: a member joins its group in ESTABLISHED, right after the 101 is
        // written, so only a connection the client has just opened could still be joining
        Ws.Client a2 = open("/?mirror=a", "a2", Site.MIRROR);
        Ws.Client a3 = open("/?mirror=a", "a3", Site.MIRROR);
        Ws.Client b4 = open("/?mirror=b", "b4", Site.MIRROR);
        Ws.Client a1 = open("/?mirror=a", "a1", Site.MIRROR);
        List<Ws.Client> groupA = List.of(a1, a2, a3);

        String hello = "hello from a1: ünïcödé € \uD83D\uDE00";
        a1.sendText(hello);
        for (Ws.Client c : groupA) {
            assertEquals(c + ": the mirrored message", hello, c.nextText(Ws.MESSAGE_WAIT));
        }

        // fragmented: three frames (one over the default 4 KiB rx piece), mirrored as one message
        String[] parts = {"fragment one / ", Ws.text(5000), " / fragment three"};
        for (int i = 0; i < parts.length; i++) {
            a1.sendText(parts[i], i == parts.length - 1);
        }
        String whole = String.join("", parts);
        for (Ws.Client c : groupA) {
            String got = c.nextText(Ws.MESSAGE_WAIT);
            assertEquals(c + ": the fragmented message must arrive as one message of " + whole.length()
                    + " chars, got " + got.length() + " chars: " + clip(got), whole, got);
        }

        // 200 in a row, of varied sizes (up to ~9 KB: several rx pieces each)
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String m = String.format("seq %03d ", i) + Ws.text((i * 997) % 9000);
            sent.add(m);
            a1.sendText(m);
        }
        for (Ws.Client c : groupA) {
            for (int i = 0; i < sent.size(); i++) {
                String got = c.nextText(Ws.MESSAGE_WAIT);
                if (!sent.get(i).equals(got)) {
                    throw new AssertionError(c + ": message " + i + " of 200 is not what was sent: expected "
                            + clip(sent.get(i)) + " (" + sent.get(i).length() + " chars), got " + clip(got) + " ("
                            + got.length() + " chars)");
                }
            }
        }
        for (Ws.Client c : groupA) {
            c.expectNothing(Duration.ofMillis(200));
        }
        // group b heard none of it
        b4.expectNothing(Duration.ofMillis(300));

        // and group b's own traffic stays in group b
        b4.sendText("only for b");
        assertEquals("b4: its own message mirrored back", "only for b", b4.nextText(Ws.MESSAGE_WAIT));
        for (Ws.Client c : groupA) {
            c.expectNothing(Duration.ofMillis(300));
        }
        assertAllOpen(clients, "at the end of the mirror test");
    }

    // ---- 3. echo -------------------------------------------------------------------------------

    @Test
    public void echoReturnsTextAndBinaryOfEverySizeExactly() throws Exception {
        Ws.Client c = open("/", "echo", Site.ECHO);
        int[] sizes = {0, 125, 126, 65535, 65536, 1 << 20};
        int seed = 1;
        for (int size : sizes) {
            for (boolean fragmented : new boolean[] {false, true}) {
                String what = "text of " + size + " B" + (fragmented ? " in 3 fragments" : "");
                String text = Ws.text(size);
                assertEquals(Ws.utf8Length(text), size);
                if (fragmented) {
                    int n = text.length();
                    c.sendText(text.substring(0, n / 3), false);
                    c.sendText(text.substring(n / 3, 2 * n / 3), false);
                    c.sendText(text.substring(2 * n / 3), true);
                } else {
                    c.sendText(text);
                }
                String back = c.nextText(Ws.MESSAGE_WAIT);
                if (!text.equals(back)) {
                    throw new AssertionError("echo of " + what + ": got " + back.length() + " chars ("
                            + Ws.utf8Length(back) + " B) " + firstDifference(text, back));
                }

                what = "binary of " + size + " B" + (fragmented ? " in 3 fragments" : "");
                byte[] data = Ws.bytes(size, seed++);
                if (fragmented) {
                    c.sendBinary(data, 0, size / 3, false);
                    c.sendBinary(data, size / 3, 2 * size / 3 - size / 3, false);
                    c.sendBinary(data, 2 * size / 3, size - 2 * size / 3, true);
                } else {
                    c.sendBinary(data);
                }
                byte[] got = c.nextBinary(Ws.MESSAGE_WAIT);
                if (!Arrays.equals(data, got)) {
                    int i = 0;
                    while (i < Math.min(data.length, got.length) && data[i] == got[i]) {
                        i++;
                    }
                    throw new AssertionError("echo of " + what + ": got " + got.length + " B, first difference at byte " + i);
                }
            }
        }
        c.expectNothing(Duration.ofMillis(200));
        c.assertOpen("after the echo round trips");
    }

    // ---- 4. handshake refusals -----------------------------------------------------------------

    @Test
    public void handshakeRefusesUnofferedWith400AndUnboundWith503() throws Exception {
        Ws.Attempt unoffered = Ws.attempt(http, port, "/", "unoffered", "no-such-protocol");
        assertNull("a handshake for a protocol the vhost does not offer must fail", unoffered.client);
        assertEquals("status for a protocol the vhost does not offer (" + unoffered + ")", 400, unoffered.status);
        // the same by hand, without the JDK's Content-Length: 0, so the 400 is for the protocol and nothing else
        Http.Response rawUnoffered = Ws.rawHandshake(port, "/", "no-such-protocol");
        assertEquals("raw handshake for a protocol the vhost does not offer: " + rawUnoffered, 400, rawUnoffered.status());

        Bundle echo = bundleNamed(Site.ECHO_BUNDLE);
        echo.stop();
        Ws.Attempt unbound = Ws.attempt(http, port, "/", "echo-stopped", Site.ECHO);
        assertNull("a handshake for lws-echo with its bundle stopped must fail", unbound.client);
        assertEquals("status for lws-echo with its bundle stopped (" + unbound + ")", 503, unbound.status);

        Http.Response raw = Ws.rawHandshake(port, "/", Site.ECHO);
        assertEquals("raw handshake for lws-echo with its bundle stopped: " + raw, 503, raw.status());
        String retryAfter = raw.header("retry-after");
        assertNotNull("503 without Retry-After: " + raw, retryAfter);
        assertFalse("empty Retry-After: " + raw, retryAfter.isBlank());

        // the other protocols are served all along, and echo comes back when its bundle starts
        Ws.Client di = open("/", "dumb-increment", Site.DUMB_INCREMENT);
        di.nextText(Ws.MESSAGE_WAIT);
        echo.start();
        Ws.Client e = openWithRetry("/", "echo-restarted", Site.ECHO);
        e.sendText("back again");
        assertEquals("echo after its bundle started again", "back again", e.nextText(Ws.MESSAGE_WAIT));
        assertAllOpen(clients, "at the end of the handshake test");
    }

    /**
     * The JDK 17 client's opening handshake carries {@code Content-Length: 0} (JDK-8283544, fixed
     * in JDK 19): an empty body, which RFC 6455 does not forbid, so the handshake must succeed.
     * The same request by hand, to tell this apart from anything else the JDK does.
     */
    @Test
    public void handshakeWithContentLengthZeroIsAccepted() throws Exception {
        Http.Response plain = Ws.rawHandshake(port, "/", Site.ECHO);
        assertEquals("raw handshake for lws-echo: " + plain, 101, plain.status());
        Http.Response withLength = Ws.rawHandshake(port, "/", Site.ECHO, "Content-Length: 0\r\n");
        assertEquals("raw handshake for lws-echo with Content-Length: 0 (as the JDK 17 client sends it): "
                + withLength, 101, withLength.status());
        assertEquals("Sec-WebSocket-Protocol of the 101: " + withLength, Site.ECHO,
                withLength.header("sec-websocket-protocol"));
    }

    // ---- 5. hot-plug under live clients --------------------------------------------------------

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
        Bundle mirror = bundleNamed(Site.MIRROR_BUNDLE);
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
            again.add(openWithRetry("/?mirror=" + groups[i], "mirror-again-" + groups[i] + "-" + (i + 1), Site.MIRROR));
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
        Bundle echoBundle = bundleNamed(Site.ECHO_BUNDLE);
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
        Ws.Client echo2 = openWithRetry("/", "echo-after-start", Site.ECHO);
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
        System.out.println("WebSocketIT hot-plug: mirror update() took " + updateMillis + " ms (mirror clients saw"
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

    // ---- helpers -------------------------------------------------------------------------------

    private Ws.Client open(String target, String name, String protocol) throws InterruptedException {
        Ws.Client c = Ws.open(http, port, target, name, protocol);
        clients.add(c);
        return c;
    }

    /** Opens, retrying (every 100 ms, for at most BIND_WAIT) while the handshake is refused. */
    private Ws.Client openWithRetry(String target, String name, String protocol) throws InterruptedException {
        long deadline = System.nanoTime() + BIND_WAIT.toNanos();
        List<String> refusals = new ArrayList<>();
        while (true) {
            Ws.Attempt a = Ws.attempt(http, port, target, name, protocol);
            if (a.client != null) {
                clients.add(a.client);
                if (!refusals.isEmpty()) {
                    System.out.println("WebSocketIT: " + name + " opened after " + refusals.size() + " refusal(s), first: "
                            + refusals.get(0));
                }
                return a.client;
            }
            refusals.add(a.toString());
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": no WebSocket on " + target + " with " + protocol + " within "
                        + BIND_WAIT.toSeconds() + " s; " + refusals.size() + " refusals, last: " + a + "\n"
                        + Bundles.report(context));
            }
            Thread.sleep(100);
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
        for (Ws.Client c : mirrors) {
            c.expectNothing(Duration.ofMillis(200));
        }
    }

    private static void assertAllOpen(List<Ws.Client> cs, String when) {
        for (Ws.Client c : cs) {
            c.assertOpen(when);
        }
    }

    private static void assertStrictlyIncreasing(String what, List<Integer> ns) {
        for (int i = 1; i < ns.size(); i++) {
            assertTrue(what + " are not strictly increasing: " + ns, ns.get(i) > ns.get(i - 1));
        }
    }

    private static int number(Ws.Client c, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new AssertionError(c + ": not a counter value: '" + clip(text) + "'");
        }
    }

    private Bundle bundleNamed(String symbolicName) {
        for (Bundle b : context.getBundle(0).getBundleContext().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + "\n" + Bundles.report(context));
    }

    private static String clip(String s) {
        return s.length() > 60 ? "'" + s.substring(0, 60) + "...'" : "'" + s + "'";
    }

    private static String firstDifference(String expected, String got) {
        int i = 0;
        while (i < Math.min(expected.length(), got.length()) && expected.charAt(i) == got.charAt(i)) {
            i++;
        }
        return "first difference at char " + i + " of " + expected.length();
    }
}
