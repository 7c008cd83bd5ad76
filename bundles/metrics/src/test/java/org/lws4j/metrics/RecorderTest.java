package org.lws4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lws4j.metrics.MetricsOptions.Family;
import org.lws4j.spi.metrics.MetricsSink;
import org.lws4j.spi.metrics.Refusal;

/** Events in, exposition out: each event lands in its family with bounded labels. */
class RecorderTest {
    static String text(Lws4jMetrics m) {
        return new String(m.scrape(null).body(), StandardCharsets.UTF_8);
    }

    @Test
    void eventsBecomeSeriesWithBoundedLabels() {
        try (Lws4jMetrics m = new Lws4jMetrics(MetricsOptions.defaults())) {
            MetricsSink s = m.sink();
            s.httpRequest("site", "app", "GET", 200, 1_000_000, 3_000_000);
            s.httpRequest("site", "app", "GET", 204, 1_000_000, 3_000_000);
            s.httpRequest("site", null, "BREW", 418, 10, 20);
            s.httpRequest("site", null, "GET", 777, -1, -1);
            s.connectionAccepted("site");
            s.connectionRefused("site", Refusal.LIMIT);
            s.connectionRefused(null, Refusal.TLS_HANDSHAKE);
            s.bytes("site", "app", 100, 0);
            s.bytes("site", "app", 0, 250);
            s.wsMessage("site", "echo", true);
            s.wsMessage("site", "echo", false);
            s.wsMessage("site", "echo", false);
            s.wsClose("site", "echo", 1000, true);
            s.wsClose("site", "echo", 4321, false);
            s.wsClose("site", "echo", 77, false);
            s.tlsHandshake("site", 2_000_000);
            s.binding("site", "echo", true);
            s.binding("site", "echo", false);
            s.handoff("site", "echo", true);
            String t = text(m);
            assertTrue(t.contains("lws4j_http_requests_total{method=\"GET\",protocol=\"app\",status=\"2xx\",vhost=\"site\"} 2"), t);
            assertTrue(t.contains("lws4j_http_requests_total{method=\"other\",protocol=\"\",status=\"4xx\",vhost=\"site\"} 1"), t);
            assertTrue(t.contains("lws4j_http_requests_total{method=\"GET\",protocol=\"\",status=\"other\",vhost=\"site\"} 1"), t);
            assertTrue(t.contains("lws4j_http_request_seconds_count{protocol=\"app\",vhost=\"site\"} 2"), t);
            assertTrue(t.contains("lws4j_http_request_seconds_bucket{protocol=\"app\",vhost=\"site\",le=\"0.005\"} 2"), t);
            assertTrue(t.contains("lws4j_connections_accepted_total{vhost=\"site\"} 1"), t);
            assertTrue(t.contains("lws4j_connections_refused_total{reason=\"limit\",vhost=\"site\"} 1"), t);
            assertTrue(t.contains("lws4j_connections_refused_total{reason=\"tls_handshake\",vhost=\"\"} 1"), t);
            assertTrue(t.contains("lws4j_received_bytes_total{protocol=\"app\",vhost=\"site\"} 100"), t);
            assertTrue(t.contains("lws4j_sent_bytes_total{protocol=\"app\",vhost=\"site\"} 250"), t);
            assertTrue(t.contains("lws4j_ws_messages_sent_total{protocol=\"echo\",vhost=\"site\"} 2"), t);
            assertTrue(t.contains("lws4j_ws_closes_total{by=\"peer\",code=\"1000\",protocol=\"echo\",vhost=\"site\"} 1"), t);
            assertTrue(t.contains("lws4j_ws_closes_total{by=\"server\",code=\"4xxx\",protocol=\"echo\",vhost=\"site\"} 1"), t);
            assertTrue(t.contains("lws4j_ws_closes_total{by=\"server\",code=\"other\",protocol=\"echo\",vhost=\"site\"} 1"), t);
            assertTrue(t.contains("lws4j_tls_handshake_seconds_count{vhost=\"site\"} 1"), t);
            assertTrue(t.contains("lws4j_protocol_unbinds_total{protocol=\"echo\",vhost=\"site\"} 1"), t);
            assertTrue(t.contains("lws4j_handoffs_total{outcome=\"resumed\",protocol=\"echo\",vhost=\"site\"} 1"), t);
            assertTrue(t.contains("jvm_memory_used_bytes{area=\"heap\"}"), t);
            assertTrue(t.contains("process_cpu_seconds_total"), t);
            // from the OperatingSystem MBean, whose server the first scrape makes (not the start-up)
            assertTrue(java.util.regex.Pattern.compile("(?m)^process_open_fds [1-9]").matcher(t).find(), t);
        }
    }

    @Test
    void labelValuesPastTheLimitCountAsOther() {
        MetricsOptions o = MetricsOptions.defaults();
        o = new MetricsOptions(o.families(), o.httpBuckets(), o.tlsBuckets(), o.writeableBuckets(), o.lagBuckets(), 0,
                o.allow(), 2);
        try (Lws4jMetrics m = new Lws4jMetrics(o)) {
            for (String v : List.of("a", "b", "c", "d")) {
                m.sink().connectionAccepted(v);
            }
            String t = text(m);
            assertTrue(t.contains("lws4j_connections_accepted_total{vhost=\"a\"} 1"), t);
            assertTrue(t.contains("lws4j_connections_accepted_total{vhost=\"b\"} 1"), t);
            assertTrue(t.contains("lws4j_connections_accepted_total{vhost=\"other\"} 2"), t);
            assertEquals(0, m.sink().loopProbeNanos(), "a probe period of 0 asks for no probe");
        }
    }

    @Test
    void familiesOffAreNeitherCountedNorShown() {
        MetricsOptions o = MetricsOptions.defaults().withFamilies(EnumSet.of(Family.HTTP));
        try (Lws4jMetrics m = new Lws4jMetrics(o)) {
            m.sink().httpRequest("site", null, "GET", 200, 1, 2);
            m.sink().connectionAccepted("site");
            String t = text(m);
            assertTrue(t.contains("lws4j_http_requests_total"), t);
            assertFalse(t.contains("lws4j_connections_accepted"), t);
            assertFalse(t.contains("jvm_"), t);
            assertEquals(0, m.sink().loopProbeNanos(), "no probe without the loop family");
        }
        assertEquals(EnumSet.of(Family.HEADER_POOL, Family.JVM), MetricsOptions.parseFamilies("header-pool, jvm"));
    }

    @Test
    void openMetricsWhenAskedFor() {
        try (Lws4jMetrics m = new Lws4jMetrics(MetricsOptions.defaults())) {
            Lws4jMetrics.Exposition e = m.scrape("application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
            assertTrue(e.contentType().startsWith("application/openmetrics-text"), e.contentType());
            assertTrue(new String(e.body(), StandardCharsets.UTF_8).endsWith("# EOF\n"));
            assertTrue(m.scrape("text/plain").contentType().startsWith("text/plain; version=0.0.4"));
        }
    }

    @Test
    void theGroupBrokerStateAndSlowGroupMembersAreCounted() {
        try (Lws4jMetrics m = new Lws4jMetrics(MetricsOptions.defaults())) {
            MetricsSink s = m.sink();
            s.groupBroker("connecting");
            s.groupBroker("connected");
            s.groupSlowClose("site", "lws-mirror-protocol", 2);
            String t = text(m);
            assertTrue(t.contains("lws4j_group_broker_state{state=\"connected\"} 1"), t);
            assertTrue(t.contains("lws4j_group_broker_state{state=\"connecting\"} 0"), t);
            assertTrue(t.contains("lws4j_group_broker_states_total{state=\"connecting\"} 1"), t);
            assertTrue(t.contains("lws4j_group_slow_closes_total{protocol=\"lws-mirror-protocol\",vhost=\"site\"} 2"), t);
            s.groupBroker("none");
            t = text(m);
            assertTrue(t.contains("lws4j_group_broker_state{state=\"none\"} 1"), t);
            assertTrue(t.contains("lws4j_group_broker_state{state=\"connected\"} 0"), t);
        }
    }
}
