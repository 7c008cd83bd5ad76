package org.lws4j.core.osgi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.lws4j.api.Log;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.spi.group.GroupBroker;
import org.osgi.framework.BundleContext;

/**
 * Group broker services: the groups use one, the best ranked (then the oldest), so installing a
 * broker bundle switches the running server to cluster mode; when it goes, the next takes over,
 * and with none left groups deliver on this node only. Members and their messages stay as they
 * are either way.
 */
final class GroupBrokerTracker extends ServiceKindTracker<GroupBroker> {
    private record Ranked(GroupBroker broker, int ranking, long serviceId) {
    }

    private static final Comparator<Ranked> BEST_FIRST =
            Comparator.comparingInt(Ranked::ranking).reversed().thenComparingLong(Ranked::serviceId);

    private final ContextImpl ctx;
    private final List<Ranked> brokers = new ArrayList<>();

    GroupBrokerTracker(BundleContext bc, ContextImpl ctx, Log log) {
        super(bc, GroupBroker.class, log);
        this.ctx = ctx;
    }

    @Override
    protected boolean add(GroupBroker b, Map<String, Object> props) {
        synchronized (brokers) {
            brokers.add(new Ranked(b, ranking(props), serviceId(props)));
            brokers.sort(BEST_FIRST);
            useBest();
        }
        return true;
    }

    @Override
    protected void remove(GroupBroker b, Map<String, Object> props) {
        synchronized (brokers) {
            brokers.removeIf(r -> r.broker() == b);
            useBest();
        }
    }

    /** Under this tracker's lock: changes reach the groups in order. */
    private void useBest() {
        ctx.setGroupBroker(brokers.isEmpty() ? null : brokers.get(0).broker());
    }

    @Override
    protected String kind() {
        return "group broker";
    }
}
