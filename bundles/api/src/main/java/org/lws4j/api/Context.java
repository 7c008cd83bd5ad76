package org.lws4j.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The context: service threads, vhosts and the loop they share (lws's {@code lws_context}).
 * Registered as an OSGi service by the core. Thread-safe.
 */
@ProviderType
public interface Context {
    /** The vhosts, in the order they were created. */
    List<Vhost> vhosts();

    /** The vhost named {@code name}, or null. */
    Vhost vhost(String name);

    /** The number of service threads (0 when the application drives the loop with {@link #service}). */
    int serviceThreads();

    /** The context's log. */
    Log log();

    /** The Server header and status string, e.g. "lws4j". */
    String serverString();

    /** A snapshot of every connection now (status pages, shell commands). Thread-safe. */
    java.util.List<ConnectionInfo> connections();

    /**
     * Closes connection {@code id} on its own thread: WebSockets get a Close with {@code code}
     * and {@code reason}, others are closed once queued output is written. Thread-safe.
     *
     * @return false when no such connection is open
     */
    boolean closeConnection(long id, int code, String reason);

    /** When the context started, epoch milliseconds. */
    long startMillis();

    /**
     * The limits in force, for status pages: the config key (lwsws JSON, e.g.
     * {@code max-http-body}) to its value, in bytes, seconds or a count as that key has it, plus
     * {@code max-connections} (what the fd limit allows, or {@code fd-limit-per-thread} times the
     * threads) and {@code header-pool-in-use}. In a stable order; thread-safe.
     */
    default java.util.Map<String, Long> limits() {
        return java.util.Map.of();
    }

    /**
     * The connections parked now over an update of their protocol ({@link Handoff}), by protocol
     * name; empty when no handoff is in progress. For status pages; thread-safe.
     *
     * @since 1.1
     */
    default java.util.Map<String, Integer> parkedConnections() {
        return java.util.Map.of();
    }

    /**
     * The group broker's state, for status pages: {@code "none"} when groups deliver on this node
     * only (no broker installed), else {@code "connected"}, {@code "connecting"} or
     * {@code "closed"} ({@link org.lws4j.spi.group.GroupBroker.State}, lower case).
     *
     * @since 1.2
     */
    default String groupBrokerState() {
        return "none";
    }

    /**
     * The group broker in a line, for status pages and logs: its own description (address and
     * state) and what went through it, or {@code "none"}.
     *
     * @since 1.2
     */
    default String groupBroker() {
        return "none";
    }

    /** Asks for WRITEABLE on every connection of {@code protocol} on every vhost. */
    void requestWriteableAll(String protocol);

    /**
     * Wakes every service thread and delivers {@link Reason#EVENT_WAIT_CANCELLED} to every bound
     * protocol on it (lws_cancel_service).
     */
    void cancelService();

    /**
     * Opens a client connection (lws_client_connect_via_info). Returns at once with the
     * connection's handle (lws's pwsi), before any callback; later, on its service thread, the
     * local protocol gets CLIENT_ESTABLISHED (WebSocket), ESTABLISHED_CLIENT_HTTP (HTTP),
     * RAW_ADOPT (raw), or CLIENT_CONNECTION_ERROR with the reason. Name resolution and the
     * connect never block a service thread. Thread-safe.
     *
     * @throws IllegalArgumentException when the vhost or local protocol named does not exist
     */
    Connection connect(ClientConnectInfo info);

    /**
     * Adopts a channel the application opened (a socket, a pipe) onto {@code vhost} and its
     * protocol {@code protocol}, as raw: RAW_ADOPT then RAW_RX / RAW_WRITEABLE / RAW_CLOSE for
     * sockets, RAW_ADOPT_FILE then RAW_RX_FILE / RAW_WRITEABLE_FILE / RAW_CLOSE_FILE for other
     * channels. Thread-safe.
     */
    Connection adopt(java.nio.channels.SelectableChannel channel, String vhost, String protocol);

    /**
     * Adopts a stream Java cannot select on (a FIFO, stdin, a process's output) as a raw file:
     * a bridge thread reads it and posts what it reads into the loop, so callbacks stay on the
     * service thread; writes go to {@code out} (may be null for read-only). Thread-safe.
     */
    Connection adoptStream(java.io.InputStream in, java.io.OutputStream out, String vhost, String protocol);

    /**
     * Runs the loop once on the calling thread: waits up to {@code timeoutMillis} for events (0
     * does not wait), handles them, and returns. Only for contexts made with no service threads,
     * where the application drives the loop (lws's external loop).
     *
     * @return the number of events handled
     * @throws IllegalStateException when the context has service threads of its own
     */
    int service(long timeoutMillis);
}
