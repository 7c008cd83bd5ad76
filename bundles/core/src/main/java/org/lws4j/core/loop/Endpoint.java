package org.lws4j.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

/**
 * The bytes of one connection, in and out: plain TCP, or TLS over it. The connection above
 * deals in application bytes only; an endpoint may move other bytes (TLS records, handshakes)
 * on its own and say so through {@link #hasPendingOutput()} and {@link #hasBufferedInput()}.
 * Used on the connection's service thread only.
 */
public interface Endpoint {
    /** The socket, for selection and addresses. */
    SocketChannel socket();

    /** Reads application bytes into {@code dst}: the count, 0 for none now, -1 at the end. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes application bytes; returns how many it took (it may take fewer than offered). */
    long write(ByteBuffer[] srcs) throws IOException;

    /** Pushes bytes the endpoint made itself (TLS records); true when none are left waiting. */
    boolean flush() throws IOException;

    /** True while bytes the endpoint made itself wait for the socket. */
    boolean hasPendingOutput();

    /** True when input is already buffered inside the endpoint (no socket readiness will tell). */
    boolean hasBufferedInput();

    /** True when files can go to the socket with {@link FileChannel#transferTo} (plain TCP only). */
    boolean canTransferFiles();

    /** Ends our sending side (TLS: close_notify first). */
    void shutdownOutput() throws IOException;

    void close() throws IOException;

    boolean isSecure();

    /** The server name the peer asked for in TLS SNI, or null. */
    default String sniHost() {
        return null;
    }

    /** The vhost name TLS chose a certificate for, or null. */
    default String tlsVhost() {
        return null;
    }
}
