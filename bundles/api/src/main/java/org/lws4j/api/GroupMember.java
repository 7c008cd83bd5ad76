package org.lws4j.api;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A connection's membership of one group ({@link Groups#join}). Every method is called on the
 * member connection's service thread.
 *
 * @since 1.2
 */
@ProviderType
public interface GroupMember {
    /** The group's name. */
    String group();

    /**
     * Publishes a whole message to every member (this one included) and, with a broker, to the
     * other nodes. True when it went out; false when the group is full: the message is held, the
     * server has stopped reading from this connection, and both resume when there is room
     * (nothing is dropped). The payload is read from its position to its limit and becomes the
     * group's (do not change it afterwards).
     *
     * @throws IllegalStateException when a held message is waiting still (the server does not read
     *         from the connection meanwhile; a protocol publishing from elsewhere must wait too)
     */
    boolean publish(ByteBuffer payload, boolean binary);

    /** The next message to write, or null when this member has written everything. */
    GroupMessage peek();

    /**
     * The message {@link #peek()} gave was written: frees its place (which may let held writers go
     * on). True when more messages wait: ask for WRITEABLE again.
     */
    boolean advance();

    /** True while a message this member published waits for room. */
    boolean isHeld();

    /** Leaves the group (its held message, if any, is published first). Idempotent. */
    void leave();
}
