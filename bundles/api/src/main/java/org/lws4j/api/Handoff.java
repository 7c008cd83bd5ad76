package org.lws4j.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A protocol whose connections survive an update of its bundle (lws4j's handoff). Implement it
 * beside {@link Protocol} to opt in.
 *
 * <p>When the protocol's service goes away and no other service of its name remains, its
 * connections are parked instead of closed: the core keeps each socket and its WebSocket state,
 * answers pings, and keeps what arrives for later; nothing reaches protocol code. Before that,
 * each connection's session and each binding's per-vhost state are exported, as plain data
 * ({@link HandoffState}). When a service of the same name comes within the grace period
 * ({@code handoff-grace-ms}, global, 5000 by default) and also implements this interface, it
 * imports the binding's state, then each connection's, and the connections resume: what arrived
 * meanwhile is delivered in order. No replacement in time, a replacement that does not opt in or
 * refuses a state: the connections are closed with 1001, as without handoff. HTTP requests for
 * the protocol wait (within the grace period) instead of being answered 503.
 *
 * <p><b>Threads and order.</b> Going away: {@link #exportSession} on each connection's service
 * thread (the old instance's last call for it), then {@link #exportVhost} on service thread 0,
 * then PROTOCOL_DESTROY. Coming: PROTOCOL_INIT, {@link #importVhost} on thread 0 (before any new
 * connection can reach the new instance), then {@link #importSession} on each connection's thread,
 * then that connection's queued messages.
 * An exception from any of these counts as a refusal.
 */
@ConsumerType
public interface Handoff {
    /** The session of {@code wsi} as plain data; null for a connection that may simply be closed. */
    HandoffState exportSession(Connection wsi);

    /** The binding's per-vhost state (groups, rings, timers to re-arm); null for none. */
    default HandoffState exportVhost(VhostProtocol binding) {
        return null;
    }

    /**
     * The new instance takes the binding's state (null when the old one exported none); false
     * refuses it (a format it cannot read), and every parked connection is closed with 1001.
     */
    default boolean importVhost(VhostProtocol binding, HandoffState state) {
        return true;
    }

    /**
     * The new instance takes connection {@code wsi}, bound to it already: its session was made by
     * {@link Protocol#newSession} as for any new connection, and this restores it from
     * {@code state} ({@link Connection#session()}); false refuses it, and the connection is
     * closed with 1001.
     */
    boolean importSession(Connection wsi, HandoffState state);
}
