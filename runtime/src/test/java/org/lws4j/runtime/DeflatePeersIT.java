package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    private static DistRun rt;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        rt = DistRun.copy("deflate-peers");
        startForDeflate(rt, PORT, "\"ws-max-message-size\": \"" + MAX_MESSAGE + "\"", false);
    }

    /**
     * Starts {@code rt} as the permessage-deflate tests want it, on a port of its own: the demo
     * site's bundle is taken out (it listens on 7681), and a conf.d vhost on 127.0.0.1 serves
     * {@code www/} (the browser test's page) with {@code lws-echo} as the default WebSocket
     * protocol. Global settings (such as {@code ws-max-message-size}) go into the same file.
     * Optionally the ext-deflate jar is moved from bundle/ to deploy/, so a test can take it away
     * and bring it back through FileInstall.
     *
     * <p>The JVM runs with a small heap (-Xmx256m): a decompression bomb inflated whole would not fit.
     *
     * @param global JSON members of the "global" section, e.g. {@code "ws-max-message-size": "1000"}, or ""
     * @param deflateInDeploy put the ext-deflate jar in deploy/ instead of bundle/
     */
    static void startForDeflate(DistRun rt, int port, String global, boolean deflateInDeploy) throws Exception {
        DistRun.assertPortFree(port);
        rt.withoutDemo();
        if (deflateInDeploy) {
            rt.toDeploy("org.lws4j.ext-deflate-", "org.lws4j.ext-deflate.jar");
        }
        Path www = Files.createDirectories(rt.home.resolve("www"));
        Files.copy(script("deflate-echo.html"), www.resolve("deflate-echo.html"));
        rt.config("deflate-it.json", "{ \"global\": { " + global + " },\n"
                + "  \"vhosts\": [ { \"name\": \"" + rt.name + "\", \"port\": \"" + port + "\", \"interface\": \"" + DistRun.HOST + "\",\n"
                + "    \"mounts\": [ { \"mountpoint\": \"/\", \"origin\": \"" + www.toUri() + "\", \"default\": \"deflate-echo.html\" } ],\n"
                + "    \"ws-protocols\": [ { \"lws-echo\": { \"default\": \"1\" } } ] } ] }\n");
        rt.javaOpts = "-Xmx256m";
        rt.start();
        rt.awaitLog("protocol lws-echo bound", DistRun.BOOT_TIMEOUT);
        if (!deflateInDeploy) {
            rt.awaitLog("extension permessage-deflate available", DistRun.BOOT_TIMEOUT);
        }
        rt.awaitListening(port, DistRun.BOOT_TIMEOUT);
    }

    private static Path script(String name) {
        return Paths.get(DistRun.property("lws4j.peers.scripts")).resolve(name);
    }

    private static String ws() {
        return "ws://" + DistRun.HOST + ":" + PORT + "/";
    }

    private static URI http(String path) {
        return URI.create("http://" + DistRun.HOST + ":" + PORT + path);
    }

    private static Path itLog(String name) {
        return Paths.get(DistRun.property("lws4j.it.dir")).resolve(name);
    }

    @Test
    @Order(1)
    void npmWsClientMatrix() throws Exception {
        Path modules = Peers.nodeModules();
        Peers.Result r = Peers.run("ws", List.of("node", script("ws-deflate-matrix.cjs").toString(), ws()),
                Map.of("NODE_PATH", modules.toString()), PEER_TIMEOUT, itLog("deflate-ws.log"));
        assertEquals(0, r.exit(), "the ws client matrix failed:\n" + r.output());
        assertTrue(r.output().contains("0 failed"), r.output());
    }

    @Test
    @Order(2)
    void pythonWebsocketsMatrix() throws Exception {
        Peers.requirePythonWebsockets();
        Peers.Result r = Peers.run("python3-websockets", List.of(Peers.PYTHON, script("python-deflate-matrix.py").toString(), ws()),
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
                        http("/deflate-echo.html").toString()),
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
        assertTrue(rt.isAlive(), "the runtime died");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(http("/deflate-echo.html")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        try (RawWs ws = RawWs.connect(PORT, "permessage-deflate")) {
            ws.sendCompressedText("still here");
            assertEquals("still here", ws.readText());
        }
        assertFalse(rt.logText().contains("OutOfMemoryError"), "OutOfMemoryError in the runtime's log");
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
