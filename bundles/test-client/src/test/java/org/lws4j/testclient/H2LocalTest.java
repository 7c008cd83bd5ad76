package org.lws4j.testclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test client with {@code --h2} against the demo protocols in this JVM on cleartext (h2c with
 * prior knowledge), the server with permessage-deflate installed: the demo pair and lws-echo run
 * as WebSockets over h2 streams (RFC 8441), permessage-deflate agreed where the server agrees to
 * it over HTTP/1.1 (the mirror, lws-echo), and a GET is an h2 exchange.
 */
class H2LocalTest {
    @TempDir
    static Path dir;
    static LocalServer server;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("hello.txt"), "hello from the server\n");
        server = new LocalServer(dir);
        assertTrue(PlugIns.installDeflate(server.ctx), "permessage-deflate is on the test classpath");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void demoPairOverH2WithDeflate() throws Exception {
        try (ClientRun c = new ClientRun("ws://127.0.0.1:" + server.port + "/", "--h2", "--rate", "50")) {
            c.awaitOut("dumb-increment counts up to 10", s -> s.contains("dumb-increment: 10\n"), 10_000);
            c.awaitOut("10 of our own circles back", s -> TestClientTest.ownCircles(s) >= 10, 10_000);
            String err = c.err.toString();
            // the server agrees to permessage-deflate for the mirror (as over HTTP/1.1; not for dumb-increment)
            assertTrue(err.contains("lws-mirror-protocol: opened mirror connection") && err.contains("[permessage-deflate] over HTTP/2"), err);
            assertTrue(err.contains("dumb-increment-protocol: established over HTTP/2"), err);
            c.endInput();
            assertEquals(0, c.awaitExit(5000), err);
        }
    }

    @Test
    void echoLinesOverH2() throws Exception {
        try (ClientRun c = new ClientRun("ws://127.0.0.1:" + server.port + "/", "--h2", "--protocol", "lws-echo")) {
            c.type("one\n" + "x".repeat(70_000) + "\n");
            c.awaitOut("two echoes", s -> s.equals("one\n" + "x".repeat(70_000) + "\n"), 5000);
            c.endInput();
            assertEquals(0, c.awaitExit(5000));
            assertTrue(c.err.toString().contains("lws-echo: established with [permessage-deflate") && c.err.toString().contains("over HTTP/2"),
                    c.err.toString());
        }
    }

    @Test
    void getOverH2() throws Exception {
        try (ClientRun c = new ClientRun("http://127.0.0.1:" + server.port + "/hello.txt", "--h2")) {
            assertEquals(0, c.awaitExit(10_000), c.err.toString());
            assertEquals("hello from the server\n", c.out.toString());
            assertTrue(c.err.toString().contains("http: 200 from") && c.err.toString().contains("over HTTP/2"), c.err.toString());
        }
    }
}
