package org.lws4j.core.context;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lws4j.api.Handoff;
import org.lws4j.api.HandoffState;
import org.lws4j.api.Log;
import org.lws4j.api.Protocol;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.loop.Timer;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.core.vhost.VhostProtocolImpl;
import org.lws4j.spi.metrics.MetricsSink;

/**
 * Connections kept over a protocol's update ({@link Handoff}): when the last service of a name
 * that opts in goes, each binding's connections are parked here with the state the old instance
 * exported; when a service of the name comes back within the grace period, they are bound to it
 * and resume; else they are closed with 1001. HTTP requests for a parked protocol wait here too.
 *
 * <p>Park and resume run with the context's change lock held (from {@link Binder}); the grace
 * timer runs on service thread 0 and never takes that lock, so each parked set is settled once,
 * by whichever comes first ({@code settled}).
 */
final class Handoffs {
    private record ParkedConn(ConnectionImpl conn, HandoffState state) {
    }

    /** The connections of one binding that went away, waiting for its name to come back. */
    private static final class Parked {
        final VhostImpl vhost;
        final String name;
        final List<ParkedConn> conns = new CopyOnWriteArrayList<>();
        final List<Runnable> waiters = new CopyOnWriteArrayList<>();
        final AtomicBoolean settled = new AtomicBoolean();
        /** Set once its waiters have run (after settling: the new binding installed, or given up). */
        volatile boolean done;
        final long since = System.nanoTime();
        volatile HandoffState vhostState;
        Timer expiry;

        Parked(VhostImpl vhost, String name) {
            this.vhost = vhost;
            this.name = name;
        }
    }

    private final Map<String, List<Parked>> byName = new ConcurrentHashMap<>();
    private final List<ServiceThread> threads;
    private final Steps steps;
    private final Log log;
    private final long graceMillis;

    Handoffs(List<ServiceThread> threads, Steps steps, Log log, long graceMillis) {
        this.threads = threads;
        this.steps = steps;
        this.log = log;
        this.graceMillis = graceMillis;
    }

    /** True when a binding of {@code p} going away should park its connections. */
    boolean wants(Protocol p) {
        return graceMillis > 0 && p instanceof Handoff;
    }

    /**
     * Parks the connections binding {@code b} serves (already hidden from new requests) that can
     * be parked; the others are left for the caller to end. Then the binding's own state.
     */
    void park(VhostProtocolImpl b) {
        Handoff h = (Handoff) b.protocol();
        Parked pk = new Parked(b.vhostImpl(), b.name());
        steps.onAll(threads, pt -> {
            List<ParkedConn> mine = new ArrayList<>();
            for (ConnectionImpl c : b.connectionsOn(pt)) {
                if (c.isClosed()) {
                    continue;
                }
                HandoffState st = c.exportSession(h);
                if (st != null && c.handler().park()) {
                    c.unbindProtocol();
                    mine.add(new ParkedConn(c, st));
                    MetricsSink m = pt.metrics();
                    if (m != null) {
                        m.parked(pk.vhost.name(), pk.name);
                    }
                }
            }
            pk.conns.addAll(mine); // at once: one copy of the list per thread, not one per connection
        });
        pk.vhostState = steps.on(threads.get(0), () -> {
            try {
                return h.exportVhost(b);
            } catch (RuntimeException | LinkageError e) {
                log.err("protocol %s: exportVhost failed on vhost %s: %s", b.name(), b.vhostImpl().name(), e);
                return null;
            }
        });
        byName.computeIfAbsent(b.name(), k -> new CopyOnWriteArrayList<>()).add(pk);
        ServiceThread pt0 = threads.get(0);
        pk.expiry = new Timer(() -> expire(pk));
        pt0.execute(() -> pt0.timers().schedule(pk.expiry, pk.since + TimeUnit.MILLISECONDS.toNanos(graceMillis)));
        log.notice("vhost %s: protocol %s went away; %d connection(s) parked for its next version (up to %d ms)",
                pk.vhost.name(), pk.name, pk.conns.size(), graceMillis);
    }

    /** A parked set claimed by a new binding, its vhost state imported or refused (see {@link #prepare}). */
    record Takeover(Parked parked, boolean accepted) {
    }

    /**
     * A binding of a name with parked connections on {@code v} was made (PROTOCOL_INIT done) and
     * is not installed yet: its protocol imports the vhost's state now, so no handshake can reach
     * it before its groups and rings are back. Null when nothing of the name is parked there; else
     * pass the answer to {@link #complete} once the binding is installed.
     */
    Takeover prepare(VhostImpl v, VhostProtocolImpl fresh) {
        Parked pk = take(v, fresh.name());
        if (pk == null) {
            return null;
        }
        ServiceThread pt0 = threads.get(0);
        pt0.execute(() -> pt0.timers().cancel(pk.expiry));
        if (!(fresh.protocol() instanceof Handoff h)) {
            return new Takeover(pk, false);
        }
        Boolean ok = steps.on(pt0, () -> {
            try {
                return h.importVhost(fresh, pk.vhostState);
            } catch (RuntimeException | LinkageError e) {
                log.err("protocol %s: importVhost failed on vhost %s: %s", pk.name, v.name(), e);
                return false;
            }
        });
        return new Takeover(pk, Boolean.TRUE.equals(ok));
    }

    /**
     * The binding {@code fresh}, installed now, takes the parked connections if {@link #prepare}
     * found it willing, each on its own thread; else they are closed with 1001.
     */
    void complete(Takeover t, VhostProtocolImpl fresh) {
        Parked pk = t.parked();
        VhostImpl v = pk.vhost;
        if (!(fresh.protocol() instanceof Handoff h)) {
            abandon(pk, "its new version does not take connections over");
            return;
        }
        if (!t.accepted()) {
            abandon(pk, "its new version refused the state of the old one");
            return;
        }
        for (ParkedConn pc : pk.conns) {
            ConnectionImpl c = pc.conn();
            c.execute(() -> {
                if (c.isClosed()) {
                    return;
                }
                c.bindProtocol(fresh);
                if (!c.importSession(h, pc.state())) {
                    c.unbindProtocol();
                    c.handler().abandonParked("the new version refused its state");
                    countHandoff(c, pk, false);
                    return;
                }
                c.handler().resumeParked();
                countHandoff(c, pk, true);
            });
        }
        log.notice("vhost %s: protocol %s: its new version took over %d parked connection(s) after %d ms", v.name(),
                pk.name, pk.conns.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pk.since));
        finish(pk);
    }

    /** The grace period passed (thread 0): nobody took the connections over. */
    private void expire(Parked pk) {
        if (take(pk) != null) {
            abandon(pk, "no new version came within " + graceMillis + " ms");
        }
    }

    private void abandon(Parked pk, String why) {
        log.notice("vhost %s: protocol %s: %d parked connection(s) closed: %s", pk.vhost.name(), pk.name,
                pk.conns.size(), why);
        for (ParkedConn pc : pk.conns) {
            pc.conn().execute(() -> {
                pc.conn().handler().abandonParked("going away");
                countHandoff(pc.conn(), pk, false);
            });
        }
        finish(pk);
    }

    /** The parked set is over: it leaves the table, and what waited for it runs. */
    private void finish(Parked pk) {
        List<Parked> l = byName.get(pk.name);
        if (l != null) {
            l.remove(pk);
        }
        pk.done = true;
        pk.waiters.forEach(Runnable::run);
    }

    /** A parked connection resumed by the new version, or closed (on its own thread). */
    private static void countHandoff(ConnectionImpl c, Parked pk, boolean resumed) {
        MetricsSink m = c.thread().metrics();
        if (m != null) {
            m.handoff(pk.vhost.name(), pk.name, resumed);
        }
    }

    /** Settles the parked set of {@code name} on {@code v}; null when there is none or it is settled. */
    private Parked take(VhostImpl v, String name) {
        List<Parked> l = byName.get(name);
        if (l != null) {
            for (Parked pk : l) {
                if (pk.vhost == v && !pk.settled.get()) {
                    return take(pk);
                }
            }
        }
        return null;
    }

    /** Claims {@code pk} for whoever settles it (a new binding or the grace timer); it stays listed until {@link #finish}. */
    private Parked take(Parked pk) {
        return pk.settled.compareAndSet(false, true) ? pk : null;
    }

    /**
     * Runs {@code then} once the protocol {@code name} parked on {@code v} is back or given up
     * (on the thread that settles it: post to your own); false when it is not parked.
     */
    boolean whenSettled(VhostImpl v, String name, Runnable then) {
        List<Parked> l = byName.get(name);
        if (l != null) {
            for (Parked pk : l) {
                if (pk.vhost == v && !pk.done) {
                    AtomicBoolean once = new AtomicBoolean();
                    Runnable r = () -> {
                        if (once.compareAndSet(false, true)) {
                            then.run();
                        }
                    };
                    pk.waiters.add(r);
                    if (pk.done) {
                        r.run(); // over meanwhile: whoever gets there first runs it, once
                    }
                    return true;
                }
            }
        }
        return false;
    }

    /** Connections parked now, by protocol name. */
    Map<String, Integer> parkedNow() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        byName.forEach((name, l) -> {
            int n = 0;
            for (Parked pk : new ArrayList<>(l)) {
                n += pk.conns.size();
            }
            if (n > 0) {
                m.put(name, n);
            }
        });
        return m;
    }
}
