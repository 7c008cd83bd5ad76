package org.lws4j.testclient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test client, run in this JVM as {@code lws4j client} runs it, against the demo protocols
 * in this JVM ({@link LocalServer}): what it prints and how it ends in each mode.
 */
class TestClientTest {
    static final Pattern MIRROR = Pattern.compile("mirror: sent (\\d+) circles, received (\\d+) messages, (\\d+) of them ours");

    @TempDir
    static Path dir;
    static LocalServer server;
    static byte[] big;

    @BeforeAll
    static void start() throws Exception {
        big = new byte[1 << 20]; // four times what the client's output holds back: the read waits for the printing
        new Random(7).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        Files.writeString(dir.resolve("hello.txt"), "hello from the server\n");
        server = new LocalServer(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void webSocketsShowCountsAndOurOwnCircles() throws Exception {
        try (ClientRun c = new ClientRun("ws://127.0.0.1:" + server.port + "/", "--rate", "50")) {
            c.awaitOut("dumb-increment counts up to 10", s -> s.contains("dumb-increment: 10\n"), 10_000);
            String out = c.awaitOut("a mirror line with 10 of our circles", s -> ownCircles(s) >= 10, 10_000);
            Matcher m = lastMirrorLine(out);
            assertTrue(Long.parseLong(m.group(2)) >= Long.parseLong(m.group(3)), m.group());
            c.endInput();
            assertEquals(0, c.awaitExit(5000), "exit status after the end of input; log:\n" + c.err);
            assertTrue(c.err.toString().contains("lws-mirror-protocol: closed"), c.err.toString());
        }
    }

    @Test
    void httpPrintsTheBodyExactly() throws Exception {
        try (ClientRun c = new ClientRun("http://127.0.0.1:" + server.port + "/big.bin")) {
            assertEquals(0, c.awaitExit(20_000));
            assertArrayEquals(big, c.out.bytes(), "the body on standard output");
            assertTrue(c.err.toString().contains("http: 200 from"), c.err.toString());
        }
    }

    @Test
    void rawRelaysBothWays() throws Exception {
        try (ClientRun c = new ClientRun("raw://127.0.0.1:" + server.rawPort)) {
            c.type("hello raw\n");
            c.awaitOut("the echo", s -> s.equals("hello raw\n"), 5000);
            c.type("second line\n");
            c.endInput();
            assertEquals(0, c.awaitExit(RawRelay.LINGER_MS + 5000));
            assertEquals("hello raw\nsecond line\n", c.out.toString(), "the echo of both lines, sent before the end of input");
        }
    }

    @Test
    void aProtocolOfOurChoiceSendsLinesAndPrintsMessages() throws Exception {
        try (ClientRun c = new ClientRun("ws://127.0.0.1:" + server.port + "/", "--protocol", "lws-echo")) {
            c.type("one\ntwo\n");
            c.awaitOut("two echoes", s -> s.equals("one\ntwo\n"), 5000);
            c.type("three");
            c.endInput(); // the last line without its line break is sent too, then the close handshake
            assertEquals(0, c.awaitExit(5000));
            assertEquals("one\ntwo\nthree\n", c.out.toString());
        }
    }

    @Test
    void aConnectionErrorEndsWithStatus1() throws Exception {
        int closed = LocalServer.freePort();
        for (String url : new String[] {"http://127.0.0.1:" + closed + "/", "raw://127.0.0.1:" + closed}) {
            try (ClientRun c = new ClientRun(url)) {
                assertEquals(1, c.awaitExit(10_000), url);
                assertTrue(c.err.toString().contains("CLIENT_CONNECTION_ERROR"), c.err.toString());
            }
        }
    }

    static long ownCircles(String out) {
        Matcher m = lastMirrorLine(out);
        return m == null ? 0 : Long.parseLong(m.group(3));
    }

    static Matcher lastMirrorLine(String out) {
        Matcher m = MIRROR.matcher(out);
        Matcher last = null;
        while (m.find()) {
            last = MIRROR.matcher(m.group());
            last.matches();
        }
        return last;
    }
}
