package org.lws4j.api;

import java.nio.ByteBuffer;

/**
 * A listener member of a group ({@link Groups#subscribe}): called with each message, on the
 * thread that published it; it must not block.
 *
 * @since 1.2
 */
@FunctionalInterface
public interface GroupListener {
    /** A message of {@code group}: {@code payload} is a view of its own (the bytes
     * are shared with the other members: read them only). */
    void message(String group, ByteBuffer payload, boolean binary);
}
