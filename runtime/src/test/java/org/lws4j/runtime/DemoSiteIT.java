package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo site as a visitor sees it: the distribution's embedded default config on
 * 127.0.0.1:7681, headless Chromium (Debian's, driven by playwright-core) going through every tab
 * ({@code src/test/peers/chromium-demo-site.cjs}): the dumb-increment counter rises, resets and
 * survives junk; a stroke drawn in one browser context shows on a second one's canvas; both close
 * paths show their code and reason; the status tab lists the test's own connections and viewers;
 * both forms post; and while this test stops the runtime the page is greyed out, clearing by itself
 * once the runtime is started again. A screenshot of each tab goes to {@code itests/target/demo-site/}.
 * Then {@code bin/lws4j fraggle} checks fragmented messages both ways against the same server.
 *
 * <p>It runs twice: over HTTP/1.1 on http://127.0.0.1:7681, and over HTTP/2 on
 * https://localhost:7682 (the demo's TLS vhost, its self-signed certificate accepted), where the
 * page must come over h2 ({@code nextHopProtocol}) and its WebSockets must open as HTTP/2 streams
 * (RFC 8441: lws-status tells the browser's own status socket {@code wss_over_h2} "1"); every
 * tab is checked the same way both times.
 */
class DemoSiteIT {
    static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);
    static final String BASE = "http://127.0.0.1:7681";
    /** The demo's TLS vhost: Chromium speaks HTTP/2 over TLS only (ALPN), never h2c. */
    static final String H2_BASE = "https://localhost:7682";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {BASE, H2_BASE})
    void theBrowserGoesThroughEveryTab(String base) throws Exception {
        boolean h2 = base.equals(H2_BASE);
        Path modules = Peers.nodeModules();
        Peers.requireChromium();
        DistRun.assertPortFree(7681);
        DistRun.assertPortFree(7682);
        Path shots = Paths.get(DistRun.property("lws4j.screenshots.dir")).resolve(h2 ? "h2" : "http1.1");
        Files.createDirectories(shots);
        try (var old = Files.list(shots)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        try (DistRun rt = DistRun.copy("demo-site")) {
            rt.start();
            awaitServing(rt);
            try {
                JsonNode result = runBrowser(rt, modules, shots, base);
                checkProtocol(result, h2);
                check(result, shots);
                if (!h2) {
                    fraggle(rt);
                }
            } catch (AssertionError | Exception e) {
                rt.failed("the demo site check failed");
                throw e;
            }
        }
    }

    /** Runs the browser script, stopping and starting the runtime when it asks; its final RESULT. */
    private static JsonNode runBrowser(DistRun rt, Path modules, Path shots, String base) throws Exception {
        Path script = Paths.get(DistRun.property("lws4j.peers.scripts")).resolve("chromium-demo-site.cjs");
        ProcessBuilder pb = new ProcessBuilder("node", script.toString(), base, shots.toString()).redirectErrorStream(true);
        pb.environment().put("NODE_PATH", modules.toString());
        pb.environment().put("CHROMIUM", Peers.CHROMIUM);
        Process node = pb.start();
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + SCRIPT_TIMEOUT.toNanos();
        Thread watchdog = new Thread(() -> {
            try {
                if (!node.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    node.descendants().forEach(ProcessHandle::destroyForcibly);
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-site-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                System.out.println("[chromium-demo-site] " + line);
                lines.add(line);
                if (line.equals("@@ stop")) {
                    long t0 = System.nanoTime();
                    int status = rt.stop(Duration.ofSeconds(30));
                    DistRun.assertPortFree(7681);
                    answer(in, "stopped with status " + status + " in " + millisSince(t0) + " ms");
                } else if (line.equals("@@ start")) {
                    long t0 = System.nanoTime();
                    rt.restart();
                    awaitServing(rt);
                    answer(in, "serving again " + millisSince(t0) + " ms after the start");
                }
            }
        }
        assertTrue(node.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), "node did not end");
        String all = String.join("\n", lines);
        assertEquals(0, node.exitValue(), "chromium-demo-site.cjs failed (screenshot of the moment in " + shots
                + "/failure.png):\n" + all);
        String last = lines.stream().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no RESULT line from the browser:\n" + all));
        return new ObjectMapper().readTree(last.substring("RESULT ".length()));
    }

    /**
     * The page and its subresources came over h2 (or HTTP/1.1), and the browser's WebSocket to
     * lws-status ran as an HTTP/2 stream (or not): the server says so in the report's wss_over_h2.
     */
    private static void checkProtocol(JsonNode r, boolean h2) {
        JsonNode p = r.at("/steps/protocol");
        assertEquals(h2 ? "h2" : "http/1.1", p.get("navigation").asText(), "the page's nextHopProtocol: " + p);
        for (JsonNode sub : p.get("resources")) {
            assertEquals(h2 ? "h2" : "http/1.1", sub.asText(), "every subresource's nextHopProtocol: " + p);
        }
        assertTrue(p.get("resources").size() >= 2, "the page's scripts and style sheet: " + p);
        assertEquals(h2 ? "1" : "0", p.get("wssOverH2").asText(), "lws-status's wss_over_h2 for the browser's socket: " + p);
    }

    private static void check(JsonNode r, Path shots) throws Exception {
        System.out.println("[demo-site] " + r.get("browser").asText() + ", mirror group " + r.get("group").asText());
        assertEquals(0, r.get("pageErrors").size(), "JavaScript errors on the page: " + r.get("pageErrors"));
        JsonNode s = r.get("steps");

        JsonNode di = s.get("dumbIncrement");
        assertTrue(di.get("v2").asInt() >= di.get("v1").asInt() + 10, "the counter rises: " + di);
        assertTrue(di.get("afterReset").asInt() < 10, "Reset counter takes it back: " + di);
        assertEquals("open", di.get("junkState").asText(), "Send junk leaves the socket open: " + di);
        assertTrue(di.get("afterJunk").asInt() > di.get("afterReset").asInt(), "the counter runs on after junk: " + di);

        JsonNode mirror = s.get("mirror");
        assertTrue(mirror.get("segmentsB").asInt() > 0, "the stroke from context A reached context B: " + mirror);
        assertEquals(1, mirror.get("circlesA").asInt(), "the circle sent as lws's client sends it: " + mirror);

        JsonNode byPage = s.at("/closeTesting/byPage");
        assertEquals("this page", byPage.get("by").asText(), byPage.toString());
        assertEquals("3000", byPage.get("code").asText(), byPage.toString());
        assertTrue(byPage.get("reason").asText().contains("Bye!"), byPage.toString());
        JsonNode byServer = s.at("/closeTesting/byServer");
        assertEquals("the server", byServer.get("by").asText(), byServer.toString());
        assertEquals("1001", byServer.get("code").asText(), byServer.toString());
        assertTrue(byServer.get("reason").asText().contains("Seeya"), byServer.toString());

        checkServerInfo(s.get("serverInfo"));

        JsonNode post = s.get("post");
        assertTrue(post.at("/urlencoded/url").asText().endsWith("/formtest"), post.toString());
        assertTrue(post.at("/urlencoded/text").asText().contains("hello from chromium"), post.toString());
        String multipart = post.at("/multipart/text").asText();
        assertTrue(multipart.contains("it-upload.bin"), multipart);
        assertTrue(multipart.contains(post.at("/multipart/sha256").asText()), "the upload's SHA-256 as the server computed it: "
                + multipart);
        assertTrue(multipart.contains(post.at("/multipart/size").asInt() + " bytes"), multipart);

        JsonNode chat = s.at("/jakartaChat/log");
        assertTrue(chat.toString().contains("chromium: hello from the demo page"),
                "the Jakarta chat broadcast the page's message back to it: " + chat);
        JsonNode big = s.at("/bigPicture/big");
        assertEquals(200, big.get("status").asInt(), big.toString());
        assertEquals("image/png", big.get("type").asText(), big.toString());
        assertEquals(bigPictureSize(), big.get("bytes").asLong(), "the whole picture, byte for byte in count");

        JsonNode dim = s.get("dimming");
        // 143 = 128 + SIGTERM: the JVM ended by the signal once its shutdown hooks (Felix's stop) ran
        assertTrue(dim.get("stopped").asText().startsWith("stopped with status 143 "), "the runtime stopped cleanly: " + dim);
        assertTrue(dim.get("stillDimmed").asBoolean(), "the page stays grey while the server is away: " + dim);
        assertTrue(dim.at("/overlay/inert").asBoolean(), "the page cannot be used while grey: " + dim);
        assertFalse(dim.get("mainInertAfter").asBoolean(), "the grey clears once the server is back: " + dim);

        for (String shot : List.of("1-dumb-increment", "2-mirror", "2-mirror-second-context", "3-close-testing",
                "4-server-info", "5-post", "5-post-urlencoded-answer", "5-post-multipart-answer", "6-big-picture",
                "9-dimmed-server-stopped", "10-back-after-restart")) {
            Path png = shots.resolve(shot + ".png");
            assertTrue(Files.size(png) > 10_000, "screenshot " + png);
        }
        System.out.println("[demo-site] screenshots in " + shots + "; dimmed after " + dim.get("dimmedAfterMs")
                + " ms, cleared " + dim.get("clearedAfterMs") + " ms after the server was back");
    }

    /** The status table lists this test's sockets from 127.0.0.1, and the viewers list names this browser. */
    private static void checkServerInfo(JsonNode si) {
        int dumb = 0;
        int mirror = 0;
        int status = 0;
        for (JsonNode row : si.get("rows")) {
            String protocol = row.get(2).asText();
            String peer = row.get(4).asText();
            // https://localhost goes over IPv6 where it can: ::1, written out in full
            if (!peer.startsWith("127.0.0.1:") && !peer.startsWith("0:0:0:0:0:0:0:1:")) {
                continue;
            }
            switch (protocol) {
                case "dumb-increment-protocol" -> dumb++;
                case "lws-mirror-protocol" -> mirror++;
                case "lws-status" -> status++;
                default -> {
                }
            }
        }
        assertTrue(dumb >= 2 && mirror >= 2 && status >= 2, "both browser contexts' sockets listed: " + si.get("rows"));
        String ua = si.get("userAgent").asText();
        boolean named = false;
        for (JsonNode v : si.get("viewers")) {
            named |= v.asText().contains(ua);
        }
        assertTrue(named, "the viewers list shows this browser's User-Agent (" + ua + "): " + si.get("viewers"));
        assertTrue(si.get("reports").asInt() >= 3, "lws-status pushed several reports: " + si);
        String facts = si.get("facts").toString();
        assertTrue(facts.contains(":7681") && facts.contains(":7682"), "the vhosts with their ports: " + facts);
        assertTrue(facts.contains("Limits: max-connections ") && facts.contains("ws-max-message-size 64.0 MiB"),
                "the limits in force: " + facts);
    }

    /** bin/lws4j fraggle against the demo: every sum matches both ways, exit 0. */
    private static void fraggle(DistRun rt) throws Exception {
        Command.Run r = Command.run(Duration.ofSeconds(60), null, rt.home.resolve("bin/lws4j").toString(), "fraggle",
                "ws://127.0.0.1:7681/");
        System.out.println("[demo-site] bin/lws4j fraggle:\n" + r.out().strip());
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("received 10 of 10 messages correctly") && r.out().contains("the server found 10 of 10 correct"),
                r.out());
    }

    private static long bigPictureSize() throws IOException {
        try (JarFile jar = new JarFile(DistRun.property("lws4j.test-server.jar"))) {
            ZipEntry e = jar.getEntry("site/big-picture.png");
            assertNotNull(e, "no site/big-picture.png in the test-server jar");
            return e.getSize();
        }
    }

    private static void awaitServing(DistRun rt) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        rt.await("the demo index on " + BASE, DistRun.BOOT_TIMEOUT, () -> {
            try {
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(BASE + "/"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                return res.statusCode() == 200 ? Optional.of(true) : Optional.empty();
            } catch (IOException notYet) {
                return Optional.empty();
            }
        });
    }

    private static void answer(Writer in, String text) throws IOException {
        System.out.println("[demo-site] " + text);
        in.write(text + "\n");
        in.flush();
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
