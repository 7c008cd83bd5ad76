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

    /** Adopts {@code channel} into the loop, bound to {@code binding} of {@code vhost}. */
    org.lws4j.api.Connection adopt(java.nio.channels.SelectableChannel channel, VhostImpl vhost, VhostProtocolImpl binding);

    /** Adopts a pair of streams (a bridge thread reads {@code in}), bound to {@code binding} of {@code vhost}. */
    org.lws4j.api.Connection adoptStream(java.io.InputStream in, java.io.OutputStream out, VhostImpl vhost,
                                         VhostProtocolImpl binding);

    /** The installed file-ops layers over the platform's. */
    org.lws4j.core.mount.LayeredFileOps fileOpsLayers();

    /** Every broadcast group of the context. */
    org.lws4j.core.group.GroupTable groups();
}
