package org.lws4j.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.lws4j.metrics.MetricsOptions.Family;

/** The component's configuration (PID org.lws4j.metrics) as options; a bad value is refused, named. */
class ConfigTest {
    /** A configuration as ConfigAdmin would give it: the defaults but for what the test sets. */
    static class Cfg implements MetricsComponent.Config {
        String families = "all";
        String http = "0.5, 1";
        String allow = MetricsOptions.LOOPBACK;
        long probe = 250;

        @Override
        public Class<? extends Annotation> annotationType() {
            return MetricsComponent.Config.class;
        }

        @Override
        public String families() {
            return families;
        }

        @Override
        public String buckets_http() {
            return http;
        }

        @Override
        public String buckets_tls() {
            return "0.01 0.1";
        }

        @Override
        public String buckets_writeable() {
            return "0.001";
        }

        @Override
        public String buckets_loop_lag() {
            return "0.001, 0.01";
        }

        @Override
        public long loop_probe_ms() {
            return probe;
        }

        @Override
        public String allow() {
            return allow;
        }

        @Override
        public int max_label_values() {
            return 0;
        }
    }

    @Test
    void familiesBucketsProbeAndAllowListComeFromTheConfiguration() throws Exception {
        Cfg c = new Cfg();
        c.families = "http, loop";
        c.http = "0.001 0.01,0.1";
        c.allow = "10.0.0.0/8";
        c.probe = 0;
        MetricsOptions o = MetricsComponent.options(c);
        assertEquals(EnumSet.of(Family.HTTP, Family.LOOP), o.families());
        assertArrayEquals(new double[] {0.001, 0.01, 0.1}, o.httpBuckets());
        assertArrayEquals(new double[] {0.001, 0.01}, o.lagBuckets());
        assertEquals(0, o.loopProbeMillis());
        assertTrue(o.allow().allows(InetAddress.getByName("10.9.8.7")));
        assertFalse(o.allow().allows(InetAddress.getByName("127.0.0.1")));
        assertEquals(MetricsOptions.defaults().maxLabelValues(), o.maxLabelValues(), "0 or less: the default");
        try (Lws4jMetrics m = new Lws4jMetrics(o)) {
            assertEquals(0, m.sink().loopProbeNanos(), "no lag probe");
            String text = new String(m.scrape(null).body());
            assertFalse(text.contains("jvm_"), "jvm off");
        }
    }

    @Test
    void badValuesAreRefusedWithTheirName() {
        Cfg c = new Cfg();
        c.families = "http, disk";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsComponent.options(c)).getMessage()
                .contains("\"disk\""));
        Cfg d = new Cfg();
        d.http = "1, 0.5";
        assertThrows(IllegalArgumentException.class, () -> MetricsComponent.options(d));
        Cfg e = new Cfg();
        e.allow = "metrics.example.com";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsComponent.options(e)).getMessage()
                .contains("metrics.example.com"));
    }
}
