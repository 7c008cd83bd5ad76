package org.lws4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a connection is speaking right now. A connection starts as {@link #HTTP} and may become
 * {@link #WEBSOCKET} (upgrade) or {@link #RAW_SOCKET} (fallback to raw); it never goes back.
 */
@ProviderType
public enum Role {
    /** HTTP/1.x, server or client side. */
    HTTP,
    /** RFC 6455 WebSocket, server or client side. */
    WEBSOCKET,
    /** Bytes on a socket with no framing of ours (lws's raw-skt). */
    RAW_SOCKET,
    /** Bytes on an adopted file descriptor or channel: a FIFO, a pipe, stdin (lws's raw-file). */
    RAW_FILE
}
