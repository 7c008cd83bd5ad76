package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * permessage-deflate against real peers, on the real runtime: the npm {@code ws} client and
 * Debian's python3-websockets each run the whole parameter matrix through lws-echo (scripts in
 * src/test/peers), headless Chromium echoes messages from a page the runtime serves, and a
 * decompression bomb gets close 1009 from a runtime with a 256 MiB heap.
 *
 * <p>The runtime allows messages of 17 MiB ({@code ws-max-message-size}): room for the peers' 16 MiB
 * messages, and far less than the bomb's 100 MB.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeflatePeersIT {
    private static final int PORT = 7791;
    private static final long MAX_MESSAGE = 17L << 20;
    private static final Duration PEER_TIMEOUT = Duration.ofMinutes(5);

    private static DeflateRuntime rt;

    @RegisterExtension
    static final TestWatcher DUMP_LOG_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (rt != null) {
                rt.failed(context.getDisplayName() + " failed");
            }
        }
    };

    @BeforeAll
    static void start() throws Exception {
        rt = DeflateRuntime.start("deflate-peers", PORT, "\"ws-max-message-size\": \"" + MAX_MESSAGE + "\"", false);
    }

    @AfterAll
    static void stop() throws Exception {
        if (rt != null) {
            rt.close();
        }
    }

    private static Path script(String name) {
        return Paths.get(DeflateRuntime.property("lws4j.peers.scripts")).resolve(name);
    }

    private static Path itLog(String name) {
        return Paths.get(DeflateRuntime.property("lws4j.it.dir")).resolve(name);
    }

    @Test
    @Order(1)
    void npmWsClientMatrix() throws Exception {
        Path modules = Peers.nodeModules();
        Peers.Result r = Peers.run("ws", List.of("node", script("ws-deflate-matrix.cjs").toString(), rt.ws()),
                Map.of("NODE_PATH", modules.toString()), PEER_TIMEOUT, itLog("deflate-ws.log"));
        assertEquals(0, r.exit(), "the ws client matrix failed:\n" + r.output());
        assertTrue(r.output().contains("0 failed"), r.output());
    }

    @Test
    @Order(2)
    void pythonWebsocketsMatrix() throws Exception {
        Peers.requirePythonWebsockets();
        Peers.Result r = Peers.run("python3-websockets", List.of(Peers.PYTHON, script("python-deflate-matrix.py").toString(), rt.ws()),
                Map.of(), PEER_TIMEOUT, itLog("deflate-python.log"));
        assertEquals(0, r.exit(), "the python3-websockets matrix failed:\n" + r.output());
        assertTrue(r.output().contains("0 failed"), r.output());
    }

    @Test
    @Order(3)
    void chromiumEchoesThroughDeflate() throws Exception {
        Peers.requireChromium();
        Path modules = Peers.nodeModules();
        Peers.Result r = Peers.run("chromium", List.of("node", script("chromium-deflate-echo.cjs").toString(),
                        rt.http("/deflate-echo.html").toString()),
                Map.of("NODE_PATH", modules.toString(), "CHROMIUM", Peers.CHROMIUM), Duration.ofMinutes(3), itLog("deflate-chromium.log"));
        assertEquals(0, r.exit(), "the Chromium page failed:\n" + r.output());
        assertTrue(r.output().contains("ws.extensions \"permessage-deflate"), r.output());
        assertTrue(r.output().contains("10 messages echoed, 0 failed"), r.output());
    }

    @Test
    @Order(4)
    void decompressionBombGets1009() throws Exception {
        byte[] bomb = bomb(100_000_000);
        assertTrue(bomb.length < 200_000, "the bomb is " + bomb.length + " bytes");
        try (RawWs ws = RawWs.connect(PORT, "permessage-deflate")) {
            assertEquals(101, ws.status);
            assertEquals("permessage-deflate", ws.extensions());
            try {
                ws.send(RawWs.BINARY, true, bomb);
            } catch (IOException e) {
                // the server may close before it has read it all; its Close is still there to read
            }
            // lws-echo streams back what it got before the limit was crossed: skip that, up to the Close
            RawWs.Frame f = ws.read();
            for (int frames = 0; f.opcode() != RawWs.CLOSE && frames < 100_000; frames++) {
                assertTrue(f.opcode() == RawWs.BINARY || f.opcode() == 0, "unexpected opcode " + f.opcode());
                f = ws.read();
            }
            assertEquals(RawWs.CLOSE, f.opcode(), "expected a Close frame, got opcode " + f.opcode());
            assertEquals(1009, f.closeCode(), "close code for a message that inflates to 100 MB (limit " + MAX_MESSAGE + ")");
        }
        // the server is still there, serving, and never ran out of memory
        assertTrue(rt.alive(), "the runtime died");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(rt.http("/deflate-echo.html")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        try (RawWs ws = RawWs.connect(PORT, "permessage-deflate")) {
            ws.sendCompressedText("still here");
            assertEquals("still here", ws.readText());
        }
        assertFalse(rt.log().contains("OutOfMemoryError"), "OutOfMemoryError in the runtime's log");
    }

    /** {@code size} zero bytes compressed as one permessage-deflate message (trailer stripped). */
    static byte[] bomb(long size) {
        Deflater d = new Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        byte[] buf = new byte[1 << 16];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long left = size; left > 0; ) {
            int n = (int) Math.min(left, zeros.length);
            left -= n;
            d.setInput(zeros, 0, n);
            int flush = left == 0 ? Deflater.SYNC_FLUSH : Deflater.NO_FLUSH;
            int k;
            do {
                k = d.deflate(buf, 0, buf.length, flush);
                out.write(buf, 0, k);
            } while (k == buf.length || !d.needsInput());
        }
        d.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }
}
