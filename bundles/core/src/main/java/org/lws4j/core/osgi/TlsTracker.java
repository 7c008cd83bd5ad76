package org.lws4j.core.osgi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.lws4j.api.Log;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.spi.tls.TlsProvider;
import org.osgi.framework.BundleContext;

/**
 * TLS providers: the context uses one, the best ranked (then the oldest); when it goes, the next
 * takes over, and with none left the TLS ports refuse new connections saying why.
 */
final class TlsTracker extends ServiceKindTracker<TlsProvider> {
    private record Ranked(TlsProvider provider, int ranking, long serviceId) {
    }

    private static final Comparator<Ranked> BEST_FIRST =
            Comparator.comparingInt(Ranked::ranking).reversed().thenComparingLong(Ranked::serviceId);

    private final ContextImpl ctx;
    private final List<Ranked> providers = new ArrayList<>();
    private TlsProvider inUse;

    TlsTracker(BundleContext bc, ContextImpl ctx, Log log) {
        super(bc, TlsProvider.class, log);
        this.ctx = ctx;
    }

    @Override
    protected boolean add(TlsProvider p, Map<String, Object> props) {
        synchronized (providers) {
            providers.add(new Ranked(p, ranking(props), serviceId(props)));
            providers.sort(BEST_FIRST);
        }
        useBest();
        return true;
    }

    @Override
    protected void remove(TlsProvider p, Map<String, Object> props) {
        synchronized (providers) {
            providers.removeIf(r -> r.provider() == p);
        }
        useBest();
    }

    /**
     * Gives the context the best provider when it changed, under this tracker's lock so that two
     * changes cannot reach the context in the wrong order (service threads never take this lock).
     */
    private void useBest() {
        synchronized (providers) {
            TlsProvider best = providers.isEmpty() ? null : providers.get(0).provider();
            if (best != inUse) {
                inUse = best;
                ctx.setTlsProvider(best);
            }
        }
    }

    @Override
    protected String kind() {
        return "TLS provider";
    }
}
