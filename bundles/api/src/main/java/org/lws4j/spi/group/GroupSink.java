package org.lws4j.spi.group;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a {@link GroupBroker} gives what comes from the other nodes. Implemented by the core; safe
 * to call from any thread, and it never blocks on a connection.
 */
@ProviderType
public interface GroupSink {
    /**
     * A message another node published to {@code group} on {@code vhost} (the strings that node's
     * core gave {@link GroupBroker#publish}): the core appends it to the group on this node for its
     * local members (none: it is dropped; the group full: see {@link org.lws4j.api.Groups}, it
     * never waits here). {@code payload} becomes the
     * core's; the broker must not touch it afterwards.
     */
    void deliver(String vhost, String group, ByteBuffer payload, boolean binary);

    /** The broker's state changed ({@code detail}: why, e.g. the connection error), for the log, status and metrics. */
    void stateChanged(GroupBroker.State state, String detail);
}
