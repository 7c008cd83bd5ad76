package org.lws4j.itests.support;

import static org.junit.Assert.assertTrue;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The WebSocket clients one test opens, closed (bounded) after it, and the checks the WebSocket
 * ITs share. Probe side.
 */
public final class WsClients {
    private final String owner;
    private final BundleContext context;
    private final HttpClient http;
    private final int port;
    private final Duration bindWait;
    private final List<Ws.Client> clients = new ArrayList<>();

    /**
     * @param owner the test's name, for log lines
     * @param bindWait how long {@link #openWithRetry} retries while the handshake is refused
     */
    public WsClients(String owner, BundleContext context, HttpClient http, int port, Duration bindWait) {
        this.owner = owner;
        this.context = context;
        this.http = http;
        this.port = port;
        this.bindWait = bindWait;
    }

    /** Opens a client; fails unless the handshake succeeds. */
    public Ws.Client open(String target, String name, String protocol) throws InterruptedException {
        Ws.Client c = Ws.open(http, port, target, name, protocol);
        clients.add(c);
        return c;
    }

    /** Opens, retrying (every 100 ms, for at most the bind wait) while the handshake is refused. */
    public Ws.Client openWithRetry(String target, String name, String protocol) throws InterruptedException {
        long deadline = System.nanoTime() + bindWait.toNanos();
        List<String> refusals = new ArrayList<>();
        while (true) {
            Ws.Attempt a = Ws.attempt(http, port, target, name, protocol);
            if (a.client != null) {
                clients.add(a.client);
                if (!refusals.isEmpty()) {
                    System.out.println(owner + ": " + name + " opened after " + refusals.size() + " refusal(s), first: "
                            + refusals.get(0));
                }
                return a.client;
            }
            refusals.add(a.toString());
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": no WebSocket on " + target + " with " + protocol + " within "
                        + bindWait.toSeconds() + " s; " + refusals.size() + " refusals, last: " + a + "\n"
                        + Bundles.report(context));
            }
            Thread.sleep(100);
        }
    }

    /** Every client opened so far. */
    public List<Ws.Client> all() {
        return clients;
    }

    public void closeAll() {
        for (Ws.Client c : clients) {
            c.close();
        }
    }

    public static void assertAllOpen(List<Ws.Client> cs, String when) {
        for (Ws.Client c : cs) {
            c.assertOpen(when);
        }
    }

    public static void assertStrictlyIncreasing(String what, List<Integer> ns) {
        for (int i = 1; i < ns.size(); i++) {
            assertTrue(what + " are not strictly increasing: " + ns, ns.get(i) > ns.get(i - 1));
        }
    }

    /** A dumb-increment message as its number; fails on anything else. */
    public static int number(Ws.Client c, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new AssertionError(c + ": not a counter value: '" + clip(text) + "'");
        }
    }

    public static String clip(String s) {
        return s.length() > 60 ? "'" + s.substring(0, 60) + "...'" : "'" + s + "'";
    }

    /** The installed bundle named {@code symbolicName}; fails with the bundle report if there is none. */
    public static Bundle bundleNamed(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundle(0).getBundleContext().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + "\n" + Bundles.report(context));
    }
}
