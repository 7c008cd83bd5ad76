package org.lws4j.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.lws4j.spi.metrics.MetricsSink;
import org.lws4j.spi.metrics.Refusal;
import org.lws4j.spi.metrics.ServerGauges;

/**
 * lws4j's metrics for an application that already has a Micrometer registry, when embedding
 * (Micrometer is optional: only this class needs it). Bind it, then give its sink to the builder:
 *
 * <pre>{@code
 * Lws4jMeterBinder lws = new Lws4jMeterBinder();
 * lws.bindTo(registry);
 * Lws4j.builder().json(config).metrics(lws).start();
 * }</pre>
 *
 * Meters (Micrometer names; the registry renders them, e.g. {@code lws4j_http_requests_total}):
 * {@code lws4j.connections.accepted}, {@code lws4j.connections.refused} (reason), {@code
 * lws4j.http.requests} (method, status class), the {@code lws4j.http.request} timer, {@code
 * lws4j.ws.messages} (direction), {@code lws4j.ws.closes} (code, by), the {@code
 * lws4j.tls.handshake}, {@code lws4j.writeable.latency} and {@code lws4j.loop.lag} (thread)
 * timers, {@code lws4j.protocol.binds}/{@code unbinds}, {@code lws4j.received.bytes}/{@code
 * sent.bytes}, and per service thread the gauges {@code lws4j.loop.connections}, {@code
 * lws4j.loop.tasks.queued}, {@code lws4j.header.pool.in.use}. Tagged by vhost and protocol as the
 * bundle's own metrics are. Events before {@link #bindTo} are dropped; meters are made once per
 * label set and then found without allocating.
 */
public final class Lws4jMeterBinder implements MeterBinder, MetricsSink {
    private final long probeNanos;
    private volatile MeterRegistry registry;
    private volatile Timer[] lag = new Timer[0];
    private final LabelTable<Meters> meters;

    /** Lag probe every 250 ms, 64 values per label at most. */
    public Lws4jMeterBinder() {
        this(250, 64);
    }

    public Lws4jMeterBinder(long loopProbeMillis, int maxLabelValues) {
        this.probeNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, loopProbeMillis));
        this.meters = new LabelTable<>(maxLabelValues, Meters::new);
    }

    @Override
    public void bindTo(MeterRegistry r) {
        registry = r;
    }

    /** The meters of one vhost and protocol, each made on first use. */
    private final class Meters {
        final Tags tags;
        final Tags vhostOnly;
        volatile Counter accepted;
        volatile Counter bytesIn;
        volatile Counter bytesOut;
        volatile Counter wsIn;
        volatile Counter wsOut;
        volatile Counter binds;
        volatile Counter unbinds;
        volatile Timer request;
        volatile Timer tls;
        volatile Timer writeable;
        final Counter[] refused = new Counter[Refusal.values().length];
        final Counter[] requests = new Counter[Series.METHODS.length * Series.STATUS.length];
        final Counter[] closes = new Counter[Series.CLOSE_CODES.length * 2];

        Meters(String vhost, String protocol) {
            vhostOnly = Tags.of("vhost", vhost);
            tags = vhostOnly.and("protocol", protocol);
        }

        Counter counter(String name, Tags t) {
            return Counter.builder(name).tags(t).register(registry);
        }

        Timer timer(String name, Tags t) {
            return Timer.builder(name).tags(t).register(registry);
        }
    }

    private Meters meters(String vhost, String protocol) {
        return registry == null ? null : meters.get(vhost, protocol);
    }

    @Override
    public void attach(ServerGauges server) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        int n = server.serviceThreads();
        Timer[] l = new Timer[n];
        for (int i = 0; i < n; i++) {
            int t = i;
            Tags thread = Tags.of("thread", String.valueOf(i));
            l[i] = Timer.builder("lws4j.loop.lag").tags(thread).register(r);
            Gauge.builder("lws4j.loop.connections", server, s -> s.connections(t)).tags(thread).register(r);
            Gauge.builder("lws4j.loop.tasks.queued", server, s -> s.tasksQueued(t)).tags(thread).register(r);
            Gauge.builder("lws4j.header.pool.in.use", server, s -> s.headerPoolInUse(t)).tags(thread).register(r);
        }
        lag = l;
    }

    @Override
    public long loopProbeNanos() {
        return probeNanos;
    }

    @Override
    public void connectionAccepted(String vhost) {
        Meters m = meters(vhost, null);
        if (m != null) {
            Counter c = m.accepted;
            (c != null ? c : (m.accepted = m.counter("lws4j.connections.accepted", m.vhostOnly))).increment();
        }
    }

    @Override
    public void connectionRefused(String vhost, Refusal why) {
        Meters m = meters(vhost, null);
        if (m != null) {
            int i = why.ordinal();
            Counter c = m.refused[i];
            if (c == null) {
                c = m.refused[i] = m.counter("lws4j.connections.refused", m.vhostOnly.and("reason", Recorder.REFUSALS[i]));
            }
            c.increment();
        }
    }

    @Override
    public void bytes(String vhost, String protocol, long in, long out) {
        Meters m = meters(vhost, protocol);
        if (m != null) {
            if (in > 0) {
                Counter c = m.bytesIn;
                (c != null ? c : (m.bytesIn = m.counter("lws4j.received.bytes", m.tags))).increment(in);
            }
            if (out > 0) {
                Counter c = m.bytesOut;
                (c != null ? c : (m.bytesOut = m.counter("lws4j.sent.bytes", m.tags))).increment(out);
            }
        }
    }

    @Override
    public void httpRequest(String vhost, String protocol, String method, int status, long headNanos, long totalNanos) {
        Meters m = meters(vhost, protocol);
        if (m == null) {
            return;
        }
        int mi = Series.methodIndex(method);
        int si = status >= 100 && status < 600 ? status / 100 : 0;
        int i = mi * Series.STATUS.length + si;
        Counter c = m.requests[i];
        if (c == null) {
            c = m.requests[i] = m.counter("lws4j.http.requests",
                    m.tags.and("method", Series.METHODS[mi]).and("status", Series.STATUS[si]));
        }
        c.increment();
        if (totalNanos >= 0) {
            Timer t = m.request;
            (t != null ? t : (m.request = m.timer("lws4j.http.request", m.tags))).record(totalNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void wsMessage(String vhost, String protocol, boolean in) {
        Meters m = meters(vhost, protocol);
        if (m != null) {
            Counter c = in ? m.wsIn : m.wsOut;
            if (c == null) {
                c = m.counter("lws4j.ws.messages", m.tags.and("direction", in ? "received" : "sent"));
                if (in) {
                    m.wsIn = c;
                } else {
                    m.wsOut = c;
                }
            }
            c.increment();
        }
    }

    @Override
    public void wsClose(String vhost, String protocol, int code, boolean byPeer) {
        Meters m = meters(vhost, protocol);
        if (m != null) {
            int ci = Series.closeIndex(code);
            int i = ci * 2 + (byPeer ? 1 : 0);
            Counter c = m.closes[i];
            if (c == null) {
                c = m.closes[i] = m.counter("lws4j.ws.closes",
                        m.tags.and("code", Series.CLOSE_CODES[ci]).and("by", byPeer ? "peer" : "server"));
            }
            c.increment();
        }
    }

    @Override
    public void tlsHandshake(String vhost, long nanos) {
        Meters m = meters(vhost, null);
        if (m != null) {
            Timer t = m.tls;
            (t != null ? t : (m.tls = m.timer("lws4j.tls.handshake", m.vhostOnly))).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void writeable(String vhost, String protocol, long nanos) {
        Meters m = meters(vhost, protocol);
        if (m != null) {
            Timer t = m.writeable;
            (t != null ? t : (m.writeable = m.timer("lws4j.writeable.latency", m.tags))).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void loopLag(int thread, long lateNanos) {
        Timer[] l = lag;
        if (thread < l.length) {
            l[thread].record(lateNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void binding(String vhost, String protocol, boolean bound) {
        Meters m = meters(vhost, protocol);
        if (m != null) {
            if (bound) {
                Counter c = m.binds;
                (c != null ? c : (m.binds = m.counter("lws4j.protocol.binds", m.tags))).increment();
            } else {
                Counter c = m.unbinds;
                (c != null ? c : (m.unbinds = m.counter("lws4j.protocol.unbinds", m.tags))).increment();
            }
        }
    }
}
