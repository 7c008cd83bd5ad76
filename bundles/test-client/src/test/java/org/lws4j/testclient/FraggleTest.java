package org.lws4j.testclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.Connection;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.protocol.fraggle.FraggleProtocol;

/**
 * {@code lws4j fraggle}, run in this JVM against fraggle-protocol in this JVM: both directions
 * checked; and against a server that lies about its sums and judges nothing (as lws's server
 * judges nothing).
 */
class FraggleTest {
    static final Pattern SUMMARY = Pattern.compile(
            "fraggle: received (\\d+) of (\\d+) messages correctly, sent (\\d+), the server found (\\d+) of (\\d+) correct");

    @TempDir
    static Path dir;
    static LocalServer server;

    /** Sends [1, 2, 3] and then the sum 7 (it is 6), forever, and ignores what comes in. */
    static final class LyingServer extends ProtocolAdapter {
        private boolean sumNext;

        @Override
        protected Result onEstablished(Connection wsi, ByteBuffer in) {
            wsi.requestWriteable();
            return Result.CONTINUE;
        }

        @Override
        protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
            byte[] b = sumNext ? new byte[] {0, 0, 0, 7} : new byte[] {1, 2, 3};
            sumNext = !sumNext;
            wsi.write(ByteBuffer.wrap(b), WriteMode.BINARY);
            wsi.setTimer(20, java.util.concurrent.TimeUnit.MILLISECONDS);
            return Result.CONTINUE;
        }

        @Override
        protected Result onTimer(Connection wsi, ByteBuffer in) {
            wsi.requestWriteable();
            return Result.CONTINUE;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new LocalServer(dir, Map.of(FraggleProtocol.NAME, new FraggleProtocol()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static int run(ClientRun.Capture out, ClientRun.Capture err, String... args) {
        return new Fraggle(Fraggle.Args.parse(args), new PrintStream(out, true), new PrintStream(err, true)).run();
    }

    @Test
    void bothWaysEverySumMatches() {
        ClientRun.Capture out = new ClientRun.Capture();
        ClientRun.Capture err = new ClientRun.Capture();
        int status = run(out, err, "ws://127.0.0.1:" + server.port + "/", "--messages", "5");
        String o = out.toString();
        assertEquals(0, status, o + "\nlog:\n" + err);
        for (int i = 1; i <= 5; i++) {
            assertTrue(Pattern.compile("(?m)^rx " + i + ": \\d+ bytes in \\d+ pieces, sum 0x[0-9a-f]{8}: ok$").matcher(o).find(), o);
            assertTrue(Pattern.compile("(?m)^tx " + i + ": \\d+ bytes in \\d+ fragments, sum 0x[0-9a-f]{8}$").matcher(o).find(), o);
            assertTrue(Pattern.compile("(?m)^server: ok " + i + " \\d+ 0x[0-9a-f]{8}$").matcher(o).find(), o);
        }
        Matcher m = SUMMARY.matcher(o);
        assertTrue(m.find(), o);
        assertEquals("fraggle: received 5 of 5 messages correctly, sent 5, the server found 5 of 5 correct", m.group());
        // what we sent is what the server summed
        Matcher tx = Pattern.compile("(?m)^tx (\\d+): (\\d+) bytes in \\d+ fragments, sum (0x[0-9a-f]{8})$").matcher(o);
        while (tx.find()) {
            assertTrue(o.contains("server: ok " + tx.group(1) + " " + tx.group(2) + " " + tx.group(3) + "\n"), tx.group());
        }
    }

    @Test
    void aWrongSumIsAnErrorAndASilentServerIsSaidToBeOne() throws Exception {
        ClientRun.Capture out = new ClientRun.Capture();
        ClientRun.Capture err = new ClientRun.Capture();
        int status;
        // the liar answers to fraggle-protocol's name there
        try (LocalServer liar = new LocalServer(dir, Map.of(FraggleProtocol.NAME, new LyingServer()))) {
            status = run(out, err, "ws://127.0.0.1:" + liar.port + "/", "--messages", "2", "--no-deflate");
        }
        String o = out.toString();
        assertEquals(1, status, o);
        assertTrue(o.contains("rx 1: 3 bytes in 1 pieces, sum 0x00000006: ERROR, the server says 0x00000007\n"), o);
        assertTrue(o.contains("fraggle: received 0 of 2 messages correctly, sent 2, the server found 0 of 2 correct\n"), o);
        assertTrue(o.contains("the server judged none of what we sent"), o);
    }

    @Test
    void badCommandLines() {
        assertThrows(IllegalArgumentException.class, () -> Fraggle.Args.parse());
        assertThrows(IllegalArgumentException.class, () -> Fraggle.Args.parse("http://x/"));
        assertThrows(IllegalArgumentException.class, () -> Fraggle.Args.parse("ws://x/", "--messages", "-1"));
        assertThrows(IllegalArgumentException.class, () -> Fraggle.Args.parse("ws://x/", "--bogus"));
        assertEquals(3, Fraggle.Args.parse("wss://x/", "--messages=3", "-k").messages());
    }
}
