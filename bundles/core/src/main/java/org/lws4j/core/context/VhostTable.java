package org.lws4j.core.context;

import java.util.List;

import org.lws4j.api.Log;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.vhost.VhostImpl;

/**
 * The vhosts of a context and their lifecycle: added (listening, protocols bound), swapped live
 * for a new configuration, removed (listener left, bindings ended, connections closed). Every
 * method is called with the context's change lock held and waits (bounded) for the threads.
 */
final class VhostTable {
    private final ContextImpl ctx;
    private final List<VhostImpl> vhosts;
    private final ListenerTable listeners;
    private final Binder binder;
    private final Steps steps;
    private final List<ServiceThread> threads;
    private final Log log;

    VhostTable(ContextImpl ctx, List<VhostImpl> vhosts, ListenerTable listeners, Binder binder, Steps steps,
               List<ServiceThread> threads, Log log) {
        this.ctx = ctx;
        this.vhosts = vhosts;
        this.listeners = listeners;
        this.binder = binder;
        this.steps = steps;
        this.threads = threads;
        this.log = log;
    }

    /**
     * Creates a vhost, opens (or joins) its listener and binds the protocols it offers that are
     * registered now. A vhost whose name is taken on its port, or whose listener cannot be
     * opened, is refused with a log line naming its source; nothing else changes. Port 0 means
     * no listener (lwsws), for vhosts used only by clients.
     */
    VhostImpl add(VhostConfig vc) {
        {
            for (VhostImpl v : vhosts) {
                if (v.port() == vc.port() && v.name().equalsIgnoreCase(vc.name())) {
                    log.err("%s: vhost %s: port %d already has a vhost of that name (from %s); skipped",
                            vc.source(), vc.name(), vc.port(), v.config().source());
                    return null;
                }
            }
            VhostImpl v = new VhostImpl(ctx, vc);
            if (vc.port() > 0) {
                String err = listeners.join(v);
                if (err != null) {
                    log.err("%s: vhost %s: %s", vc.source(), vc.name(), err);
                    return null;
                }
            }
            vhosts.add(v);
            binder.bindAll(v);
            log.notice("vhost %s on port %d (%s): %d mount(s), protocols %s", v.name(), v.port(),
                    vc.source(), vc.mounts().size(), v.protocolNames());
            return v;
        }
    }

    /**
     * Serves {@code next} in place of the vhost {@code current} made, as one change (a live
     * configuration edit): the new vhost binds its protocols, then takes the old one's place
     * behind the same listen socket (nothing is closed or re-opened when the address stays; on a
     * new address the new socket listens before the old one closes); then the old vhost's
     * bindings end (their WebSockets get 1001 and reconnect to the new one). HTTP connections are
     * not closed: their next request is routed to the new vhost. On failure nothing has changed
     * and the old vhost keeps serving.
     *
     * @return null when done, else why not
     */
    String replace(VhostConfig current, VhostConfig next) {
        {
            VhostImpl old = null;
            for (VhostImpl v : vhosts) {
                if (v.port() == current.port() && v.name().equalsIgnoreCase(current.name())) {
                    old = v;
                }
            }
            if (old == null) {
                return "vhost " + current.name() + " on port " + current.port() + " is not served";
            }
            for (VhostImpl v : vhosts) {
                if (v != old && v.port() == next.port() && v.name().equalsIgnoreCase(next.name())) {
                    return "port " + next.port() + " already has a vhost named " + next.name() + " (from "
                            + v.config().source() + ")";
                }
            }
            VhostImpl v = new VhostImpl(ctx, next);
            binder.bindAll(v);
            String err = null;
            if (old.port() > 0 && next.port() > 0) {
                err = listeners.swap(old, v);
            } else if (next.port() > 0) {
                err = listeners.join(v);
            }
            if (err != null) {
                binder.retireAll(v);
                return err;
            }
            if (old.port() > 0 && next.port() <= 0) {
                listeners.leave(old);
            }
            vhosts.set(vhosts.indexOf(old), v);
            binder.retireAll(old);
            log.notice("vhost %s on port %d (%s) re-applied: %d mount(s), protocols %s", v.name(), v.port(),
                    next.source(), next.mounts().size(), v.protocolNames());
            return null;
        }
    }

    /** Removes the vhost named {@code name} on {@code port}, closing its connections. */
    boolean remove(String name, int port) {
        {
            for (VhostImpl v : vhosts) {
                if (v.port() == port && v.name().equalsIgnoreCase(name)) {
                    remove(v, "vhost removed");
                    return true;
                }
            }
            return false;
        }
    }

    void remove(VhostImpl v, String why) {
        vhosts.remove(v);
        if (v.port() > 0) {
            listeners.leave(v);
        }
        binder.retireAll(v);
        steps.onAll(threads, pt -> {
            for (ConnectionImpl c : ConnectionImpl.on(pt)) {
                if (c.vhostNow() == v) {
                    c.handler().onShutdown();
                }
            }
        });
        log.notice("vhost %s on port %d removed: %s", v.name(), v.port(), why);
    }
}
