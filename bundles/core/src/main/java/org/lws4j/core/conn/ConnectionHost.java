package org.lws4j.core.conn;

import org.lws4j.api.Context;
import org.lws4j.api.Log;

/** What a connection needs of the context that owns it. */
public interface ConnectionHost {
    Context context();

    Log log();

    /** The connection is on its thread's selector: it counts as open. Called on its service thread. */
    default void connectionOpened(ConnectionImpl c) {
    }

    /**
     * A stream multiplexed on one of this host's connections (an HTTP/2 request or WebSocket)
     * started: not a connection of its own for counts and limits, but listed with them. Called on
     * its service thread.
     */
    default void streamOpened(ConnectionImpl c) {
    }

    /** That stream ended. Called on its service thread. */
    default void streamClosed(ConnectionImpl c) {
    }

    /** The connection closed; account for it. Called on its service thread. */
    void connectionClosed(ConnectionImpl c);
}
