package org.lws4j.core.context;

import java.util.List;

import org.lws4j.spi.extension.Extension;
import org.lws4j.api.Log;
import org.lws4j.spi.origin.MountOrigin;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.WsRouter;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.core.vhost.VhostProtocolImpl;
import org.lws4j.core.ws.WsHandler;

/**
 * The live binding of protocol services to the vhosts that offer their names (DESIGN.md,
 * "Hot-plug contract"), and the extension services handshakes may negotiate. Each vhost binds
 * the best service of each name it offers: PROTOCOL_INIT on service thread 0 before the binding
 * is visible; on the way out the binding is hidden first, then every connection bound to it
 * ends on its own thread (the role decides how: 1001, 503, ...), then PROTOCOL_DESTROY.
 * A protocol that is also a {@link WsRouter} is bound on every vhost, offered there or not: it
 * takes upgrades by path ({@link org.lws4j.core.ws.WsRouting}).
 * Called with the context's change lock held; each step waits (bounded) for the threads.
 */
final class Binder {
    private final List<VhostImpl> vhosts;
    private final List<ServiceThread> threads;
    private final Steps steps;
    private final Log log;
    private final RankedServices<Protocol> protocols = new RankedServices<>();
    private final Handoffs handoffs;
    private final RankedServices<Extension> extensions = new RankedServices<>();
    private final RankedServices<MountOrigin> origins = new RankedServices<>();

    Binder(List<VhostImpl> vhosts, List<ServiceThread> threads, Steps steps, Log log, long handoffGraceMillis) {
        this.vhosts = vhosts;
        this.threads = threads;
        this.steps = steps;
        this.log = log;
        this.handoffs = new Handoffs(threads, steps, log, handoffGraceMillis);
    }

    /** Connections kept over protocol updates. */
    Handoffs handoffs() {
        return handoffs;
    }

    // ---- protocols ---------------------------------------------------------------------------

    void addProtocol(String name, Protocol p, int ranking, long serviceId) {
        protocols.add(name, p, ranking, serviceId);
        rebind(name);
    }

    void removeProtocol(String name, Protocol p) {
        if (protocols.remove(name, p)) {
            rebind(name);
        }
    }

    /** Binds, on a new vhost, every protocol it offers that is registered now, and every router. */
    void bindAll(VhostImpl v) {
        for (String name : v.protocolNames()) {
            Protocol p = protocols.best(name);
            if (p != null) {
                bind(v, name, p);
            }
        }
        for (String name : protocols.names()) {
            Protocol p = protocols.best(name);
            if (p instanceof WsRouter && !v.protocolNames().contains(name)) {
                bind(v, name, p);
            }
        }
    }

    /** Ends every binding of a vhost that is going away. */
    void retireAll(VhostImpl v) {
        for (VhostProtocolImpl b : v.bindings()) {
            retire(b, false);
        }
    }

    private void rebind(String name) {
        Protocol best = protocols.best(name);
        for (VhostImpl v : vhosts) {
            VhostProtocolImpl cur = v.binding(name);
            boolean wanted = v.protocolNames().contains(name) || best instanceof WsRouter;
            if (!wanted && cur == null) {
                continue;
            }
            if (wanted && cur != null && cur.protocol() == best) {
                continue;
            }
            if (wanted && best != null) {
                bind(v, name, best);
            }
            if (cur != null) {
                // the last service of the name going, and it opts in: its connections wait for the next
                retire(cur, best == null && handoffs.wants(cur.protocol()));
            }
        }
    }

    private void bind(VhostImpl v, String name, Protocol p) {
        VhostProtocolImpl b = v.newBinding(name, p);
        Boolean ok = steps.on(threads.get(0), () -> b.callVhost(Reason.PROTOCOL_INIT, null) != Result.CLOSE);
        if (!Boolean.TRUE.equals(ok)) {
            log.err("protocol %s refused to bind on vhost %s (PROTOCOL_INIT returned CLOSE)", name, v.name());
            return;
        }
        // connections parked over an update of the name: the new version takes the vhost's state
        // before any handshake can reach it, and the connections once it is installed
        Handoffs.Takeover takeover = handoffs.prepare(v, b);
        v.install(b);
        log.notice("vhost %s: protocol %s bound", v.name(), name);
        if (takeover != null) {
            handoffs.complete(takeover, b);
        }
    }

    private void retire(VhostProtocolImpl b, boolean handOff) {
        VhostImpl v = b.vhostImpl();
        v.uninstall(b);
        if (handOff) {
            handoffs.park(b);
        }
        endConnections(b);
        log.notice("vhost %s: protocol %s unbound", v.name(), b.name());
    }

    /** Ends a binding's connections on their own threads, then PROTOCOL_DESTROY on thread 0. */
    private void endConnections(VhostProtocolImpl b) {
        steps.onAll(threads, pt -> {
            for (ConnectionImpl c : b.connectionsOn(pt)) {
                c.handler().onUnbind();
            }
        });
        steps.on(threads.get(0), () -> {
            b.callVhost(Reason.PROTOCOL_DESTROY, null);
            return null;
        });
    }

    // ---- extensions --------------------------------------------------------------------------

    void addExtension(String name, Extension e, int ranking, long serviceId) {
        extensions.add(name, e, ranking, serviceId);
        log.notice("extension %s available", name);
    }

    /** No longer negotiated; connections that use it are closed with 1001 on their threads. */
    void removeExtension(String name, Extension e) {
        if (!extensions.remove(name, e)) {
            return;
        }
        steps.onAll(threads, pt -> {
            for (ConnectionImpl c : ConnectionImpl.withStreamsOn(pt)) { // WebSockets over HTTP/2 too
                if (c.handler() instanceof WsHandler && ((WsHandler) c.handler()).uses(e)) {
                    c.handler().onUnbind();
                }
            }
        });
        log.notice("extension %s gone", name);
    }

    Extension extension(String name) {
        return extensions.best(name);
    }

    // ---- mount origins -----------------------------------------------------------------------

    void addOrigin(String scheme, MountOrigin o, int ranking, long serviceId) {
        origins.add(scheme, o, ranking, serviceId);
        log.notice("mount origin %s:// available", scheme);
    }

    /** Its mounts answer 503 from now on; exchanges in flight on it end as a protocol's do. */
    void removeOrigin(String scheme, MountOrigin o) {
        if (!origins.remove(scheme, o)) {
            return;
        }
        for (VhostImpl v : vhosts) {
            for (VhostProtocolImpl b : v.dropOrigin(o)) {
                endConnections(b);
            }
        }
        log.notice("mount origin %s:// gone", scheme);
    }

    MountOrigin origin(String scheme) {
        return origins.best(scheme);
    }
}
