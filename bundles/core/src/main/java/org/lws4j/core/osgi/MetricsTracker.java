package org.lws4j.core.osgi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.lws4j.api.Log;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.spi.metrics.MetricsSink;
import org.osgi.framework.BundleContext;

/**
 * Metrics services: the context reports to one, the best ranked (then the oldest); when it goes,
 * the next takes over, and with none left nothing is counted (each event site costs a volatile
 * read). Nothing else notices either way.
 */
final class MetricsTracker extends ServiceKindTracker<MetricsSink> {
    private record Ranked(MetricsSink sink, int ranking, long serviceId) {
    }

    private static final Comparator<Ranked> BEST_FIRST =
            Comparator.comparingInt(Ranked::ranking).reversed().thenComparingLong(Ranked::serviceId);

    private final ContextImpl ctx;
    private final List<Ranked> sinks = new ArrayList<>();
    private MetricsSink inUse;

    MetricsTracker(BundleContext bc, ContextImpl ctx, Log log) {
        super(bc, MetricsSink.class, log);
        this.ctx = ctx;
    }

    @Override
    protected boolean add(MetricsSink s, Map<String, Object> props) {
        synchronized (sinks) {
            sinks.add(new Ranked(s, ranking(props), serviceId(props)));
            sinks.sort(BEST_FIRST);
        }
        useBest();
        return true;
    }

    @Override
    protected void remove(MetricsSink s, Map<String, Object> props) {
        synchronized (sinks) {
            sinks.removeIf(r -> r.sink() == s);
        }
        useBest();
    }

    /** Gives the context the best sink when it changed, under this tracker's lock (changes in order). */
    private void useBest() {
        synchronized (sinks) {
            MetricsSink best = sinks.isEmpty() ? null : sinks.get(0).sink();
            if (best != inUse) {
                inUse = best;
                ctx.setMetrics(best);
                log.notice(best == null ? "metrics: none installed; nothing is counted"
                        : "metrics: counting for " + best.getClass().getName());
            }
        }
    }

    @Override
    protected String kind() {
        return "metrics sink";
    }
}
