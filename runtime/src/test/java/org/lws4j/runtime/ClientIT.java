package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code bin/lws4j client} against {@code bin/lws4j run} (the assembled distribution, on free
 * ports of 127.0.0.1): ws (mirror and dumb-increment), wss and https (the tls bundle is in the
 * distribution), http, raw to a fallback-to-raw vhost echoing with protocol-lws-raw-test; nc on
 * that vhost; a FIFO written with {@code echo hello > FIFO} reaching the server's log; Ctrl-C
 * stopping the client; and libwebsockets' own C test client talking mirror and dumb-increment to
 * us. A missing peer (nc, Debian's libwebsockets-test-server) fails its test, naming the package.
 */
class ClientIT {
    static final Pattern MIRROR = Pattern.compile("mirror: sent (\\d+) circles, received (\\d+) messages, (\\d+) of them ours");
    static final String LWS_TEST_CLIENT = "/usr/bin/libwebsockets-test-client";
    static final long T = 30_000;

    static DistRun server;
    static int port;
    static int tlsPort;
    static int rawPort;
    static Path www;
    static Path fifo;
    static byte[] big;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> server);

    @BeforeAll
    static void start() throws Exception {
        server = DistRun.copy("client-it").withoutDemo();
        List<Integer> ports = DistRun.freePorts(3);
        port = ports.get(0);
        tlsPort = ports.get(1);
        rawPort = ports.get(2);
        www = Files.createDirectories(server.home.resolve("www"));
        fifo = server.home.resolve("raw-test.fifo");
        big = new byte[2 << 20];
        new Random(8).nextBytes(big);
        Files.write(www.resolve("big.bin"), big);
        Files.writeString(www.resolve("index.html"), "<p>lws4j client test</p>\n");
        String mounts = "\"mounts\": [{ \"mountpoint\": \"/\", \"origin\": \"file://" + www + "\", \"default\": \"index.html\" }]";
        String demo = "\"ws-protocols\": [{ \"dumb-increment-protocol\": {}, \"lws-mirror-protocol\": {}, \"lws-echo\": {} }]";
        server.config("client-it.json", "{ \"vhosts\": [\n"
                + "{ \"name\": \"localhost\", \"port\": \"" + port + "\", \"interface\": \"127.0.0.1\", " + mounts + ", " + demo + " },\n"
                + "{ \"name\": \"localhost\", \"port\": \"" + tlsPort + "\", \"interface\": \"127.0.0.1\", "
                + "\"host-ssl-cert\": \"client-it.crt.pem\", \"host-ssl-key\": \"client-it.key.pem\", \"generate-self-signed\": \"1\", "
                + mounts + ", " + demo + " },\n"
                + "{ \"name\": \"raw-test\", \"port\": \"" + rawPort + "\", \"interface\": \"127.0.0.1\", "
                + "\"fallback-to-raw\": \"1\", \"raw-fallback-timeout-ms\": \"1000\", " + mounts + ", "
                + "\"ws-protocols\": [{ \"protocol-lws-raw-test\": { \"raw\": \"1\", \"fifo-path\": \"" + fifo + "\" } }] }\n"
                + "] }\n");
        server.start();
        server.awaitListening(port, DistRun.BOOT_TIMEOUT);
        server.awaitLog("FIFO " + fifo + " created", Duration.ofMillis(T));
    }

    @Test
    void webSocketsJoinTheMirrorAndCount() throws Exception {
        try (Command c = server.client("client-ws", "ws://127.0.0.1:" + port + "/", "--rate", "50")) {
            c.awaitOut("dumb-increment counting to 20", s -> s.contains("dumb-increment: 20\n"), T);
            c.awaitOut("20 of our own circles back", s -> ownCircles(s) >= 20, T);
            c.endInput();
            assertEquals(0, c.awaitExit(T), "exit status after the end of input\n" + c.describe());
            assertTrue(c.err().contains("lws-mirror-protocol: closed"), c.describe());
        }
    }

    @Test
    void httpPrintsTheBody() throws Exception {
        try (Command c = server.client("client-http", "http://127.0.0.1:" + port + "/big.bin")) {
            assertEquals(0, c.awaitExit(T), c.describe());
            assertArrayEquals(big, Files.readAllBytes(c.out), "the body on standard output");
            assertTrue(c.err().contains("http: 200"), c.describe());
        }
    }

    @Test
    void tlsWebSocketsAndHttpsWithMinusK() throws Exception {
        assertFalse(server.bundles("org.lws4j.tls").isEmpty(), "the distribution has no tls bundle in bundle/");
        server.awaitLog("TLS on /127.0.0.1:" + tlsPort, Duration.ofMillis(T));
        try (Command c = server.client("client-https", "-k", "https://127.0.0.1:" + tlsPort + "/big.bin")) {
            assertEquals(0, c.awaitExit(T), c.describe());
            assertArrayEquals(big, Files.readAllBytes(c.out), "the body on standard output");
        }
        try (Command c = server.client("client-wss", "-k", "wss://127.0.0.1:" + tlsPort + "/", "--rate", "50")) {
            c.awaitOut("dumb-increment counting to 10", s -> s.contains("dumb-increment: 10\n"), T);
            c.awaitOut("10 of our own circles back", s -> ownCircles(s) >= 10, T);
            c.endInput();
            assertEquals(0, c.awaitExit(T), c.describe());
        }
    }

    @Test
    void rawRelaysToTheFallbackVhost() throws Exception {
        try (Command c = server.client("client-raw", "raw://127.0.0.1:" + rawPort)) {
            c.type("hello raw\n");
            c.awaitOut("the echo", s -> s.equals("hello raw\n"), T);
            c.type("second line\n");
            c.awaitOut("the second echo", s -> s.equals("hello raw\nsecond line\n"), T);
            c.endInput();
            assertEquals(0, c.awaitExit(T), c.describe());
        }
    }

    @Test
    void ncLinesEcho() throws Exception {
        Command.requirePeer("nc", "netcat-openbsd");
        try (Command nc = Command.start(server.home, "nc", List.of("nc", "127.0.0.1", Integer.toString(rawPort)))) {
            nc.type("typed into nc\n");
            nc.awaitOut("the echo", s -> s.equals("typed into nc\n"), T);
            nc.type("and more\n");
            nc.awaitOut("the second echo", s -> s.equals("typed into nc\nand more\n"), T);
        }
    }

    @Test
    void whatIsEchoedIntoTheFifoIsLogged() throws Exception {
        for (String word : List.of("hello", "again")) {
            Command echo = Command.start(server.home, "echo-" + word, List.of("sh", "-c", "echo " + word + " > '" + fifo + "'"));
            assertEquals(0, echo.awaitExit(T), echo.describe());
            server.awaitLog("protocol-lws-raw-test: FIFO " + fifo + ": " + (word.length() + 1) + " bytes: " + word, Duration.ofMillis(T));
        }
    }

    @Test
    void ctrlCStopsTheClient() throws Exception {
        try (Command c = server.client("client-ctrl-c", "ws://127.0.0.1:" + port + "/")) {
            c.awaitOut("dumb-increment counts", s -> s.contains("dumb-increment: 5\n"), T);
            c.interrupt();
            assertEquals(130, c.awaitExit(T), "exit status after SIGINT\n" + c.describe());
            assertTrue(c.err().contains("dumb-increment-protocol: closed"), "the WebSockets were not closed\n" + c.describe());
        }
    }

    /**
     * lws's test client (Debian's libwebsockets-test-client, lws 4.1.6) against us until it has
     * seen 20 dumb-increment counts and sent 100 circles: its circles must be mirrored (an lws4j
     * client in the same group sees them), and neither side may log an error.
     */
    @Test
    void libwebsocketsTestClientTalksToUs() throws Exception {
        Command.requirePeer(LWS_TEST_CLIENT, "libwebsockets-test-server");
        int logBefore = server.logText().length();
        try (Command watcher = server.client("client-mirror-watcher", "ws://127.0.0.1:" + port + "/", "--protocol",
                "lws-mirror-protocol", "--rate", "1")) {
            watcher.awaitOut("the watcher's first circle back", s -> ownCircles(s) >= 1, T);
            // -d 1039: errors, warnings, notices, info (dumb-increment's "rx") and user (each mirror send)
            Command lws = Command.start(server.home, "lws-test-client",
                    List.of(LWS_TEST_CLIENT, "127.0.0.1", "--port=" + port, "-d", "1039"));
            try {
                lws.awaitOutput("20 dumb-increment counts and 100 circles sent",
                        o -> dumbIncrementCounts(o) >= 20 && circlesSent(o) >= 100, T);
                lws.interrupt(); // its SIGINT handler ends the loop and destroys the context
                assertEquals(0, lws.awaitExit(T), lws.describe());
            } finally {
                lws.close();
            }
            String out = lws.out() + lws.err();
            List<String> errors = new ArrayList<>();
            for (String line : out.split("\n")) {
                if ((line.contains("] E: ") && !line.endsWith("E: Exiting")) || line.contains("CLIENT_CONNECTION_ERROR")
                        || line.contains("illegal rsv bits")) {
                    errors.add(line);
                }
            }
            assertTrue(errors.isEmpty(), "lws's test client reported errors: " + errors
                    + (out.contains("illegal rsv bits") ? "\n(we sent RSV1 frames it cannot take: permessage-deflate agreed on a"
                    + " protocol whose rx buffer lws finds too small for it)" : ""));
            assertTrue(out.contains("mirror: LWS_CALLBACK_CLIENT_ESTABLISHED"), "its mirror connection did not open\n" + Command.tail(out));
            long counts = dumbIncrementCounts(out);
            assertTrue(counts >= 20, "it saw " + counts + " dumb-increment counts\n" + Command.tail(out));
            long sent = circlesSent(out);
            assertTrue(sent >= 100, "it sent " + sent + " circles");
            watcher.awaitOut("its circles, mirrored to the watcher", s -> {
                Matcher w = lastMirrorLine(s);
                return w != null && Long.parseLong(w.group(2)) - Long.parseLong(w.group(3)) >= 100;
            }, T);
        }
        String ours = server.logText().substring(logBefore);
        List<String> errors = ours.lines().filter(l -> l.contains("] E: ")).toList();
        assertTrue(errors.isEmpty(), "the runtime logged errors while lws's test client ran: " + errors);
    }

    /** dumb-increment numbers lws's test client logged (-d 1039: its "rx" info lines). */
    static long dumbIncrementCounts(String lwsOutput) {
        return lwsOutput.lines().filter(l -> l.matches(".* I: rx \\d+ '\\d+'")).count();
    }

    /** Mirror circles lws's test client sent (one user line per WRITEABLE). */
    static long circlesSent(String lwsOutput) {
        return lwsOutput.lines().filter(l -> l.contains("LWS_CALLBACK_CLIENT_WRITEABLE")).count();
    }

    static long ownCircles(String out) {
        Matcher m = lastMirrorLine(out);
        return m == null ? 0 : Long.parseLong(m.group(3));
    }

    static Matcher lastMirrorLine(String out) {
        Matcher m = MIRROR.matcher(out);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        if (last == null) {
            return null;
        }
        Matcher l = MIRROR.matcher(last);
        l.matches();
        return l;
    }
}
