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

    /** The connection closed; account for it. Called on its service thread. */
    void connectionClosed(ConnectionImpl c);

    /**
     * An HTTP/2 stream's connection started: listed with the others (status pages, commands,
     * {@code closeConnection}), not counted against the connection limit, which counts sockets.
     */
    default void streamOpened(ConnectionImpl c) {
    }

    /** An HTTP/2 stream's connection ended: no longer listed. */
    default void streamClosed(ConnectionImpl c) {
    }
}
