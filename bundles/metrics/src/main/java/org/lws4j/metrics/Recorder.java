package org.lws4j.metrics;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import org.lws4j.metrics.MetricsOptions.Family;
import org.lws4j.spi.metrics.MetricsSink;
import org.lws4j.spi.metrics.Refusal;
import org.lws4j.spi.metrics.ServerGauges;

/**
 * The core's events into Prometheus metrics. Each event finds its series in a {@link LabelTable}
 * (no allocation once the series exists) and adds to a counter or a classic histogram (no
 * exemplars, no native buckets). Events of a family that is off return at once. Called on the
 * service threads, several at once; everything here is thread-safe.
 */
final class Recorder implements MetricsSink {
    static final String[] REFUSALS;

    static {
        Refusal[] all = Refusal.values();
        REFUSALS = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            REFUSALS[i] = all[i].name().toLowerCase(Locale.ROOT);
        }
    }

    private final MetricsOptions options;
    private final boolean connections;
    private final boolean http;
    private final boolean ws;
    private final boolean tlsOn;
    private final boolean loop;
    private final boolean hotplug;

    final Counter accepted;
    final Counter refused;
    final Counter bytesIn;
    final Counter bytesOut;
    final Counter requests;
    final Histogram headSeconds;
    final Histogram requestSeconds;
    final Counter wsIn;
    final Counter wsOut;
    final Counter wsCloses;
    final Histogram tlsSeconds;
    final Histogram writeableSeconds;
    final Histogram lagSeconds;
    final Counter wakeups;
    final Counter tasks;
    final Counter ioReady;
    final Counter binds;
    final Counter unbinds;
    final Counter parked;
    final Counter handoffs;
    final Counter brokerStates;
    final Counter slowGroupCloses;
    /** The group broker's state now: one series set to 1 (connected, connecting, closed, none). */
    private final io.prometheus.metrics.core.metrics.Gauge brokerState;
    private volatile String brokerStateNow;

    private final LabelTable<Series> series;
    private final LevelGauges levels;
    /** Per service thread: wake-ups, tasks, ready keys, lag; made when the core attaches. */
    private volatile LoopSeries[] loops = new LoopSeries[0];

    private record LoopSeries(CounterDataPoint wakeups, CounterDataPoint tasks, CounterDataPoint ready,
                              DistributionDataPoint lag) {
    }

    Recorder(MetricsOptions o, PrometheusRegistry registry) {
        this.options = o;
        this.connections = o.on(Family.CONNECTIONS);
        this.http = o.on(Family.HTTP);
        this.ws = o.on(Family.WEBSOCKET);
        this.tlsOn = o.on(Family.TLS);
        this.loop = o.on(Family.LOOP);
        this.hotplug = o.on(Family.HOTPLUG);
        accepted = counter(registry, connections, "lws4j_connections_accepted", "Connections accepted, by the default vhost of their port", "vhost");
        refused = counter(registry, connections, "lws4j_connections_refused",
                "Connections refused or ended before serving, by reason: limit, tls_unavailable, tls_handshake, not_tls, ws_handshake",
                "vhost", "reason");
        bytesIn = counter(registry, connections, "lws4j_received_bytes", "Bytes read from sockets (TLS records included)", "vhost", "protocol");
        bytesOut = counter(registry, connections, "lws4j_sent_bytes", "Bytes written to sockets (TLS records included)", "vhost", "protocol");
        requests = counter(registry, http, "lws4j_http_requests", "HTTP responses completed, by request method and status class (101: WebSocket upgrades)",
                "vhost", "protocol", "method", "status");
        headSeconds = histogram(registry, http, "lws4j_http_request_head_seconds", "From a request head's first byte to its last", o.httpBuckets(),
                "vhost", "protocol");
        requestSeconds = histogram(registry, http, "lws4j_http_request_seconds", "From a request head's first byte to the response complete",
                o.httpBuckets(), "vhost", "protocol");
        wsIn = counter(registry, ws, "lws4j_ws_messages_received", "WebSocket data messages received whole", "vhost", "protocol");
        wsOut = counter(registry, ws, "lws4j_ws_messages_sent", "WebSocket data messages sent whole", "vhost", "protocol");
        wsCloses = counter(registry, ws, "lws4j_ws_closes", "WebSocket close handshakes, by close code and who began them (peer or server)",
                "vhost", "protocol", "code", "by");
        tlsSeconds = histogram(registry, tlsOn, "lws4j_tls_handshake_seconds", "TLS handshakes completed, from accept to done", o.tlsBuckets(),
                "vhost");
        writeableSeconds = histogram(registry, loop, "lws4j_writeable_latency_seconds", "From asking for WRITEABLE to its callback",
                o.writeableBuckets(), "vhost", "protocol");
        lagSeconds = histogram(registry, loop, "lws4j_loop_lag_seconds", "How late the service thread's probe timer fired", o.lagBuckets(),
                "thread");
        wakeups = counter(registry, loop, "lws4j_loop_wakeups", "Times the service thread woke from its selector", "thread");
        tasks = counter(registry, loop, "lws4j_loop_tasks", "Tasks posted to the service thread that it ran", "thread");
        ioReady = counter(registry, loop, "lws4j_loop_io_ready", "Sockets and listeners the selector found ready", "thread");
        binds = counter(registry, hotplug, "lws4j_protocol_binds", "Protocol services bound on a vhost (installed, updated, taken over)", "vhost", "protocol");
        unbinds = counter(registry, hotplug, "lws4j_protocol_unbinds", "Protocol services unbound from a vhost (stopped, updated, removed)", "vhost", "protocol");
        parked = counter(registry, hotplug, "lws4j_connections_parked", "Connections parked while their protocol's bundle is updated", "vhost", "protocol");
        handoffs = counter(registry, hotplug, "lws4j_handoffs", "Parked connections taken by the new service (resumed) or closed", "vhost", "protocol", "outcome");
        brokerStates = counter(registry, hotplug, "lws4j_group_broker_states",
                "Group broker state changes (installed, removed, connected, reconnecting), by the state entered", "state");
        slowGroupCloses = counter(registry, hotplug, "lws4j_group_slow_closes",
                "Members of broadcast groups closed for being too slow for other nodes' messages", "vhost", "protocol");
        brokerState = io.prometheus.metrics.core.metrics.Gauge.builder().name("lws4j_group_broker_state")
                .help("The group broker's state: 1 on the state it is in (none: groups deliver on this node only)")
                .labelNames("state").withoutExemplars().build();
        if (hotplug) {
            registry.register(brokerState);
        }
        series = new LabelTable<>(o.maxLabelValues(), (v, p) -> new Series(this, v, p));
        levels = new LevelGauges(o, registry);
    }

    private static Counter counter(PrometheusRegistry reg, boolean on, String name, String help, String... labels) {
        Counter c = Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().build();
        if (on) {
            reg.register(c);
        }
        return c;
    }

    private static Histogram histogram(PrometheusRegistry reg, boolean on, String name, String help, double[] buckets,
                                       String... labels) {
        Histogram h = Histogram.builder().name(name).help(help).unit(Unit.SECONDS).labelNames(labels).classicOnly()
                .classicUpperBounds(buckets).withoutExemplars().build();
        if (on) {
            reg.register(h);
        }
        return h;
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    @Override
    public void attach(ServerGauges server) {
        int n = server.serviceThreads();
        LoopSeries[] l = new LoopSeries[n];
        for (int i = 0; i < n; i++) {
            String t = String.valueOf(i);
            l[i] = new LoopSeries(wakeups.labelValues(t), tasks.labelValues(t), ioReady.labelValues(t),
                    lagSeconds.labelValues(t));
        }
        loops = l;
        levels.attach(server);
    }

    @Override
    public void detach(ServerGauges server) {
        levels.detach(server);
    }

    @Override
    public long loopProbeNanos() {
        return loop ? TimeUnit.MILLISECONDS.toNanos(options.loopProbeMillis()) : 0;
    }

    // ---- events ------------------------------------------------------------------------------

    @Override
    public void connectionAccepted(String vhost) {
        if (connections) {
            series.get(vhost, null).accepted().inc();
        }
    }

    @Override
    public void connectionRefused(String vhost, Refusal why) {
        if (connections) {
            series.get(vhost, null).refused(why).inc();
        }
    }

    @Override
    public void bytes(String vhost, String protocol, long in, long out) {
        if (connections) {
            Series s = series.get(vhost, protocol);
            if (in > 0) {
                s.bytesIn().inc(in);
            }
            if (out > 0) {
                s.bytesOut().inc(out);
            }
        }
    }

    @Override
    public void httpRequest(String vhost, String protocol, String method, int status, long headNanos, long totalNanos) {
        if (http) {
            Series s = series.get(vhost, protocol);
            s.request(method, status).inc();
            if (headNanos >= 0) {
                s.head().observe(Unit.nanosToSeconds(headNanos));
            }
            if (totalNanos >= 0) {
                s.total().observe(Unit.nanosToSeconds(totalNanos));
            }
        }
    }

    @Override
    public void wsMessage(String vhost, String protocol, boolean in) {
        if (ws) {
            Series s = series.get(vhost, protocol);
            (in ? s.wsIn() : s.wsOut()).inc();
        }
    }

    @Override
    public void wsClose(String vhost, String protocol, int code, boolean byPeer) {
        if (ws) {
            series.get(vhost, protocol).close(code, byPeer).inc();
        }
    }

    @Override
    public void tlsHandshake(String vhost, long nanos) {
        if (tlsOn) {
            series.get(vhost, null).tls().observe(Unit.nanosToSeconds(nanos));
        }
    }

    @Override
    public void writeable(String vhost, String protocol, long nanos) {
        if (loop) {
            series.get(vhost, protocol).writeable().observe(Unit.nanosToSeconds(nanos));
        }
    }

    @Override
    public void loopTurn(int thread, int ready, int tasksRun) {
        LoopSeries[] l = loops;
        if (loop && thread < l.length) {
            LoopSeries s = l[thread];
            s.wakeups().inc();
            if (tasksRun > 0) {
                s.tasks().inc(tasksRun);
            }
            if (ready > 0) {
                s.ready().inc(ready);
            }
        }
    }

    @Override
    public void loopLag(int thread, long lateNanos) {
        LoopSeries[] l = loops;
        if (loop && thread < l.length) {
            l[thread].lag().observe(Unit.nanosToSeconds(lateNanos));
        }
    }

    @Override
    public void binding(String vhost, String protocol, boolean bound) {
        if (hotplug) {
            Series s = series.get(vhost, protocol);
            (bound ? s.binds() : s.unbinds()).inc();
        }
    }

    @Override
    public void parked(String vhost, String protocol) {
        if (hotplug) {
            series.get(vhost, protocol).parked().inc();
        }
    }

    @Override
    public void handoff(String vhost, String protocol, boolean resumed) {
        if (hotplug) {
            series.get(vhost, protocol).handoff(resumed).inc();
        }
    }

    @Override
    public void groupBroker(String state) {
        if (hotplug && state != null) {
            String st = switch (state) {
                case "connected", "connecting", "closed", "none" -> state;
                default -> "other";
            };
            brokerStates.labelValues(st).inc();
            synchronized (brokerState) {
                String was = brokerStateNow;
                if (was != null && !was.equals(st)) {
                    brokerState.labelValues(was).set(0);
                }
                brokerState.labelValues(st).set(1);
                brokerStateNow = st;
            }
        }
    }

    @Override
    public void groupSlowClose(String vhost, String protocol, int members) {
        if (hotplug && members > 0) {
            slowGroupCloses.labelValues(vhost == null ? "" : vhost, protocol == null ? "" : protocol).inc(members);
        }
    }
}
