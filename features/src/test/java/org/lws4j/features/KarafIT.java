package org.lws4j.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The features in a stock Karaf 4.4 (see {@link Karaf}), one Karaf for the whole class, never
 * restarted: the demo from {@code feature:install lws4j-test-server}; protocol features uninstalled
 * and reinstalled under a live WebSocket of another protocol; the {@code lws:} commands through the
 * Karaf client; vhosts from {@code etc/org.lws4j.vhost-NAME.cfg} added, edited, refused when bad,
 * removed; the Jakarta chat example's feature serving its rooms, and uninstalled under a live
 * WebSocket of another protocol (its own sessions closed with 1001, nothing else); the metrics
 * feature installed (the demo's /metrics serves, counting) and uninstalled (it answers 503). The
 * demo site's ports (7681, 7682) are fixed by the test-server bundle.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KarafIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DEMO = "http://127.0.0.1:7681";
    private static Karaf karaf;
    /** A dumb-increment WebSocket kept open from the first test on: nothing else may disturb it. */
    private static Ws counter;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startKaraf() throws Exception {
        for (int port : new int[] {7681, 7682}) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(port)) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                fail("port " + port + " is taken (another lws4j or Karaf running?): the demo site needs it");
            }
        }
        long t0 = System.nanoTime();
        karaf = Karaf.prepare();
        karaf.start();
        System.out.printf("[KarafIT] Karaf up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stopKaraf() throws Exception {
        if (counter != null) {
            counter.ws.abort();
        }
        if (karaf != null) {
            Path copy = Paths.get(Karaf.property("lws4j.it.dir")).resolve("karaf.log");
            Files.writeString(copy, karaf.log());
            System.out.println("[KarafIT] Karaf's log: " + copy);
            long t0 = System.nanoTime();
            karaf.stop();
            System.out.printf("[KarafIT] Karaf stopped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    // ---- the steps ---------------------------------------------------------------------------------

    @Test
    @Order(1)
    void testServerFeatureServesTheDemo() throws Exception {
        String version = Karaf.property("lws4j.version");
        karaf.client("feature:repo-add mvn:org.lws4j/features/" + version + "/xml/features");
        // scr first: installing it refreshes Karaf's shell, which would cut the next command's session
        install("scr");
        install("lws4j-test-server");
        Karaf.await("the demo to listen on 7681", WAIT, () -> {
            String log = karaf.log();
            if (log.contains("cannot listen on 0.0.0.0/0.0.0.0:7681")) {
                fail("port 7681 was taken by another process while the demo started");
            }
            return log.contains("listening on 0.0.0.0/0.0.0.0:7681") ? Optional.of(true) : Optional.empty();
        });
        String page = awaitGet(DEMO + "/", 200);
        assertTrue(page.contains("<html") || page.contains("<!DOCTYPE"), page);
        // Karaf starts the feature's bundles one by one: the vhost may listen before a protocol is bound
        awaitGet(DEMO + "/dyn", 200);
        Karaf.await("dumb-increment-protocol to be bound", WAIT, () -> karaf.log()
                .contains("vhost localhost: protocol dumb-increment-protocol bound") ? Optional.of(true) : Optional.empty());

        counter = Ws.open(http, DEMO + "/", "dumb-increment-protocol");
        long a = counter.nextNumber();
        long b = counter.nextNumber();
        assertTrue(b > a, a + " then " + b);
        String features = karaf.client("feature:list -i");
        for (String f : List.of("lws4j-core", "lws4j-tls", "lws4j-deflate", "lws4j-zip", "lws4j-test-site",
                "lws4j-protocol-dumb-increment", "lws4j-protocol-mirror", "lws4j-test-server")) {
            assertTrue(Pattern.compile("(?m)^" + f + "\\s+\\|").matcher(features).find(), f + " in " + features);
        }
    }

    @Test
    @Order(2)
    void protocolFeaturesComeAndGoWithoutDisturbingOthers() throws Exception {
        // Karaf uninstalls features installed by name: the site and the protocols as features of their own
        long t0 = System.nanoTime();
        karaf.client("feature:install lws4j-test-site lws4j-protocol-dumb-increment lws4j-protocol-mirror"
                + " lws4j-protocol-echo", "feature:uninstall lws4j-test-server");
        awaitGet(DEMO + "/dyn", 503); // lws4j-dynamic went with lws4j-test-server
        assertMirrorWorks();

        karaf.client("feature:uninstall lws4j-protocol-mirror");
        Karaf.await("the mirror handshake to be refused with 503", WAIT,
                () -> handshakeStatus("lws-mirror-protocol") == 503 ? Optional.of(true) : Optional.empty());
        assertEquals(101, handshakeStatus("lws-echo"), "lws-echo must stay");
        assertEquals(200, get(DEMO + "/").statusCode());
        String protocols = karaf.client("lws:protocols");
        assertTrue(Pattern.compile("(?m)^lws-mirror-protocol\\s+missing").matcher(protocols).find(), protocols);
        assertTrue(Pattern.compile("(?m)^dumb-increment-protocol\\s+org\\.lws4j\\.protocol\\.dumb\\.increment \\[\\d+\\]")
                .matcher(protocols).find(), protocols);

        karaf.client("feature:install lws4j-protocol-mirror");
        Karaf.await("the mirror handshake to succeed again", WAIT,
                () -> handshakeStatus("lws-mirror-protocol") == 101 ? Optional.of(true) : Optional.empty());
        assertMirrorWorks();
        // the dumb-increment connection opened before all this never noticed
        long a = counter.nextNumber();
        assertTrue(counter.nextNumber() > a);
        assertFalse(counter.closed.isDone(), "the dumb-increment connection was closed");
        System.out.printf("[KarafIT] protocol hot-plug steps in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    @Order(3)
    void shellCommandsShowVhostsAndConnectionsAndClose() throws Exception {
        String vhosts = karaf.client("lws:vhosts");
        assertTrue(vhosts.contains("vhost localhost port 7681: tls no, keepalive 5 s"), vhosts);
        assertTrue(vhosts.contains("vhost localhost port 7682: tls yes, keepalive 5 s"), vhosts);
        assertTrue(vhosts.contains("limits: request head 8 KiB, request body 64 MiB"), vhosts);
        assertTrue(Pattern.compile("(?m)^\\s+dumb-increment-protocol\\s+bound\\s+org\\.lws4j\\.protocol\\.dumb\\.increment")
                .matcher(vhosts).find(), vhosts);
        assertTrue(Pattern.compile("(?m)^\\s+lws-status\\s+missing").matcher(vhosts).find(), vhosts);

        String conns = karaf.client("lws:connections dumb-increment-protocol");
        Matcher row = Pattern.compile("(?m)^(\\d+)\\s+localhost\\s+dumb-increment-protocol\\s+websocket\\s+127\\.0\\.0\\.1:\\d+"
                + "\\s+\\S+\\s+(\\d+)\\s+(\\d+)$").matcher(conns);
        assertTrue(row.find(), conns);
        assertTrue(Long.parseLong(row.group(3)) > 0, "bytes out: " + conns);
        String closed = karaf.client("lws:close " + row.group(1));
        assertTrue(closed.contains("connection " + row.group(1) + ": closing (1000"), closed);
        assertEquals(1000, counter.closed.get(10, TimeUnit.SECONDS));
        counter = null;
    }

    @Test
    @Order(4)
    void vhostsFromCfgFilesAreAddedEditedKeptWhenBadAndRemoved() throws Exception {
        int port = Karaf.freePort();
        Path www = Files.createDirectories(Paths.get(Karaf.property("lws4j.it.dir")).resolve("cfg-site"));
        Files.writeString(www.resolve("index.html"), "cfg site\n");
        Files.createDirectories(www.resolve("two"));
        Files.writeString(www.resolve("two/index.html"), "two\n");
        Path cfg = karaf.home.resolve("etc/org.lws4j.vhost-ittest.cfg");
        String good = String.join("\n", "# a vhost of the integration test", "port = " + port,
                "interface = 127.0.0.1", "mounts.0.mountpoint = /", "mounts.0.origin = file://" + www,
                "mounts.0.default = index.html", "ws-protocols = lws-echo", "headers.X-Test = ittest", "");
        Files.writeString(cfg, good);
        String base = "http://127.0.0.1:" + port;
        assertEquals("cfg site\n", awaitGet(base + "/", 200));
        assertEquals("ittest", get(base + "/").headers().firstValue("X-Test").orElse(""));
        String vhosts = karaf.client("lws:vhosts");
        assertTrue(vhosts.contains("vhost ittest port " + port + ": tls no"), vhosts);
        assertTrue(vhosts.contains("from etc/org.lws4j.vhost-ittest.cfg"), vhosts);
        String list = karaf.client("config:list '(service.factoryPid=org.lws4j.vhost)'");
        assertTrue(list.contains("mounts.0.origin = file://" + www), list);

        // edited: re-applied live
        Files.writeString(cfg, good.replace("ws-protocols", "mounts.1.mountpoint = /deep\nmounts.1.origin = file://"
                + www.resolve("two") + "\nmounts.1.default = index.html\nws-protocols"));
        assertEquals("two\n", awaitGet(base + "/deep/", 200));

        // a bad value: logged with the file and the key, the vhost keeps serving as it was
        Files.writeString(cfg, good.replace("port = " + port, "port = eighty"));
        Karaf.await("the bad port to be logged", WAIT, () -> karaf.log().contains(
                "etc/org.lws4j.vhost-ittest.cfg: port: \"eighty\"") ? Optional.of(true) : Optional.empty());
        assertTrue(karaf.log().contains("vhost ittest on port " + port + " keeps its last good configuration"));
        assertEquals("two\n", new String(get(base + "/deep/").body()));

        // the Metatype: typed fields for the web console and config: commands
        String meta = karaf.client("config:meta org.lws4j.vhost");
        assertTrue(Pattern.compile("(?m)^port\\s+\\|\\s+Port\\s+\\|\\s+int\\s").matcher(meta).find(), meta);
        assertTrue(Pattern.compile("(?m)^keepalive_timeout\\s+\\|.*\\|\\s+int\\s+\\|\\s+5\\s").matcher(meta).find(), meta);

        // deleted: the vhost goes
        Files.delete(cfg);
        Karaf.await("the vhost to go when its file is deleted", WAIT, () -> {
            try {
                get(base + "/");
                return Optional.empty();
            } catch (IOException e) {
                return Optional.of(true);
            }
        });
        assertFalse(karaf.client("lws:vhosts").contains("vhost ittest"));
    }

    @Test
    @Order(5)
    void jakartaFeatureServesTheChatAndItsGoingDisturbsNobody() throws Exception {
        install("lws4j-jakarta-chat-example");
        String[] table = {""};
        try {
            Karaf.await("the chat endpoint in lws:jakarta", WAIT, () -> {
                table[0] = karaf.client("lws:jakarta");
                return Pattern.compile("/chat/\\{room\\}\\s+serving").matcher(table[0]).find() ? Optional.of(true) : Optional.empty();
            });
        } catch (AssertionError e) {
            fail("lws:jakarta does not show /chat/{room} serving: " + table[0], e);
        }
        Ws dumb = Ws.open(http, DEMO + "/", "dumb-increment-protocol");
        Ws a = Ws.open(http, DEMO + "/chat/karaf", null);
        Ws b = Ws.open(http, DEMO + "/chat/karaf", null);
        Ws other = Ws.open(http, DEMO + "/chat/elsewhere", null);
        a.ws.sendText("hello from karaf", true).get(5, TimeUnit.SECONDS);
        for (Ws member : List.of(a, b)) {
            String got = member.messages.poll(10, TimeUnit.SECONDS);
            assertTrue(got != null && got.contains("\"room\":\"karaf\"") && got.contains("\"text\":\"hello from karaf\""),
                    "the room's members, the sender too, get the message: " + got);
        }
        // the other room's member is sent its own message after: it must be the first it sees
        other.ws.sendText("only here", true).get(5, TimeUnit.SECONDS);
        String own = other.messages.poll(10, TimeUnit.SECONDS);
        assertTrue(own != null && own.contains("\"text\":\"only here\""), "another room hears nothing of karaf's: " + own);

        karaf.client("feature:uninstall lws4j-jakarta-chat-example");
        for (Ws member : List.of(a, b, other)) {
            assertEquals(1001, member.closed.get(30, TimeUnit.SECONDS), "the endpoint's going closes its sessions with 1001");
        }
        long n = dumb.nextNumber();
        assertTrue(dumb.nextNumber() > n, "dumb-increment kept counting");
        assertFalse(dumb.closed.isDone(), "the dumb-increment connection was closed by the chat's going");
        assertEquals(101, handshakeStatus("lws-echo"), "lws-echo still answers");
        dumb.ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    }

    @Test
    @Order(6)
    void metricsFeatureCountsAndGoesWithoutDisturbingOthers() throws Exception {
        // the demo mounts metrics:// at /metrics: without the bundle, 503 as for any absent plug-in
        assertEquals(503, get(DEMO + "/metrics").statusCode());
        Ws other = Ws.open(http, DEMO + "/", "dumb-increment-protocol");
        install("lws4j-metrics");
        awaitGet(DEMO + "/metrics", 200);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get(DEMO + "/").statusCode());
        }
        String text = new String(get(DEMO + "/metrics").body());
        assertTrue(Pattern.compile("(?m)^lws4j_http_requests_total\\{[^}]*status=\"2xx\"[^}]*vhost=\"localhost\"\\} [1-9]")
                .matcher(text).find(), text);
        assertTrue(text.contains("lws4j_loop_lag_seconds_bucket{"), text);

        String out = karaf.clientOnce(Duration.ofSeconds(120), "feature:uninstall lws4j-metrics");
        assertFalse(out.contains("Error executing command"), out);
        awaitGet(DEMO + "/metrics", 503);
        long a = other.nextNumber();
        assertTrue(other.nextNumber() > a, "a dumb-increment connection opened before goes on");
        other.ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private void install(String feature) throws Exception {
        long t0 = System.nanoTime();
        String out = karaf.clientOnce(Duration.ofSeconds(120), "feature:install " + feature);
        if (out.contains("Error executing command")) {
            fail("feature:install " + feature + ": " + out);
        }
        // the session may be cut by a refresh: wait for the feature itself
        Karaf.await(feature + " to be started", Duration.ofSeconds(120), () -> {
            String list = karaf.clientOnce(Duration.ofSeconds(60), "feature:list -i");
            return Pattern.compile("(?m)^" + Pattern.quote(feature) + "\\s+\\|[^|]+\\|[^|]+\\|\\s*Started").matcher(list).find()
                    ? Optional.of(true) : Optional.empty();
        });
        System.out.printf("[KarafIT] feature:install %s in %.1f s%n", feature, (System.nanoTime() - t0) / 1e9);
    }

    private HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private String awaitGet(String url, int status) throws Exception {
        return Karaf.await("GET " + url + " to answer " + status, WAIT, () -> {
            HttpResponse<byte[]> r = get(url);
            return r.statusCode() == status ? Optional.of(new String(r.body())) : Optional.empty();
        });
    }

    /** 101 when a WebSocket for {@code protocol} opens (it is closed at once), else the HTTP status. */
    private int handshakeStatus(String protocol) throws Exception {
        try {
            Ws ws = Ws.open(http, DEMO + "/", protocol);
            ws.ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    private void assertMirrorWorks() throws Exception {
        Ws m = Ws.open(http, DEMO + "/?mirror=karaf-it", "lws-mirror-protocol");
        m.ws.sendText("c #112233 1 2 3;", true).get(5, TimeUnit.SECONDS);
        assertEquals("c #112233 1 2 3;", m.messages.poll(10, TimeUnit.SECONDS));
        m.ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    }

    /** A JDK WebSocket client that queues text messages and notes its close code. */
    static final class Ws implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder part = new StringBuilder();
        WebSocket ws;

        static Ws open(HttpClient http, String url, String protocol) throws Exception {
            Ws l = new Ws();
            WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            if (protocol != null) {
                b.subprotocols(protocol);
            }
            l.ws = b.buildAsync(URI.create(url.replace("http://", "ws://")), l).get(10, TimeUnit.SECONDS);
            return l;
        }

        long nextNumber() throws InterruptedException {
            String s = messages.poll(10, TimeUnit.SECONDS);
            if (s == null) {
                fail("no message in 10 s");
            }
            return Long.parseLong(s.trim());
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                messages.add(part.toString());
                part.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
