package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code bin/lws4j client} against libwebsockets' own C test server (Debian's
 * libwebsockets-test-server, lws 4.1.6), started by the test on a free port: our client joins its
 * lws-mirror-protocol and dumb-increment-protocol and sees the counts and its own circles come
 * back, and fetches its page over HTTP. Fails, naming the package, when the server is not
 * installed, and with the server's output when it does not start. (The C server listens on every
 * interface; the test talks to 127.0.0.1 only.)
 */
class LwsTestServerIT {
    static final String LWS_TEST_SERVER = "/usr/bin/libwebsockets-test-server";
    static final long T = 30_000;

    static DistRun rt;
    static Command lws;
    static int port;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        Command.requirePeer(LWS_TEST_SERVER, "libwebsockets-test-server");
        rt = DistRun.copy("lws-test-server-it").withoutDemo();
        port = rt.port;
        lws = Command.start(rt.home, "lws-test-server", List.of(LWS_TEST_SERVER, "-p", Integer.toString(port)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!lws.isAlive()) {
                fail("libwebsockets-test-server exited with " + lws.exitStatus() + " before it listened on 127.0.0.1:"
                        + port + "\n" + lws.describe());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    fail("libwebsockets-test-server did not listen on 127.0.0.1:" + port + " within 20 s\n" + lws.describe());
                }
                Thread.sleep(100);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (lws != null) {
            lws.close();
        }
    }

    @Test
    void ourClientJoinsItsMirrorAndDumbIncrement() throws Exception {
        try (Command c = rt.client("client-vs-lws", "ws://127.0.0.1:" + port + "/", "--rate", "50")) {
            c.awaitOut("dumb-increment counting to 20", s -> s.contains("dumb-increment: 20\n"), T);
            c.awaitOut("20 of our own circles back", s -> ClientIT.ownCircles(s) >= 20, T);
            c.endInput();
            assertEquals(0, c.awaitExit(T), c.describe());
            String err = c.err();
            assertTrue(!err.contains("] E: "), "our client logged errors\n" + c.describe());
            Matcher m = ClientIT.lastMirrorLine(c.out());
            long sent = Long.parseLong(m.group(1));
            assertTrue(sent - Long.parseLong(m.group(3)) <= 2, "our circles did not come back: " + m.group());
        }
        assertTrue(lws.isAlive(), "libwebsockets-test-server died\n" + lws.describe());
    }

    @Test
    void ourClientFetchesItsPage() throws Exception {
        try (Command c = rt.client("client-http-vs-lws", "http://127.0.0.1:" + port + "/")) {
            assertEquals(0, c.awaitExit(T), c.describe());
            assertTrue(c.out().contains("<html"), c.describe());
            assertTrue(c.err().contains("http: 200"), c.describe());
        }
    }
}
