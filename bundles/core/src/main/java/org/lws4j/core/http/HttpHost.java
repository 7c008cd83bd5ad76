package org.lws4j.core.http;

import org.lws4j.spi.extension.Extension;
import org.lws4j.core.config.ContextConfig;

/** What the HTTP and WebSocket roles need of the context. */
public interface HttpHost {
    ContextConfig config();

    String serverString();

    /** The best extension service of that name now, or null. */
    Extension extension(String name);

    /** The best mount origin service for a scheme ("cgi"), or null. */
    org.lws4j.spi.origin.MountOrigin mountOrigin(String scheme);

    /** The TLS vhost of that name, for plain vhosts that redirect to their TLS twin; or null. */
    org.lws4j.core.vhost.VhostImpl tlsTwin(String name);

    /**
     * When protocol {@code name} of {@code v} is parked over an update (handoff): runs
     * {@code then} once it is back or given up (on another thread: post to the connection's) and
     * answers true; false when it is not parked.
     */
    default boolean whenProtocolBack(org.lws4j.core.vhost.VhostImpl v, String name, Runnable then) {
        return false;
    }
}
