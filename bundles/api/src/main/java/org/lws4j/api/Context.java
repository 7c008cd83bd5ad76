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

    /** Asks for WRITEABLE on every connection of {@code protocol} on every vhost. */
    void requestWriteableAll(String protocol);

    /**
     * Wakes every service thread and delivers {@link Reason#EVENT_WAIT_CANCELLED} to every bound
     * protocol on it (lws_cancel_service).
     */
    void cancelService();

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
