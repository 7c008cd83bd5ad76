package org.lws4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.lws4j.core.embed.Lws4j;

/**
 * An application embedding lws4j with the metrics: the sink given to the builder, the
 * {@code metrics://} origin serving a mount, the mount's allow-list in force.
 */
class EmbeddedMetricsTest {
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theMountServesTheExpositionToAllowedClientsOnly() throws Exception {
        int port = freePort();
        String config = """
                { "global": { "count-threads": "1", "log-level": "3" },
                  "vhosts": [{ "name": "localhost", "port": "%d", "interface": "127.0.0.1",
                    "mounts": [{ "mountpoint": "/metrics", "origin": "metrics://" },
                               { "mountpoint": "/closed", "origin": "metrics://", "allow": "10.0.0.0/8" }] }] }
                """.formatted(port);
        try (Lws4jMetrics metrics = new Lws4jMetrics(MetricsOptions.defaults());
                Lws4j.Running lws = Lws4j.builder().json(config).metrics(metrics.sink())
                        .mountOrigin(Lws4jMetrics.SCHEME, metrics.origin()).start()) {
            HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> missing = c.send(get(port, "/nothing"), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            HttpResponse<String> r = c.send(get(port, "/metrics"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
            assertTrue(r.body().contains("lws4j_http_requests_total{method=\"GET\",protocol=\"\",status=\"4xx\",vhost=\"localhost\"} 1"),
                    r.body());
            assertTrue(r.body().contains("lws4j_loop_connections{thread=\"0\"}"), r.body());
            assertTrue(r.body().contains("lws4j_connections_open{protocol=\"metrics://\"") || r.body().contains("lws4j_connections_open{"),
                    r.body());
            assertEquals(403, c.send(get(port, "/closed"), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(404, c.send(get(port, "/metrics/x"), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build();
    }
}
