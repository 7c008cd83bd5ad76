package org.lws4j.spi.metrics;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives what happens in the server, to count and time it: lws's {@code lws_metrics} as a
 * service. Registered as an OSGi service (the core uses the best ranked one), or given to
 * {@code Lws4j.builder().metrics(sink)} when embedding. With none, the core's cost at each event
 * site is one read of a volatile field.
 *
 * <p><b>Threads.</b> Events come on the service thread where they happen (several at once when
 * the context has several threads), hot-plug events on the thread that plugs a service in or out;
 * {@link #attach} and {@link #detach} on the thread that installs or removes the sink. Every method
 * must return quickly, never block and never throw: it runs inside the server's loop. Nothing is
 * allocated by the core for a call; labels are strings the core already holds.
 *
 * <p><b>Labels.</b> {@code vhost} is the vhost's name (for a connection not routed yet, the default
 * vhost of the port it came in on; null when there is none, e.g. an adopted channel); {@code
 * protocol} is the bound protocol's name, or null (a file, a redirect, an error the core answered).
 * Their sets are bounded by the configuration; {@code method} comes from the peer and is not.
 *
 * <p>Every method has an empty default, so a sink implements what it wants; times are in
 * nanoseconds.
 */
@ConsumerType
public interface MetricsSink {
    /**
     * The core starts reporting to this sink: events follow, and {@code server}'s levels may be
     * read from now on until {@link #detach}.
     */
    default void attach(ServerGauges server) {
    }

    /** The core has stopped reporting to this sink (events already under way on a service thread may still arrive). */
    default void detach(ServerGauges server) {
    }

    /**
     * How often each service thread measures how late a timer fires ({@link #loopLag}), as lws 5's
     * loop latency monitor does; 0 or less for never. Asked when the sink is attached.
     */
    default long loopProbeNanos() {
        return 0;
    }

    // ---- connections --------------------------------------------------------------------------

    /** A connection was accepted on a port whose default vhost is {@code vhost}. */
    default void connectionAccepted(String vhost) {
    }

    /** A connection was refused, or ended before serving, for {@code why}. */
    default void connectionRefused(String vhost, Refusal why) {
    }

    /** Bytes read from ({@code in}) and written to ({@code out}) a connection's socket just now (TLS records included). */
    default void bytes(String vhost, String protocol, long in, long out) {
    }

    // ---- HTTP ---------------------------------------------------------------------------------

    /**
     * An HTTP response is complete (queued whole; 101 when a WebSocket handshake was accepted).
     *
     * @param method the request's method as the peer sent it ("GET", ...)
     * @param status the response's status
     * @param headNanos from the request head's first byte to its last
     * @param totalNanos from the request head's first byte to the response complete
     */
    default void httpRequest(String vhost, String protocol, String method, int status, long headNanos,
                             long totalNanos) {
    }

    // ---- WebSocket ----------------------------------------------------------------------------

    /** A WebSocket data message arrived whole ({@code in}) or went out whole. */
    default void wsMessage(String vhost, String protocol, boolean in) {
    }

    /**
     * A WebSocket Close frame: received from the peer ({@code byPeer}) or sent by the server,
     * with its {@code code} (1005 when it carries none).
     */
    default void wsClose(String vhost, String protocol, int code, boolean byPeer) {
    }

    // ---- TLS ----------------------------------------------------------------------------------

    /** A server TLS handshake completed, {@code nanos} after the connection was accepted. */
    default void tlsHandshake(String vhost, long nanos) {
    }

    // ---- the loop -----------------------------------------------------------------------------

    /**
     * A WRITEABLE callback ran {@code nanos} after the connection asked for it ({@code
     * requestWriteable()}).
     */
    default void writeable(String vhost, String protocol, long nanos) {
    }

    /**
     * Service thread {@code thread} woke from its selector: {@code ready} connections and
     * listeners had I/O, {@code tasks} posted tasks ran in the turn.
     */
    default void loopTurn(int thread, int ready, int tasks) {
    }

    /** Service thread {@code thread}'s probe timer fired {@code lateNanos} after it was due. */
    default void loopLag(int thread, long lateNanos) {
    }

    // ---- hot-plug -----------------------------------------------------------------------------

    /** Protocol {@code protocol} was bound on vhost {@code vhost} ({@code bound}), or unbound. */
    default void binding(String vhost, String protocol, boolean bound) {
    }

    /** A connection of {@code protocol} was parked while its service is updated ({@code org.lws4j.api.Handoff}). */
    default void parked(String vhost, String protocol) {
    }

    /** A parked connection was taken by the new service ({@code resumed}), or closed with 1001. */
    default void handoff(String vhost, String protocol, boolean resumed) {
    }

    /**
     * The group broker's state changed, or the broker was installed or removed: {@code state} is
     * {@code "connected"}, {@code "connecting"}, {@code "closed"} or {@code "none"} (no broker:
     * groups deliver on this node only). On the broker's thread or the one that plugged it.
     *
     * @since 1.1
     */
    default void groupBroker(String state) {
    }

    /**
     * {@code members} connection members of a group of {@code protocol} on {@code vhost} were
     * closed: too slow for the messages other nodes sent to the group. On the broker's thread.
     *
     * @since 1.1
     */
    default void groupSlowClose(String vhost, String protocol, int members) {
    }
}
