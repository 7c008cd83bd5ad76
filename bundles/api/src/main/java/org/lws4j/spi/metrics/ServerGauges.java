package org.lws4j.spi.metrics;

import org.lws4j.api.Context;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The levels of a running server, read when a metrics service is scraped (pull), where the
 * {@link MetricsSink} events are pushed as things happen. Given to the sink by
 * {@link MetricsSink#attach}. Every method may be called from any thread and never blocks; a value
 * read while a service thread changes it may be a moment old.
 */
@ProviderType
public interface ServerGauges {
    /** The context these levels are of (its connections, vhosts, limits). */
    Context context();

    /** Service threads (a context the application drives has one loop, index 0). */
    int serviceThreads();

    /** Connections open on service thread {@code thread} now. */
    int connections(int thread);

    /** The most connections the context accepts (the connection limit). */
    int maxConnections();

    /** Request-head buffers of {@code thread}'s pool in use now (lws's ah pool). */
    int headerPoolInUse(int thread);

    /** Request-head buffers each service thread's pool may lend (max-http-header-pool). */
    int headerPoolSize();

    /** Connections of {@code thread} waiting for a request-head buffer now. */
    int headerPoolWaiting(int thread);

    /** Tasks posted to {@code thread} (from other threads or itself) and not yet run. */
    int tasksQueued(int thread);
}
