package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * permessage-deflate is a live-pluggable bundle: with its jar in deploy/ (Felix FileInstall), a
 * connection negotiates it; deleting the jar stops the bundle, new handshakes no longer get it,
 * connections that had it are closed with 1001 and connections without it go on; putting the jar
 * back makes the next handshakes negotiate it again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeflateHotPlugIT {
    private static final int PORT = 7792;
    private static final String OFFER = "permessage-deflate; client_max_window_bits";
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(30);

    private static DistRun rt;
    private static Path deployed;
    private static RawWs compressed;
    private static RawWs plain;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        rt = DistRun.copy("deflate-hotplug");
        DeflatePeersIT.startForDeflate(rt, PORT, "", true);
        try (var s = Files.list(rt.home.resolve("deploy"))) {
            deployed = s.filter(p -> p.getFileName().toString().startsWith("org.lws4j.ext-deflate")).findFirst()
                    .orElseThrow(() -> new AssertionError("no ext-deflate jar in deploy/"));
        }
        rt.awaitLog("extension permessage-deflate available", CHANGE_TIMEOUT);
    }

    @AfterAll
    static void stop() throws Exception {
        for (RawWs c : new RawWs[] {compressed, plain}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Order(1)
    void deployedBundleIsNegotiated() throws Exception {
        compressed = RawWs.connect(PORT, OFFER);
        assertEquals(101, compressed.status);
        assertEquals("permessage-deflate", compressed.extensions());
        compressed.sendCompressedText("hello, compressed");
        RawWs.Message m = compressed.readMessage();
        assertEquals("hello, compressed", m.text());
        assertTrue(m.compressed(), "the echo came without RSV1");

        plain = RawWs.connect(PORT, null);
        assertEquals(101, plain.status);
        assertEquals("", plain.extensions());
        plain.send(RawWs.TEXT, false, "hello, plain".getBytes(StandardCharsets.UTF_8));
        assertEquals(new RawWs.Message(RawWs.TEXT, "hello, plain", false), plain.readMessage());
    }

    @Test
    @Order(2)
    void removedBundleClosesItsConnectionsWith1001AndIsNoLongerNegotiated() throws Exception {
        Files.delete(deployed);
        RawWs.Frame f = compressed.read(); // FileInstall polls every second; the read waits up to 30 s
        assertEquals(RawWs.CLOSE, f.opcode(), "expected a Close frame, got opcode " + f.opcode());
        assertEquals(1001, f.closeCode(), "close code for a connection whose extension went away");
        rt.awaitLog("extension permessage-deflate gone", CHANGE_TIMEOUT);

        // the connection without the extension did not notice
        plain.send(RawWs.TEXT, false, "still here".getBytes(StandardCharsets.UTF_8));
        assertEquals(new RawWs.Message(RawWs.TEXT, "still here", false), plain.readMessage());

        awaitAnswer("", "new handshakes to stop negotiating permessage-deflate");
        try (RawWs c = RawWs.connect(PORT, OFFER)) {
            c.send(RawWs.TEXT, false, "uncompressed".getBytes(StandardCharsets.UTF_8));
            assertEquals(new RawWs.Message(RawWs.TEXT, "uncompressed", false), c.readMessage());
        }
    }

    @Test
    @Order(3)
    void bundleBackIsNegotiatedAgain() throws Exception {
        Path jar = Paths.get(DistRun.property("lws4j.ext-deflate.jar"));
        rt.deploy(jar, deployed.getFileName().toString());
        awaitAnswer("permessage-deflate", "new handshakes to negotiate permessage-deflate again");
        try (RawWs c = RawWs.connect(PORT, OFFER)) {
            assertEquals("permessage-deflate", c.extensions());
            for (int i = 0; i < 3; i++) {
                c.sendCompressedText("again " + i);
                RawWs.Message m = c.readMessage();
                assertEquals("again " + i, m.text());
                assertTrue(m.compressed());
            }
        }
        plain.send(RawWs.TEXT, false, "and still".getBytes(StandardCharsets.UTF_8));
        assertEquals("and still", plain.readText());
    }

    /** Polls handshakes with the offer until the Sec-WebSocket-Extensions answer is {@code expected}. */
    private static void awaitAnswer(String expected, String what) throws Exception {
        long deadline = System.nanoTime() + CHANGE_TIMEOUT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try (RawWs c = RawWs.connect(PORT, OFFER)) {
                assertEquals(101, c.status);
                last = c.extensions();
                if (last.equals(expected)) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        fail("timed out after " + CHANGE_TIMEOUT.toSeconds() + " s waiting for " + what + "; last answer: \"" + last + "\"");
    }
}
