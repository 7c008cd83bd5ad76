package org.lws4j.core.loop;

import java.nio.ByteBuffer;

/**
 * What a {@link Wire} tells the role above it: bytes in, the socket's state, deadlines. The roles
 * (HTTP, WebSocket, raw, clients) implement it through the connection's role handler; the byte
 * layer knows nothing else of them. Every call is on the connection's service thread.
 */
public interface WireHandler {
    /** The role begins (a connection registered, or an upgrade to this role). */
    void onStart();

    /** Bytes from the peer; what the role leaves in {@code in} is held and offered again. */
    void onData(ByteBuffer in);

    /** A client connect finished. */
    void onConnected();

    /** A client connect failed, for {@code why}. */
    void onConnectFailed(String why);

    /** The peer closed its sending side. */
    void onEof();

    /** The socket took everything queued and a WRITEABLE was asked for. */
    void onWriteable();

    /**
     * True when this role may be given several WRITEABLEs in one loop turn, its writes gathered
     * and sent with one system call ({@link Wire}'s batch): each callback still writes what one
     * WRITEABLE allows. Roles whose bookkeeping reads the output queue between callbacks say false.
     */
    default boolean batchesWriteable() {
        return false;
    }

    /** The deadline set with {@link Wire#setRoleDeadline} has come. */
    void onRoleTimeout();

    /** Reading resumed after a pause: bytes held back follow. */
    void onRxResumed();

    /** The peer's first bytes are not what the endpoint speaks; the connection closes after this. */
    void onForeignBytes(Endpoint.ForeignBytesException e);
}
