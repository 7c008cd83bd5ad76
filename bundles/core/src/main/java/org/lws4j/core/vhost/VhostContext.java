package org.lws4j.core.vhost;

import java.util.List;

import org.lws4j.api.Context;
import org.lws4j.api.Log;
import org.lws4j.core.loop.ServiceThread;

/** What vhosts and bindings need of the context. */
public interface VhostContext {
    Context context();

    Log log();

    /** The service threads; index 0 runs vhost-scoped callbacks and timers. */
    List<ServiceThread> threads();

    /** Opens clients and adopts channels. */
    org.lws4j.core.client.ClientConnector connector();

    /** The installed file-ops layers over the platform's. */
    org.lws4j.core.mount.LayeredFileOps fileOpsLayers();
}
