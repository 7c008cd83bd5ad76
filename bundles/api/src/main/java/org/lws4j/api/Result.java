package org.lws4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a callback asks of the core when it returns: lws's 0 and -1.
 */
@ProviderType
public enum Result {
    /** Carry on (lws's 0). */
    CONTINUE,
    /**
     * Close the connection (lws's -1). On a WebSocket the peer gets a Close frame carrying the
     * code and reason given to {@link Connection#close(int, String)}, or no status at all if none
     * was given; on HTTP the connection is closed once buffered output is written; from
     * {@link Reason#PROTOCOL_INIT} it refuses the binding.
     */
    CLOSE
}
