package org.lws4j.core.loop;

import org.lws4j.api.Context;
import org.lws4j.api.Log;

/** What a connection needs of the context that owns it. */
public interface ConnectionHost {
    Context context();

    Log log();

    /** The connection closed; account for it. Called on its service thread. */
    void connectionClosed(ConnectionImpl c);
}
