package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Prometheus server (Debian's {@code prometheus}) on 127.0.0.1, scraping one target every
 * second, and its HTTP query API. Its data and log live in a folder the test gives; {@link #close}
 * stops it. Every wait is bounded and polls through {@link DistRun#await}.
 */
final class Prometheus implements AutoCloseable {
    static final String JOB = "lws4j";

    private final DistRun rt;
    private final Command process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private Prometheus(DistRun rt, Command process, int port) {
        this.rt = rt;
        this.process = process;
        this.port = port;
    }

    /** Fails, naming the Debian package, unless prometheus and promtool are installed. */
    static void require() {
        Command.requirePeer("prometheus", "prometheus");
        Command.requirePeer("promtool", "prometheus");
    }

    /**
     * Starts Prometheus in {@code dir} on {@code port}, scraping {@code http://target/metricsPath}
     * every second, and waits until it is ready.
     */
    static Prometheus start(DistRun rt, Path dir, int port, String target, String metricsPath) throws Exception {
        require();
        Files.createDirectories(dir.resolve("data"));
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: %s
                    metrics_path: %s
                    static_configs:
                      - targets: ['%s']
                """.formatted(JOB, metricsPath, target));
        Command c = Command.start(dir, "prometheus", List.of("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"));
        Prometheus p = new Prometheus(rt, c, port);
        rt.await("Prometheus to be ready on port " + port, DistRun.STEP_TIMEOUT, () -> {
            if (!c.isAlive()) {
                fail("prometheus exited with status " + c.exitStatus() + "\n" + c.describe());
            }
            try {
                return p.get("/-/ready").statusCode() == 200 ? Optional.of(true) : Optional.empty();
            } catch (IOException notYet) {
                return Optional.empty();
            }
        });
        return p;
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The instant vector {@code promql} gives now (the data of the API's answer). */
    JsonNode vector(String promql) throws Exception {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), "query " + promql + ": " + r.body());
        JsonNode body = json.readTree(r.body());
        assertEquals("success", body.path("status").asText(), "query " + promql + ": " + r.body());
        assertEquals("vector", body.path("data").path("resultType").asText(), "query " + promql + ": " + r.body());
        return body.path("data").path("result");
    }

    /** The one value {@code promql} gives now; fails when it gives none or several. */
    double value(String promql) throws Exception {
        JsonNode v = vector(promql);
        if (v.size() != 1) {
            fail("query " + promql + " gave " + v.size() + " series, not one: " + v);
        }
        return Double.parseDouble(v.get(0).path("value").get(1).asText());
    }

    /**
     * Waits until Prometheus holds a successful scrape of the target that began after {@code
     * epochMillis}, so everything the server counted before that moment is in its data.
     */
    void awaitScrapeAfter(long epochMillis) throws Exception {
        rt.await("a scrape after " + epochMillis, DistRun.STEP_TIMEOUT, () -> {
            // timestamp() of a plain selector: after an operator (up == 1) it would give the query's time
            JsonNode v = vector("timestamp(up{job=\"" + JOB + "\"})");
            if (v.size() == 1 && Double.parseDouble(v.get(0).path("value").get(1).asText()) * 1000 > epochMillis) {
                assertEquals(1, value("up{job=\"" + JOB + "\"}"), "the last scrape failed");
                return Optional.of(true);
            }
            return Optional.empty();
        });
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
