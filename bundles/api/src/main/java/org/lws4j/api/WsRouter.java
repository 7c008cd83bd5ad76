package org.lws4j.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Optional second face of a {@link Protocol} service: it takes WebSocket upgrades by their path
 * (or anything else in the request), before the usual choice by {@code Sec-WebSocket-Protocol}.
 * lws binds a protocol to a URL with a mount's {@code protocol}; this is the same choice made
 * live, for protocols whose paths come and go while the server runs (a Jakarta WebSocket
 * whiteboard, say).
 *
 * <p><b>Binding.</b> A protocol service that implements this interface is bound on every vhost,
 * whether or not the vhost offers its name: as if each listed it after its own protocols, never
 * as the default. It may pass on vhosts it does not serve (return null). Ranking, hot-plug and
 * unbinding are those of any protocol of its name: when it goes, its connections get 1001.
 *
 * <p><b>Threads.</b> {@link #route} runs on the service thread of the connection asking to
 * upgrade, once its handshake has been checked (method, version, key, no body), for each router
 * bound on its vhost until one answers. Several service threads may call it at once.
 *
 * <p><b>Buffers.</b> Nothing is lent: the request is readable during the call only, as in any
 * callback; copy what you keep (into the session object of the answer).
 */
@ConsumerType
public interface WsRouter {
    /**
     * Decides an upgrade: null leaves it to the usual choice by name; {@link WsRoute#accept}
     * takes it for this protocol (the connection's callbacks follow, with the answer's session as
     * {@link Connection#session()}, and {@link Protocol#newSession} is not called);
     * {@link WsRoute#refuse} answers it with an HTTP status. A router that throws refuses it with
     * 500 and the exception is logged; nothing else is disturbed.
     *
     * @param wsi the connection, still speaking HTTP (its vhost is chosen; no protocol is bound)
     * @param request the handshake request
     */
    WsRoute route(Connection wsi, HttpRequest request) throws Exception;
}
