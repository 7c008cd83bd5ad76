package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metrics bundle in the distribution, scraped by a real Prometheus every second. The test
 * drives known traffic at an app vhost (HTTP requests with known statuses over one keep-alive
 * connection, WebSocket messages to lws-echo, a refused WebSocket handshake), a TLS vhost (one
 * handshake, one request, plain bytes refused) and swaps the echo bundle (deploy/) under an open
 * connection, which is parked and taken over by the new version (handoff); then, once Prometheus
 * has a scrape taken after the traffic, PromQL gives exactly
 * those counts. The metrics are served from a vhost of their own, so the scrapes do not count
 * under the app's vhost; {@code promtool check metrics} accepts the exposition. The demo site is
 * left out: only ports this test picks are used.
 */
class MetricsIT {
    static final int GETS_OK = 5;
    static final int GETS_MISSING = 3;
    static final int WS_MESSAGES = 6;

    static DistRun rt;
    static Prometheus prom;
    static int app;
    static int tls;
    static int mon;
    static Path echoJar;
    static double bindsAtStart;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        Prometheus.require();
        List<Integer> ports = DistRun.freePorts(4);
        app = ports.get(0);
        tls = ports.get(1);
        mon = ports.get(2);
        rt = DistRun.copy("metrics-it").withoutDemo();
        echoJar = rt.toDeploy("org.lws4j.protocol-echo-", "org.lws4j.protocol-echo.jar");
        Path www = Files.createDirectories(rt.home.resolve("it-www"));
        Files.writeString(www.resolve("index.html"), "<h1>metrics</h1>\n");
        // the handoff grace well above what FileInstall takes to see the jar back on a loaded machine
        Files.writeString(rt.home.resolve("conf/lws4j.json"), """
                { "global": { "count-threads": "1", "server-string": "lws4j", "handoff-grace-ms": "60000" } }
                """);
        rt.config("metrics-it.json", """
                {
                  "vhosts": [
                    { "name": "app.test", "port": "%1$d", "interface": "127.0.0.1",
                      "mounts": [{ "mountpoint": "/", "origin": "file://%4$s", "default": "index.html" }],
                      "ws-protocols": [{ "lws-echo": {} }] },
                    { "name": "tls.test", "port": "%2$d", "interface": "127.0.0.1",
                      "host-ssl-cert": "m.crt.pem", "host-ssl-key": "m.key.pem", "generate-self-signed": "1",
                      "mounts": [{ "mountpoint": "/", "origin": "file://%4$s", "default": "index.html" }] },
                    { "name": "mon.test", "port": "%3$d", "interface": "127.0.0.1",
                      "mounts": [{ "mountpoint": "/metrics", "origin": "metrics://" }] }
                  ]
                }
                """.formatted(app, tls, mon, www));
        rt.start();
        rt.awaitListening(mon, DistRun.BOOT_TIMEOUT);
        rt.awaitLog("accepting connections on", DistRun.BOOT_TIMEOUT); // not before TLS and the bundles are ready
        rt.awaitLog("vhost app.test: protocol lws-echo bound", DistRun.BOOT_TIMEOUT);
        rt.awaitLog("metrics: counting for", DistRun.BOOT_TIMEOUT);
        // lws-echo's first bind is counted only when the metrics bundle started first (FileInstall decides)
        bindsAtStart = MetricsHotPlugIT.sample(exposition(), "lws4j_protocol_binds_total", "vhost=\"app.test\"",
                "protocol=\"lws-echo\"");
        prom = Prometheus.start(rt, rt.home.resolve("prometheus"), ports.get(3), "127.0.0.1:" + mon, "/metrics");
    }

    @AfterAll
    static void stop() throws Exception {
        if (prom != null) {
            prom.close();
        }
    }

    @Test
    void prometheusSeesExactlyTheTrafficDriven() throws Exception {
        // HTTP: known statuses over one keep-alive connection
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(DistRun.HOST, app), 5000);
            s.setSoTimeout(10_000);
            for (int i = 0; i < GETS_OK; i++) {
                assertTrue(get(s, "/", "app.test").startsWith("HTTP/1.1 200"));
            }
            for (int i = 0; i < GETS_MISSING; i++) {
                assertTrue(get(s, "/missing-" + i + ".html", "app.test").startsWith("HTTP/1.1 404"));
            }
        }
        // WebSocket: messages echoed, a close by the peer; one connection left open over the swap
        RawWs open = RawWs.connect(app, null, "lws-echo");
        try (RawWs ws = RawWs.connect(app, null, "lws-echo")) {
            assertEquals(101, ws.status);
            for (int i = 0; i < WS_MESSAGES; i++) {
                ws.send(RawWs.TEXT, false, ("m" + i).getBytes(StandardCharsets.UTF_8));
                assertEquals("m" + i, ws.readText());
            }
            ws.send(RawWs.CLOSE, false, new byte[] {0x03, (byte) 0xe8});
            assertEquals(1000, ws.read().closeCode());
        }
        // a WebSocket handshake refused: no such protocol
        try (RawWs refused = RawWs.connect(app, null, "no-such-protocol")) {
            assertEquals(400, refused.status);
        }
        // TLS: one handshake and one request; plain bytes on the TLS port refused
        try (SSLSocket t = (SSLSocket) TlsIT.trustAll().getSocketFactory().createSocket()) {
            t.connect(new InetSocketAddress(DistRun.HOST, tls), 5000);
            t.setSoTimeout(10_000);
            assertTrue(get(t, "/", "tls.test").startsWith("HTTP/1.1 200"));
        }
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(DistRun.HOST, tls), 5000);
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: tls.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            plain.getInputStream().readAllBytes();
        }
        // the echo bundle swapped: removed, the open connection is parked (lws-echo opts in to handoff); back, the
        // new version takes it over, and it echoes on
        long mark = rt.logSize();
        Path away = Files.move(echoJar, rt.home.resolve("echo.jar.away"));
        rt.await("the open connection to be parked", DistRun.STEP_TIMEOUT, () -> Optional.of(true)
                .filter(x -> rt.logText(mark).contains("vhost app.test: protocol lws-echo went away; 1 connection(s) parked")));
        rt.deploy(away, echoJar.getFileName().toString());
        rt.await("lws-echo to take the parked connection over", DistRun.STEP_TIMEOUT, () -> Optional.of(true)
                .filter(x -> rt.logText(mark).contains("vhost app.test: protocol lws-echo: its new version took over 1 parked")));
        open.send(RawWs.TEXT, false, "after".getBytes(StandardCharsets.UTF_8));
        assertEquals("after", open.readText());
        open.send(RawWs.CLOSE, false, new byte[] {0x03, (byte) 0xe8});
        assertEquals(1000, open.read().closeCode());
        open.close();
        long trafficDone = System.currentTimeMillis();

        prom.awaitScrapeAfter(trafficDone);
        String a = "vhost=\"app.test\"";
        assertCount(GETS_OK, "lws4j_http_requests_total{" + a + ",method=\"GET\",status=\"2xx\"}");
        assertCount(GETS_MISSING + 1, "lws4j_http_requests_total{" + a + ",method=\"GET\",status=\"4xx\"}");
        assertCount(2, "lws4j_http_requests_total{" + a + ",protocol=\"lws-echo\",status=\"1xx\"}");
        // every response timed: the GETs, the refused handshake's 400, the two upgrades
        int responses = GETS_OK + GETS_MISSING + 1 + 2;
        assertCount(responses, "lws4j_http_request_seconds_count{" + a + "}");
        assertCount(responses, "lws4j_http_request_head_seconds_count{" + a + "}");
        assertCount(WS_MESSAGES + 1, "lws4j_ws_messages_received_total{" + a + ",protocol=\"lws-echo\"}");
        assertCount(WS_MESSAGES + 1, "lws4j_ws_messages_sent_total{" + a + ",protocol=\"lws-echo\"}");
        assertCount(2, "lws4j_ws_closes_total{" + a + ",protocol=\"lws-echo\",code=\"1000\",by=\"peer\"}");
        assertCount(0, "lws4j_ws_closes_total{" + a + ",by=\"server\"}");
        assertCount(1, "lws4j_connections_parked_total{" + a + ",protocol=\"lws-echo\"}");
        assertCount(1, "lws4j_handoffs_total{" + a + ",protocol=\"lws-echo\",outcome=\"resumed\"}");
        assertCount(0, "lws4j_handoffs_total{outcome=\"closed\"}");
        assertCount(1, "lws4j_connections_refused_total{" + a + ",reason=\"ws_handshake\"}");
        // the keep-alive HTTP connection, two WebSocket connections, the refused handshake
        assertCount(1 + 2 + 1, "lws4j_connections_accepted_total{" + a + "}");
        assertCount(1, "lws4j_tls_handshake_seconds_count{vhost=\"tls.test\"}");
        assertCount(1, "lws4j_http_requests_total{vhost=\"tls.test\",status=\"2xx\"}");
        assertCount(1, "lws4j_connections_refused_total{vhost=\"tls.test\",reason=\"not_tls\"}");
        assertCount(0, "lws4j_connections_refused_total{reason=~\"limit|tls_unavailable|tls_handshake\"}");
        assertCount(bindsAtStart + 1, "lws4j_protocol_binds_total{" + a + ",protocol=\"lws-echo\"}");
        assertCount(1, "lws4j_protocol_unbinds_total{" + a + ",protocol=\"lws-echo\"}");
        // loop lag: one probe series per service thread (count-threads 1), and it has fired
        assertEquals(1, prom.vector("lws4j_loop_lag_seconds_count").size());
        assertTrue(prom.value("sum(lws4j_loop_lag_seconds_count)") > 0, "the lag probe fired");
        assertTrue(prom.value("sum(lws4j_received_bytes_total{" + a + "})") > 0, "bytes in counted");
        assertTrue(prom.value("sum(lws4j_loop_wakeups_total)") > 0, "wake-ups counted");
        assertTrue(prom.value("sum(jvm_memory_used_bytes{area=\"heap\"})") > 0, "heap reported");
        assertCount(0, "lws4j_connections_open{" + a + "}"); // nothing left open on the app vhost: no series
    }

    /**
     * promtool lints the Prometheus text format (0.0.4); the OpenMetrics text, which Prometheus asks
     * for first, is what the scrapes of the test above ingested.
     */
    @Test
    void promtoolAcceptsTheExposition() throws Exception {
        String text = exposition();
        assertTrue(text.contains("lws4j_loop_lag_seconds_bucket"), text);
        Command.Run check = Command.run(Duration.ofSeconds(30), text, "promtool", "check", "metrics");
        assertEquals(0, check.status(), "promtool check metrics:\n" + check.out());
    }

    /** The runtime's /metrics now, in Prometheus text format. */
    static String exposition() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + mon + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    void assertCount(double expected, String selector) throws Exception {
        double v = prom.value("sum(" + selector + ") or vector(0)");
        if (v != expected) {
            assertEquals(expected, v, selector + "; the exposition now:\n" + exposition());
        }
    }

    static String get(Socket s, String path, String host) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        int cl = Integer.parseInt(head.toString().replaceAll("(?is).*\r\ncontent-length: (\\d+)\r\n.*", "$1"));
        in.readNBytes(cl);
        return head.toString();
    }
}
