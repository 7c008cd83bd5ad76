package org.lws4j.core.ws;

import java.util.ArrayList;
import java.util.List;

import org.lws4j.api.LogLevel;
import org.lws4j.api.WsRoute;
import org.lws4j.api.WsRouter;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.http.HttpHost;
import org.lws4j.core.http.RequestHead;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.core.vhost.VhostProtocolImpl;
import org.lws4j.spi.extension.ExtensionOffer;

/**
 * The upgrade choice by path: asks each protocol bound on the vhost that is also a
 * {@link WsRouter} to take the handshake, before the choice by name. The first answer wins: an
 * acceptance carries its session, subprotocol answer, extra headers and the extensions it allows;
 * a refusal its status. A router that throws refuses with 500 (logged), as a callback that throws
 * closes only its own connection. Runs on the connection's service thread.
 */
final class WsRouting {
    private WsRouting() {
    }

    /** The routers' decision, or null when none took the upgrade. */
    static WsUpgrade.Decision route(ConnectionImpl conn, RequestHead head, VhostImpl vhost, HttpHost host,
            List<ExtensionOffer> offers, String accept) {
        for (VhostProtocolImpl b : vhost.bindings()) {
            if (!(b.protocol() instanceof WsRouter)) {
                continue;
            }
            WsRoute answer;
            try {
                answer = ((WsRouter) b.protocol()).route(conn, head);
            } catch (Exception | LinkageError e) {
                conn.log(LogLevel.ERR, "%s: protocol %s failed to route %s: %s", conn, b.name(), head.rawPath(), e);
                return WsUpgrade.Decision.refuse(500, "protocol " + b.name() + " failed to route the upgrade");
            }
            if (answer == null) {
                continue;
            }
            if (!answer.accepted()) {
                return WsUpgrade.Decision.refuse(answer.status(), answer.message());
            }
            List<WsUpgrade.Agreed> agreed = WsUpgrade.negotiate(allowed(offers, answer), host, WsUpgrade.limits(b, host));
            return new WsUpgrade.Decision(101, null, b, answer.subprotocol() != null, accept, agreed, true,
                    answer.subprotocol(), List.copyOf(answer.headers()), answer.session());
        }
        return null;
    }

    private static List<ExtensionOffer> allowed(List<ExtensionOffer> offers, WsRoute answer) {
        if (answer.extensions() == null) {
            return offers;
        }
        List<ExtensionOffer> l = new ArrayList<>();
        for (ExtensionOffer o : offers) {
            if (answer.extensions().contains(o.name())) {
                l.add(o);
            }
        }
        return l;
    }
}
