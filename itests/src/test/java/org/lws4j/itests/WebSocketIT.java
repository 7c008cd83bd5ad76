package org.lws4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.lws4j.itests.support.WsClients.assertAllOpen;
import static org.lws4j.itests.support.WsClients.assertStrictlyIncreasing;
import static org.lws4j.itests.support.WsClients.bundleNamed;
import static org.lws4j.itests.support.WsClients.clip;
import static org.lws4j.itests.support.WsClients.number;

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
import org.lws4j.itests.support.RawWs;
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
 * The WebSocket role with the three demo protocol bundles (dumb-increment, mirror, echo), driven
 * by the JDK's WebSocket client: their wire behaviour and the handshake's refusals (400 for a
 * protocol the vhost does not offer, 503 + Retry-After for one it offers but has not bound). The
 * hot-plug contract under live clients is {@link WebSocketHotPlugIT}.
 *
 * <p>Not tested here: that header information is gone after ESTABLISHED (not visible to a client).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class WebSocketIT {
    /** How long a protocol may take to be bound (at start-up, after a bundle update or start). */
    private static final Duration BIND_WAIT = Duration.ofSeconds(10);

    @Inject
    private BundleContext context;

    /** Bundle states on failure; fails a test during which the core logged an error. */
    @Rule
    public final TestRule rules = RuleChain.outerRule(Bundles.reportOnFailure(() -> context))
            .around(new CoreLog(() -> context));

    private int port;
    private HttpClient http;
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
        port = Integer.parseInt(context.getProperty(Site.PORT));
        Http.awaitListening(port, Http.STARTUP_WAIT);
        CoreCheck.awaitBound(context, BIND_WAIT, Site.WS_PROTOCOLS);
        http = Http.client();
        clients = new WsClients("WebSocketIT", context, http, port, BIND_WAIT);
    }

    @After
    public void closeClients() {
        clients.closeAll();
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
        try (RawWs ws = RawWs.open(port, "/", Site.DUMB_INCREMENT)) {
            for (int i = 0; i < 3; i++) {
                RawWs.Frame f = ws.read(Ws.MESSAGE_WAIT);
                assertNotNull("EOF instead of counter frame " + i, f);
                assertTrue("counter frame " + i + " is " + f, f.opcode == RawWs.TEXT && f.fin);
            }
            ws.sendText("closeme\n");
            List<String> before = new ArrayList<>();
            RawWs.Frame close;
            while (true) {
                close = ws.read(Ws.MESSAGE_WAIT);
                assertNotNull("EOF instead of a Close after \"closeme\\n\"; frames before: " + before, close);
                if (close.opcode == RawWs.CLOSE) {
                    break;
                }
                assertEquals("frame before the Close: " + close, RawWs.TEXT, close.opcode);
                before.add(close.text());
                assertTrue("no Close within 100 frames of \"closeme\\n\"", before.size() < 100);
            }
            assertEquals("Close after \"closeme\\n\": " + close, 1001, close.closeCode());
            assertEquals("Close after \"closeme\\n\": " + close, "Seeya", close.closeReason());
            ws.sendClose(1001, "");
            // the close handshake is complete: the server closes the TCP connection; nothing may have
            // followed its Close, before ours or after (the next read gets it, or EOF)
            try {
                RawWs.Frame extra = ws.read(Ws.CLOSE_WAIT);
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
        // group b heard none of it, and group b's own traffic stays in group b: the server took all
        // of a's messages before b4 sends, so anything of a's meant for b4 would come before its own
        b4.sendText("only for b");
        assertEquals("b4: its own message mirrored back, nothing of group a's before it", "only for b",
                b4.nextText(Ws.MESSAGE_WAIT));
        // no more for a than the 200, and nothing of b's: a fence sent after b's message comes next
        a1.sendText("fence for a");
        for (Ws.Client c : groupA) {
            assertEquals(c + ": the next message after the 200 and b's message", "fence for a", c.nextText(Ws.MESSAGE_WAIT));
        }
        assertAllOpen(clients.all(), "at the end of the mirror test");
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
        // no extra echo: the echo of a last message comes next
        c.sendText("fence");
        assertEquals("the next echo after the round trips", "fence", c.nextText(Ws.MESSAGE_WAIT));
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

        Bundle echo = bundleNamed(context, Site.ECHO_BUNDLE);
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
        Ws.Client e = clients.openWithRetry("/", "echo-restarted", Site.ECHO);
        e.sendText("back again");
        assertEquals("echo after its bundle started again", "back again", e.nextText(Ws.MESSAGE_WAIT));
        assertAllOpen(clients.all(), "at the end of the handshake test");
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

    // ---- helpers -------------------------------------------------------------------------------

    private Ws.Client open(String target, String name, String protocol) throws InterruptedException {
        return clients.open(target, name, protocol);
    }

    private static String firstDifference(String expected, String got) {
        int i = 0;
        while (i < Math.min(expected.length(), got.length()) && expected.charAt(i) == got.charAt(i)) {
            i++;
        }
        return "first difference at char " + i + " of " + expected.length();
    }
}
