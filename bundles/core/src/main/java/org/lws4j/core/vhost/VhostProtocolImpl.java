package org.lws4j.core.vhost;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Scheduled;
import org.lws4j.api.Vhost;
import org.lws4j.api.VhostProtocol;
import org.lws4j.core.conn.Binding;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.loop.Timer;

/**
 * One protocol service bound on one vhost, from PROTOCOL_INIT to PROTOCOL_DESTROY. Keeps the
 * connections bound to it per service thread (each set touched only by its own thread), so
 * "every connection of this protocol" can be reached thread by thread.
 */
public final class VhostProtocolImpl implements Binding {
    private final VhostImpl vhost;
    private final String name;
    private final Protocol protocol;
    private final Map<String, String> pvo;
    private final List<Set<ConnectionImpl>> perThread;
    private volatile Object data;
    private volatile boolean live = true;
    private volatile org.lws4j.api.Groups groups;
    /** Its timed callbacks waiting in thread 0's queue; touched on thread 0 only. */
    private final java.util.Set<Timer> timers = new java.util.HashSet<>();

    public VhostProtocolImpl(VhostImpl vhost, String name, Protocol protocol, Map<String, String> pvo, int threads) {
        this.vhost = vhost;
        this.name = name;
        this.protocol = protocol;
        this.pvo = pvo;
        this.perThread = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            perThread.add(new LinkedHashSet<>());
        }
    }

    @Override
    public Vhost vhost() {
        return vhost;
    }

    public VhostImpl vhostImpl() {
        return vhost;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public Map<String, String> options() {
        return pvo;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T data() {
        return (T) data;
    }

    @Override
    public void setData(Object d) {
        data = d;
    }

    /**
     * The receive piece size on this vhost: the pvo "rx-buffer-size" when set (an operator's
     * override), else the protocol's own {@link Protocol#rxBufferSize()}; 0 means the default.
     */
    public int rxBufferSize() {
        String o = pvo.get("rx-buffer-size");
        if (o != null) {
            try {
                int v = Integer.parseInt(o.trim());
                if (v > 0) {
                    return v;
                }
            } catch (NumberFormatException ignored) {
                // a bad override falls back to the protocol's size
            }
        }
        return protocol.rxBufferSize();
    }

    public boolean isLive() {
        return live;
    }

    /**
     * Marks the binding ended: timed callbacks and writeable requests stop reaching it, and its
     * timers leave the queue (a timer waiting there would pin the protocol, and with it its
     * bundle's class loader, until its deadline: an hour's timer, an hour after an update).
     */
    public void end() {
        live = false;
        ServiceThread pt = vhost.contextImpl().threads().get(0);
        pt.execute(() -> {
            for (Timer t : timers) {
                pt.timers().cancel(t);
            }
            timers.clear();
        });
    }

    /** Called on the connection's thread. */
    public void attach(ConnectionImpl c) {
        perThread.get(c.thread().index()).add(c);
    }

    /** Called on the connection's thread. */
    public void detach(ConnectionImpl c) {
        perThread.get(c.thread().index()).remove(c);
    }

    /** The bound connections on {@code pt}; call on that thread. */
    public List<ConnectionImpl> connectionsOn(ServiceThread pt) {
        return new ArrayList<>(perThread.get(pt.index()));
    }

    @Override
    public void requestWriteableAll() {
        for (ServiceThread pt : vhost.contextImpl().threads()) {
            pt.execute(() -> {
                if (!live) {
                    return;
                }
                for (ConnectionImpl c : connectionsOn(pt)) {
                    if (!c.isClosed()) {
                        c.requestWriteable();
                    }
                }
            });
        }
    }

    /** The groups of this protocol's name on this vhost: the context's, shared with the name's next binding. */
    @Override
    public org.lws4j.api.Groups groups() {
        org.lws4j.api.Groups g = groups;
        if (g == null) {
            g = vhost.contextImpl().groups().scope(vhost.name(), name);
            groups = g;
        }
        return g;
    }

    @Override
    public org.lws4j.api.Connection adopt(java.nio.channels.SelectableChannel channel) {
        return vhost.contextImpl().adopt(channel, vhost, this);
    }

    @Override
    public org.lws4j.api.Connection adoptStream(java.io.InputStream in, java.io.OutputStream out) {
        return vhost.contextImpl().adoptStream(in, out, vhost, this);
    }

    @Override
    public Scheduled timedCallback(Object tag, long delay, TimeUnit unit) {
        ScheduledTask s = new ScheduledTask();
        ServiceThread pt = vhost.contextImpl().threads().get(0);
        long deadline = System.nanoTime() + unit.toNanos(Math.max(0, delay));
        pt.execute(() -> {
            if (!live || s.state.get() != ScheduledTask.PENDING) {
                return;
            }
            Timer[] t = new Timer[1];
            t[0] = new Timer(() -> {
                timers.remove(t[0]);
                if (live && s.state.compareAndSet(ScheduledTask.PENDING, ScheduledTask.RAN)) {
                    callVhost(Reason.USER, tag);
                }
            });
            timers.add(t[0]);
            pt.timers().schedule(t[0], deadline);
        });
        return s;
    }

    /** Calls the protocol's vhost callback; an exception counts as CLOSE. */
    public Result callVhost(Reason reason, Object arg) {
        try {
            Result r = protocol.vhostCallback(this, reason, arg);
            return r == null ? Result.CONTINUE : r;
        } catch (Throwable t) {
            vhost.contextImpl().log().err("protocol %s on vhost %s: %s threw %s", name, vhost.name(), reason, t);
            return Result.CLOSE;
        }
    }

    @Override
    public String toString() {
        return name + "@" + vhost.name();
    }

    private static final class ScheduledTask implements Scheduled {
        static final int PENDING = 0;
        static final int RAN = 1;
        static final int CANCELLED = 2;
        final AtomicInteger state = new AtomicInteger(PENDING);

        @Override
        public boolean cancel() {
            return state.compareAndSet(PENDING, CANCELLED);
        }
    }
}
