package org.lws4j.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.lws4j.metrics.MetricsOptions.Family;
import org.lws4j.spi.metrics.MetricsSink;
import org.lws4j.spi.origin.MountOrigin;

/**
 * lws4j's metrics, one set per server: the {@link MetricsSink} the core reports to, the
 * Prometheus registry it fills, and the {@code metrics://} mount origin that serves it in
 * OpenMetrics or Prometheus text. In OSGi the bundle's component makes one from its configuration;
 * an application embedding lws4j makes its own:
 *
 * <pre>{@code
 * Lws4jMetrics metrics = new Lws4jMetrics(MetricsOptions.defaults());
 * Lws4j.builder().json(config)          // with a mount {"mountpoint": "/metrics", "origin": "metrics://"}
 *         .metrics(metrics.sink())
 *         .mountOrigin(Lws4jMetrics.SCHEME, metrics.origin())
 *         .start();
 * }</pre>
 *
 * Scrapes are rendered on a thread of this object's own, never on a service thread.
 */
public final class Lws4jMetrics implements AutoCloseable {
    /** The mount origin scheme: {@code "origin": "metrics://"}. */
    public static final String SCHEME = "metrics";
    /** The mount option naming the clients that may read (overrides the configured allow-list). */
    public static final String ALLOW_OPTION = "allow";

    private final MetricsOptions options;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Recorder recorder;
    private final JvmMetrics jvm;
    private final ExecutorService scrapes;
    private final ExpositionFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();
    private final ExpositionFormatWriter text = PrometheusTextFormatWriter.create();

    public Lws4jMetrics(MetricsOptions options) {
        this.options = options;
        this.recorder = new Recorder(options, registry);
        this.jvm = options.on(Family.JVM) ? new JvmMetrics(registry) : null;
        // one thread, a short queue: scrapes are rare, and a flood of them is refused rather than queued
        ThreadPoolExecutor ex = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, "lws4j-metrics-scrape");
            t.setDaemon(true);
            return t;
        });
        ex.allowCoreThreadTimeOut(true);
        this.scrapes = ex;
    }

    /** What the core reports to: {@code Lws4j.builder().metrics(sink())}, or the OSGi service. */
    public MetricsSink sink() {
        return recorder;
    }

    /** The {@code metrics://} mount origin serving this object's metrics. */
    public MountOrigin origin() {
        return mount -> {
            String allow = mount.options().get(ALLOW_OPTION);
            return new MetricsEndpoint(this, allow == null ? options.allow() : AllowList.parse(allow));
        };
    }

    public MetricsOptions options() {
        return options;
    }

    /** The registry the metrics are in; an application may register its own there too. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** A rendered scrape: its status (200, or 500 when rendering failed), Content-Type and body. */
    public record Exposition(int status, String contentType, byte[] body) {
    }

    /**
     * Renders every metric now, as OpenMetrics when {@code accept} (the client's Accept header, or
     * null) asks for it, else in Prometheus text format 0.0.4.
     */
    public Exposition scrape(String accept) {
        ExpositionFormatWriter w = accept != null && accept.contains("application/openmetrics-text") ? openMetrics : text;
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            w.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Exposition(200, w.getContentType(), out.toByteArray());
    }

    /** {@link #scrape} on the scrape thread, then {@code done}; false when too many wait already. */
    boolean scrapeLater(String accept, Consumer<Exposition> done) {
        try {
            scrapes.execute(() -> {
                Exposition e;
                try {
                    e = scrape(accept);
                } catch (RuntimeException failed) {
                    e = new Exposition(500, "text/plain; charset=utf-8",
                            ("scrape failed: " + failed + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                done.accept(e);
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public void close() {
        scrapes.shutdownNow();
        if (jvm != null) {
            jvm.close();
        }
        registry.clear();
    }
}
