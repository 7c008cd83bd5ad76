package org.lws4j.core.conn;

import org.lws4j.api.Protocol;
import org.lws4j.api.VhostProtocol;

/**
 * A protocol bound on a vhost, as its connections see it (lws's vhost-protocol pair): the
 * protocol to call, the connections bound to it, the most a RECEIVE hands over. The vhost layer
 * implements it; connections know nothing more of vhosts.
 */
public interface Binding extends VhostProtocol {
    /** The protocol service bound. */
    Protocol protocol();

    /** The most message data one RECEIVE hands the protocol. */
    int rxBufferSize();

    /** {@code c} is bound to this now (its own thread). */
    void attach(ConnectionImpl c);

    /** {@code c} is not bound any more (its own thread). */
    void detach(ConnectionImpl c);
}
