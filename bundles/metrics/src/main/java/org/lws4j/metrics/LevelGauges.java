package org.lws4j.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.lws4j.api.ConnectionInfo;
import org.lws4j.metrics.MetricsOptions.Family;
import org.lws4j.spi.metrics.ServerGauges;

/**
 * The levels read from the server when scraped ({@link ServerGauges}): connections open by vhost,
 * protocol and role, the connection limit, and per service thread its connections, queued tasks and
 * request-head buffers. While no server is attached they have no samples. Called on the scraping
 * thread.
 */
final class LevelGauges {
    private volatile ServerGauges server;

    LevelGauges(MetricsOptions o, PrometheusRegistry reg) {
        if (o.on(Family.CONNECTIONS)) {
            gauge(reg, "lws4j_connections_open", "Connections open now, by vhost, protocol and role",
                    this::open, "vhost", "protocol", "role");
            gauge(reg, "lws4j_connections_limit", "The most connections the server accepts (fd limit or fd-limit-per-thread)",
                    cb -> cb.call(server.maxConnections()));
        }
        if (o.on(Family.LOOP)) {
            gauge(reg, "lws4j_loop_connections", "Connections open now on each service thread",
                    cb -> perThread(cb, server::connections), "thread");
            gauge(reg, "lws4j_loop_tasks_queued", "Tasks posted to each service thread and not run yet",
                    cb -> perThread(cb, server::tasksQueued), "thread");
        }
        if (o.on(Family.HEADER_POOL)) {
            gauge(reg, "lws4j_header_pool_in_use", "Request-head buffers of each service thread's pool in use now",
                    cb -> perThread(cb, server::headerPoolInUse), "thread");
            gauge(reg, "lws4j_header_pool_waiting", "Connections of each service thread waiting for a request-head buffer",
                    cb -> perThread(cb, server::headerPoolWaiting), "thread");
            gauge(reg, "lws4j_header_pool_size", "Request-head buffers each service thread may lend (max-http-header-pool)",
                    cb -> cb.call(server.headerPoolSize()));
        }
    }

    private void gauge(PrometheusRegistry reg, String name, String help, Consumer<GaugeWithCallback.Callback> read,
                       String... labels) {
        reg.register(GaugeWithCallback.builder().name(name).help(help).labelNames(labels).callback(cb -> {
            if (server != null) {
                read.accept(cb);
            }
        }).build());
    }

    void attach(ServerGauges s) {
        server = s;
    }

    void detach(ServerGauges s) {
        if (server == s) {
            server = null;
        }
    }

    private void perThread(GaugeWithCallback.Callback cb, java.util.function.IntUnaryOperator value) {
        ServerGauges s = server;
        if (s == null) {
            return;
        }
        for (int i = 0; i < s.serviceThreads(); i++) {
            cb.call(value.applyAsInt(i), String.valueOf(i));
        }
    }

    private void open(GaugeWithCallback.Callback cb) {
        ServerGauges s = server;
        if (s == null) {
            return;
        }
        Map<List<String>, Integer> counts = new HashMap<>();
        for (ConnectionInfo c : s.context().connections()) {
            List<String> key = List.of(c.vhost() == null ? "" : c.vhost(), c.protocol() == null ? "" : c.protocol(),
                    c.role().name().toLowerCase(Locale.ROOT) + (c.secure() ? "+tls" : "") + (c.client() ? "+client" : ""));
            counts.merge(key, 1, Integer::sum);
        }
        counts.forEach((k, n) -> cb.call(n, k.get(0), k.get(1), k.get(2)));
    }
}
