package org.lws4j.spi.group;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Carries group messages between nodes. A broker bundle registers one as an OSGi service (the core
 * uses the best ranked one); with none, groups deliver to the members on this node only.
 *
 * <p><b>Contract.</b> The core calls {@link #open} once when it starts using the broker, then
 * {@link #publish} for every message published on this node, then {@link #close} when it stops
 * (the service goes away, or the core stops). The broker gives the messages other nodes published
 * to the {@link GroupSink}, each once, in the order each sender published them; it never gives
 * back a message this node published (the core delivered it to the local members already).
 *
 * <p><b>Threads.</b> {@link #publish} is called on service threads, so it must not block and must
 * not throw: a broker queues the message (bounded) and sends it from its own thread; while the
 * broker is unreachable it drops what other nodes would have received (local members got it from
 * the core). {@link GroupSink} may be called on any thread, from {@link #open} until
 * {@link #close} returns.
 */
@ConsumerType
public interface GroupBroker {
    /** The broker's state, as the status page, the log and the metrics show it. */
    enum State {
        /** Connected: messages go to and come from the other nodes. */
        CONNECTED,
        /** Not connected yet, or reconnecting after a failure (with back-off). */
        CONNECTING,
        /** Closed by the core. */
        CLOSED
    }

    /** Starts: connect (without blocking the caller) and give other nodes' messages to {@code sink}. */
    void open(GroupSink sink);

    /**
     * Sends a message published on this node to the other nodes: {@code vhost} and {@code group}
     * name the group (groups of the same name on different vhosts are different groups). The
     * core's {@code group} is the scope of the {@link org.lws4j.api.Groups} (the protocol's name), a
     * {@code '/'}, and the group's own name, e.g. {@code "lws-mirror-protocol/x"}; both strings are
     * any text (a broker escapes what its channel or subject syntax does not allow), {@code
     * payload} is the message (read from its position to its limit; the core does not change it
     * afterwards, the broker must not either), {@code binary} its WebSocket opcode.
     */
    void publish(String vhost, String group, ByteBuffer payload, boolean binary);

    /** Stops: disconnect, and call {@code sink} no more once this returns. */
    void close();

    /** The current state. */
    State state();

    /** A line for the status page and the log: the broker's address and what it is doing, e.g. {@code "redis://127.0.0.1:6379 connected"}. */
    String describe();
}
