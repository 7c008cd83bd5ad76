package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metrics bundle installed and removed on a live server through deploy/: removed, the core
 * stops counting, its mount answers 503 with Retry-After and everything else serves on (a
 * keep-alive connection opened before included); back, counting starts afresh and the mount
 * serves what happened since.
 */
class MetricsHotPlugIT {
    static final int GETS = 3;

    static DistRun rt;
    static int port;
    static Path deployed;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        port = DistRun.freePort();
        rt = DistRun.copy("metrics-hotplug-it").withoutDemo();
        deployed = rt.toDeploy("org.lws4j.metrics-", "org.lws4j.metrics.jar");
        Path www = Files.createDirectories(rt.home.resolve("it-www"));
        Files.writeString(www.resolve("index.html"), "<h1>hot-plug</h1>\n");
        rt.config("metrics-hotplug-it.json", """
                { "vhosts": [{ "name": "hot.test", "port": "%d", "interface": "127.0.0.1",
                    "mounts": [{ "mountpoint": "/", "origin": "file://%s", "default": "index.html" },
                               { "mountpoint": "/metrics", "origin": "metrics://" }] }] }
                """.formatted(port, www));
        rt.start();
        rt.awaitListening(port, DistRun.BOOT_TIMEOUT);
        rt.awaitLog("accepting connections on", DistRun.BOOT_TIMEOUT); // not before TLS and the bundles are ready
        rt.awaitLog("metrics: counting for", DistRun.STEP_TIMEOUT);
    }

    @Test
    void removingTheBundleStopsCountingAndPuttingItBackStartsAfresh() throws Exception {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertEquals(200, get(c, "/metrics").statusCode());
        try (Socket before = new Socket()) {
            before.connect(new InetSocketAddress(DistRun.HOST, port), 5000);
            before.setSoTimeout(10_000);
            assertTrue(MetricsIT.get(before, "/", "hot.test").startsWith("HTTP/1.1 200"));

            long mark = rt.logSize();
            Path away = Files.move(deployed, rt.home.resolve("metrics.jar.away"));
            awaitLogSince(mark, "metrics: none installed; nothing is counted");
            HttpResponse<String> gone = rt.await("the metrics mount to answer 503", DistRun.STEP_TIMEOUT, () -> {
                HttpResponse<String> r = get(c, "/metrics");
                return r.statusCode() == 503 ? Optional.of(r) : Optional.empty();
            });
            assertTrue(gone.headers().firstValue("retry-after").isPresent(), "503 with Retry-After");
            assertTrue(MetricsIT.get(before, "/", "hot.test").startsWith("HTTP/1.1 200"), "the open connection serves on");
            assertEquals(200, get(c, "/").statusCode(), "a new request is served");

            long back = rt.logSize();
            rt.deploy(away, deployed.getFileName().toString());
            awaitLogSince(back, "metrics: counting for");
            rt.await("the metrics mount to serve again", DistRun.STEP_TIMEOUT,
                    () -> get(c, "/metrics").statusCode() == 200 ? Optional.of(true) : Optional.empty());
            for (int i = 0; i < GETS; i++) {
                assertTrue(MetricsIT.get(before, "/", "hot.test").startsWith("HTTP/1.1 200"));
            }
        }
        String text = get(c, "/metrics").body();
        // counted afresh: the GETs of "/" since the bundle came back and the first scrape that answered 200 (one
        // answering 503 while the mount came back counts as 5xx; this one is rendered before it completes)
        assertEquals(GETS + 1, sample(text, "lws4j_http_requests_total", "vhost=\"hot.test\"", "method=\"GET\"",
                "status=\"2xx\""), text);
        assertFalse(rt.logText().contains("Exception"), "errors in the log:\n" + rt.logText());
    }

    private void awaitLogSince(long mark, String text) throws Exception {
        rt.await("\"" + text + "\" in the log", DistRun.STEP_TIMEOUT,
                () -> rt.logText(mark).contains(text) ? Optional.of(true) : Optional.empty());
    }

    private static HttpResponse<String> get(HttpClient c, String path) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of the samples of {@code metric} whose labels include every one of {@code labels}. */
    static double sample(String exposition, String metric, String... labels) {
        double sum = 0;
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(metric + "{")) {
                continue;
            }
            String l = line.substring(0, line.indexOf('}') + 1);
            boolean all = true;
            for (String want : labels) {
                all &= l.contains(want);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
