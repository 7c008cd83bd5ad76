package org.lws4j.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectableChannel;

/**
 * The bytes of one connection, in and out: plain TCP, or TLS over it. The connection above
 * deals in application bytes only; an endpoint may move other bytes (TLS records, handshakes)
 * on its own and say so through {@link #hasPendingOutput()} and {@link #hasBufferedInput()}.
 * Used on the connection's service thread only.
 */
public interface Endpoint {
    /**
     * The peer's first bytes are not what this endpoint speaks (plain bytes on a TLS port): the
     * connection's role decides what, if anything, to answer before it closes.
     */
    class ForeignBytesException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int firstByte;

        public ForeignBytesException(String what, int firstByte) {
            super(what + ": first byte 0x" + Integer.toHexString(firstByte));
            this.firstByte = firstByte;
        }

        /** The first byte the peer sent. */
        public int firstByte() {
            return firstByte;
        }
    }

    /** The channel the loop selects on. */
    SelectableChannel channel();

    /** The peer's address, or null when there is none (pipes, files). */
    default InetSocketAddress remote() {
        return null;
    }

    /** Our address, or null when there is none. */
    default InetSocketAddress local() {
        return null;
    }

    /** The connection is established (accepted, or connected as a client): start what must start. */
    default void start() throws IOException {
    }

    /** False when the channel cannot be selected for writing; the endpoint wakes the loop itself. */
    default boolean selectsWrite() {
        return true;
    }

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

    /**
     * Whether a close waits, after ending the output, for the peer's end (TCP: so a response is
     * not lost to a reset); false when ending the output is the whole close (an HTTP/2 stream).
     */
    default boolean lingers() {
        return true;
    }

    /** True when this endpoint is one stream of a multiplexed connection (HTTP/2), not a socket of its own. */
    default boolean isStream() {
        return false;
    }

    /**
     * A virtual connection (see {@link Wire#register}) has taken all the input it held
     * while its reading was paused: its source may send more (an HTTP/2 stream's window).
     */
    default void heldInputTaken() {
    }

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
