package org.lws4j.api;

import java.nio.ByteBuffer;

/**
 * A message of a group, as {@link GroupMember#peek()} gives it. One instance is shared by every
 * member: {@link #payload()} gives each its own view (its position and limit; the bytes are
 * shared, never change them).
 *
 * @since 1.2
 */
public final class GroupMessage {
    private final ByteBuffer data;
    private final boolean binary;

    /** {@code data}: the message from its position to its limit, not changed afterwards. */
    public GroupMessage(ByteBuffer data, boolean binary) {
        this.data = data.slice(); // no copy: a view of what the publisher gave
        this.binary = binary;
    }

    /** The message, a view of its own for the caller (shared bytes: read them only; write it with {@link Connection#write}). */
    public ByteBuffer payload() {
        return data.duplicate();
    }

    /** The payload's length in bytes. */
    public int length() {
        return data.remaining();
    }

    /** True for a binary message, false for text. */
    public boolean binary() {
        return binary;
    }

    /** How to write it: {@link WriteMode#BINARY} or {@link WriteMode#TEXT}. */
    public WriteMode mode() {
        return binary ? WriteMode.BINARY : WriteMode.TEXT;
    }
}
