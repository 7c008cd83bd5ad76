package org.lws4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How {@link Connection#write(java.nio.ByteBuffer, WriteMode, boolean)} frames the bytes: lws's
 * {@code LWS_WRITE_*}.
 */
@ProviderType
public enum WriteMode {
    /** A WebSocket text message or the first fragment of one; the payload must be UTF-8. */
    TEXT,
    /** A WebSocket binary message or the first fragment of one. */
    BINARY,
    /** A further fragment of the message begun by the last TEXT or BINARY write that was not final. */
    CONTINUATION,
    /** A WebSocket ping (at most 125 bytes, always final). */
    PING,
    /** A WebSocket pong (at most 125 bytes, always final). */
    PONG,
    /**
     * HTTP body bytes. With a Content-Length they go out as they are; without one they are sent
     * chunked on HTTP/1.1 (or delimited by close on HTTP/1.0). The write with {@code fin} set
     * ends the response body.
     */
    HTTP,
    /** Bytes as they are, for raw sockets and raw files (lws's LWS_WRITE_RAW). */
    RAW
}
