package org.lws4j.core.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.lws4j.api.GroupListener;
import org.lws4j.api.GroupMessage;
import org.lws4j.api.Groups;
import org.lws4j.api.Log;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.spi.group.GroupBroker;
import org.lws4j.spi.group.GroupSink;
import org.lws4j.spi.metrics.MetricsSink;

/**
 * Every broadcast group of the context, by vhost and scope (the protocol's name), and the group
 * broker when one is installed: then every message published here also goes to the broker (on
 * the publishing thread, right after it was appended here, so each sender's order holds), and
 * what the broker brings from other nodes is appended to the group here, never published again.
 *
 * <p>The broker is swapped live: the new one is opened before it is used, the old one closed
 * after it is not; a late call from an old broker's sink is ignored. With none, groups are local.
 */
public final class GroupTable {
    final Waker waker;
    private final Log log;
    private final ConcurrentHashMap<String, Scope> scopes = new ConcurrentHashMap<>();
    private volatile Sink sink;
    private volatile MetricsSink metrics;
    private final AtomicLong toBroker = new AtomicLong();
    private final AtomicLong fromBroker = new AtomicLong();
    private final AtomicLong slowClosed = new AtomicLong();

    public GroupTable(List<ServiceThread> threads, Log log) {
        this.waker = new Waker(threads);
        this.log = log;
    }

    /** The groups of {@code scope} (a protocol's name) on {@code vhost}. */
    public Groups scope(String vhost, String scope) {
        return scopes.computeIfAbsent(vhost + '\0' + scope, k -> new Scope(this, vhost, scope));
    }

    /** Where broker events are counted (null: nowhere). */
    public void setMetrics(MetricsSink m) {
        metrics = m;
    }

    // ---- the broker ----------------------------------------------------------------------------

    /** The broker the groups use from now on (null: local delivery only). Changes one at a time. */
    public synchronized void setBroker(GroupBroker broker) {
        Sink old = sink;
        if (old != null && old.broker == broker) {
            return;
        }
        Sink fresh = null;
        if (broker != null) {
            fresh = new Sink(broker);
            try {
                broker.open(fresh);
            } catch (RuntimeException | LinkageError e) {
                log.err("groups: group broker %s failed to open: %s; delivering locally", broker.getClass().getName(), e);
                fresh = null;
            }
        }
        sink = fresh;
        if (old != null) {
            old.closed = true;
            try {
                old.broker.close();
            } catch (RuntimeException | LinkageError e) {
                log.warn("groups: group broker %s failed to close: %s", old.broker.getClass().getName(), e);
            }
        }
        if (fresh != null) {
            log.notice("groups: cluster mode through %s", describe(broker));
        } else if (old != null) {
            log.notice("groups: group broker gone; delivering to the members on this node only");
        }
        MetricsSink m = metrics;
        if (m != null) {
            m.groupBroker(fresh == null ? "none" : state(fresh.broker));
        }
    }

    /** The broker in use, or null. */
    public GroupBroker broker() {
        Sink s = sink;
        return s == null ? null : s.broker;
    }

    void toBroker(Group g, GroupMessage msg) {
        toBroker(g.scope.vhost(), g.brokerName, msg);
    }

    void toBroker(String vhost, String group, GroupMessage msg) {
        Sink s = sink;
        if (s == null) {
            return;
        }
        try {
            s.broker.publish(vhost, group, msg.payload(), msg.binary());
            toBroker.incrementAndGet();
        } catch (RuntimeException | LinkageError e) {
            // the contract says it never throws; if it does, the local members got the message anyway
            log.warn("groups: group broker %s threw from publish: %s", s.broker.getClass().getName(), e);
        }
    }

    /** What a broker gives the core: bound to one broker, ignored once that one is replaced. */
    private final class Sink implements GroupSink {
        final GroupBroker broker;
        volatile boolean closed;

        Sink(GroupBroker broker) {
            this.broker = broker;
        }

        @Override
        public void deliver(String vhost, String group, ByteBuffer payload, boolean binary) {
            if (closed || vhost == null || group == null || payload == null) {
                return;
            }
            fromBroker.incrementAndGet();
            int slash = group.indexOf('/');
            if (slash < 0) {
                return; // not a name this core publishes under
            }
            Scope s = scopes.get(vhost + '\0' + group.substring(0, slash));
            if (s != null) {
                s.deliverRemote(group.substring(slash + 1), new GroupMessage(payload, binary));
            }
        }

        @Override
        public void stateChanged(GroupBroker.State state, String detail) {
            if (closed) {
                return;
            }
            String d = detail == null || detail.isEmpty() ? "" : ": " + detail;
            if (state == GroupBroker.State.CONNECTED) {
                log.notice("groups: group broker connected (%s)%s; groups span the nodes", describe(broker), d);
            } else {
                log.warn("groups: group broker %s (%s)%s; delivering to the members on this node meanwhile",
                        state == null ? "?" : state.name().toLowerCase(java.util.Locale.ROOT), describe(broker), d);
            }
            MetricsSink m = metrics;
            if (m != null) {
                m.groupBroker(state == null ? "unknown" : state.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    private static String describe(GroupBroker b) {
        try {
            return b.describe();
        } catch (RuntimeException e) {
            return b.getClass().getName();
        }
    }

    private static String state(GroupBroker b) {
        try {
            GroupBroker.State s = b.state();
            return s == null ? "unknown" : s.name().toLowerCase(java.util.Locale.ROOT);
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    // ---- events --------------------------------------------------------------------------------

    void slowMembersClosed(Group g, int n) {
        slowClosed.addAndGet(n);
        log.warn("groups: %d member(s) of group %s (%s on vhost %s) closed: too slow for messages from other nodes",
                n, g.name, g.scope.scope(), g.scope.vhost());
        MetricsSink m = metrics;
        if (m != null) {
            m.groupSlowClose(g.scope.vhost(), g.scope.scope(), n);
        }
    }

    void listenerFailed(Group g, GroupListener l, RuntimeException e) {
        log.err("groups: a listener of group %s (%s on vhost %s), %s, threw %s", g.name, g.scope.scope(),
                g.scope.vhost(), l.getClass().getName(), e);
    }

    // ---- for the shell and the status page -----------------------------------------------------

    /** The broker's state in lower case, or "none". */
    public String brokerState() {
        Sink s = sink;
        return s == null ? "none" : state(s.broker);
    }

    /** One line about the broker: none, or its description and state, and the message counts. */
    public String brokerLine() {
        Sink s = sink;
        if (s == null) {
            return "none";
        }
        return describe(s.broker) + " [" + state(s.broker) + "], " + toBroker.get() + " sent, " + fromBroker.get()
                + " received, " + slowClosed.get() + " slow member(s) closed";
    }

    /** A group as the shell lists it. */
    public record Row(String vhost, String scope, Groups.GroupInfo info) {
    }

    /** Every group with members now, by vhost, scope and name. */
    public List<Row> rows() {
        List<Row> out = new ArrayList<>();
        for (Scope s : scopes.values()) {
            for (Groups.GroupInfo i : s.groups()) {
                out.add(new Row(s.vhost(), s.scope(), i));
            }
        }
        out.sort(java.util.Comparator.comparing(Row::vhost).thenComparing(Row::scope)
                .thenComparing(r -> r.info().name()));
        return out;
    }
}
