package org.lws4j.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What is counted and how: the families on, the histogram buckets, the loop probe's period, the
 * default allow-list of the metrics mount, the most label values kept per label. Immutable; made
 * from the bundle's configuration (PID {@code org.lws4j.metrics}) or by an embedding application.
 */
public record MetricsOptions(Set<Family> families, double[] httpBuckets, double[] tlsBuckets,
                             double[] writeableBuckets, double[] lagBuckets, long loopProbeMillis, AllowList allow,
                             int maxLabelValues) {

    /** The families of metrics, switched on and off together (config key {@code families}). */
    public enum Family {
        /** Connections accepted, refused (by reason), open; bytes in and out. */
        CONNECTIONS,
        /** HTTP requests by method and status class; head and total latency. */
        HTTP,
        /** WebSocket messages in and out; close codes. */
        WEBSOCKET,
        /** TLS handshakes and their time. */
        TLS,
        /** Per service thread: loop lag, wake-ups, tasks, connections; WRITEABLE latency. */
        LOOP,
        /** Request-head buffers in use and waited for. */
        HEADER_POOL,
        /** Protocol binds and unbinds, parked connections and handoffs. */
        HOTPLUG,
        /** Heap, GC, threads, file descriptors, CPU of the JVM. */
        JVM;

        /** The name used in the config ("header-pool"). */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Family of(String key) {
            return valueOf(key.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    public static final double[] HTTP_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
        2.5, 5, 10};
    public static final double[] TLS_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
    public static final double[] WRITEABLE_BUCKETS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025, 0.05, 0.1, 0.25, 1};
    public static final double[] LAG_BUCKETS = {0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
    public static final String LOOPBACK = "127.0.0.0/8, ::1";

    /** Everything on, the default buckets, a probe every 250 ms, loopback clients only, 64 values per label. */
    public static MetricsOptions defaults() {
        return new MetricsOptions(EnumSet.allOf(Family.class), HTTP_BUCKETS, TLS_BUCKETS, WRITEABLE_BUCKETS,
                LAG_BUCKETS, 250, AllowList.parse(LOOPBACK), 64);
    }

    public boolean on(Family f) {
        return families.contains(f);
    }

    public MetricsOptions withFamilies(Set<Family> f) {
        return new MetricsOptions(f.isEmpty() ? EnumSet.noneOf(Family.class) : EnumSet.copyOf(f), httpBuckets,
                tlsBuckets, writeableBuckets, lagBuckets, loopProbeMillis, allow, maxLabelValues);
    }

    public MetricsOptions withAllow(AllowList a) {
        return new MetricsOptions(families, httpBuckets, tlsBuckets, writeableBuckets, lagBuckets, loopProbeMillis, a,
                maxLabelValues);
    }

    /** "connections, http" (or "all"); throws IllegalArgumentException naming an unknown family. */
    public static Set<Family> parseFamilies(String list) {
        Set<Family> s = EnumSet.noneOf(Family.class);
        for (String k : split(list)) {
            if (k.equalsIgnoreCase("all")) {
                return EnumSet.allOf(Family.class);
            }
            try {
                s.add(Family.of(k));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown metrics family \"" + k + "\" (known: all, "
                        + String.join(", ", Arrays.stream(Family.values()).map(Family::key).toList()) + ")");
            }
        }
        return s;
    }

    /** "0.001, 0.01, 0.1" (seconds, increasing); throws IllegalArgumentException when it is not. */
    public static double[] parseBuckets(String list) {
        List<String> parts = split(list);
        double[] b = new double[parts.size()];
        for (int i = 0; i < b.length; i++) {
            try {
                b[i] = Double.parseDouble(parts.get(i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + parts.get(i) + "\" is not a number of seconds");
            }
            if (!(b[i] > 0) || i > 0 && b[i] <= b[i - 1]) {
                throw new IllegalArgumentException("buckets must be positive and increasing: " + list);
            }
        }
        if (b.length == 0) {
            throw new IllegalArgumentException("no buckets given");
        }
        return b;
    }

    static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        for (String t : list.split("[,\\s]+")) {
            if (!t.isBlank()) {
                out.add(t.trim());
            }
        }
        return out;
    }
}
