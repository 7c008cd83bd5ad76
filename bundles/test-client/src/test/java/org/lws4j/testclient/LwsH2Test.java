package org.lws4j.testclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test client speaking HTTP/2 to libwebsockets' own C test server (Debian's
 * libwebsockets-test-server, lws 4.1.6, started with {@code -s}: TLS, ALPN h2 and http/1.1,
 * SETTINGS_ENABLE_CONNECT_PROTOCOL=1): its test page over h2 (ALPN picked h2: the log says "over
 * HTTP/2"; with {@code --h1} it does not), and with {@code --h2} its dumb-increment-protocol and
 * lws-mirror-protocol as WebSockets over h2 streams (RFC 8441), permessage-deflate offered as
 * usual (lws 4.1.6 answers its extended CONNECTs without it). The server's bundled key is 1024-bit RSA, below OpenSSL 3's default security level, so
 * it runs with an OpenSSL config at {@code @SECLEVEL=0}; our client takes its self-signed
 * certificate with {@code -k}. A missing server fails, naming the package.
 */
class LwsH2Test {
    static final String LWS_TEST_SERVER = "/usr/bin/libwebsockets-test-server";
    static final long T = 30_000;

    @TempDir
    static Path dir;
    static Process lws;
    static Path lwsLog;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(Path.of(LWS_TEST_SERVER))) {
            fail(LWS_TEST_SERVER + " is needed by this test and is not installed: apt-get install libwebsockets-test-server"
                    + " (.ci/run installs every peer)");
        }
        Path conf = Files.writeString(dir.resolve("openssl.cnf"), String.join("\n",
                "openssl_conf = default_conf", "[default_conf]", "ssl_conf = ssl_sect", "[ssl_sect]",
                "system_default = system_default_sect", "[system_default_sect]", "CipherString = DEFAULT@SECLEVEL=0", ""));
        port = LocalServer.freePort();
        lwsLog = dir.resolve("lws.log");
        ProcessBuilder pb = new ProcessBuilder(LWS_TEST_SERVER, "-s", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(lwsLog.toFile());
        pb.environment().put("OPENSSL_CONF", conf.toString());
        lws = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!lws.isAlive()) {
                fail("libwebsockets-test-server exited with " + lws.exitValue() + " before it listened on 127.0.0.1:"
                        + port + "\n" + Files.readString(lwsLog));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    fail("libwebsockets-test-server did not listen on 127.0.0.1:" + port + " within 20 s\n" + Files.readString(lwsLog));
                }
                lws.waitFor(100, TimeUnit.MILLISECONDS); // bounded poll: the C server says nothing when it listens
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (lws != null) {
            lws.destroy();
            lws.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static String describe(ClientRun c) throws IOException {
        return "our log:\n" + c.err + "\nlws:\n" + Files.readString(lwsLog);
    }

    @Test
    void itsTestPageOverH2() throws Exception {
        try (ClientRun c = new ClientRun("https://127.0.0.1:" + port + "/", "-k")) {
            assertEquals(0, c.awaitExit(T), describe(c));
            assertTrue(c.out.toString().contains("<html") && c.out.toString().contains("libwebsockets"), describe(c));
            assertTrue(c.err.toString().contains("http: 200 from") && c.err.toString().contains("over HTTP/2"),
                    "ALPN did not pick h2\n" + describe(c));
        }
        assertTrue(lws.isAlive(), "libwebsockets-test-server died\n" + Files.readString(lwsLog));
    }

    @Test
    void itsTestPageOverHttp11WhenAsked() throws Exception {
        try (ClientRun c = new ClientRun("https://127.0.0.1:" + port + "/", "-k", "--h1")) {
            assertEquals(0, c.awaitExit(T), describe(c));
            assertTrue(c.out.toString().contains("<html"), describe(c));
            assertTrue(c.err.toString().contains("http: 200 from") && !c.err.toString().contains("over HTTP/2"), describe(c));
        }
    }

    @Test
    void dumbIncrementAndMirrorAsWebSocketsOverH2() throws Exception {
        try (ClientRun c = new ClientRun("wss://127.0.0.1:" + port + "/", "-k", "--h2", "--rate", "50")) {
            c.awaitOut("dumb-increment counting to 20", s -> s.contains("dumb-increment: 20\n"), T);
            String out = c.awaitOut("20 of our own circles back", s -> TestClientTest.ownCircles(s) >= 20, T);
            assertTrue(out.indexOf("dumb-increment: 5\n") < out.indexOf("dumb-increment: 20\n"), "the numbers increase");
            String err = c.err.toString();
            assertTrue(err.contains("dumb-increment-protocol: established") && err.contains("lws-mirror-protocol: opened mirror connection"),
                    describe(c));
            assertEquals(2, err.split("over HTTP/2", -1).length - 1, "both WebSockets over h2 streams\n" + describe(c));
            c.endInput();
            assertEquals(0, c.awaitExit(T), describe(c));
            assertTrue(!c.err.toString().contains("] E: "), "our client logged errors\n" + describe(c));
        }
        assertTrue(lws.isAlive(), "libwebsockets-test-server died\n" + Files.readString(lwsLog));
    }
}
