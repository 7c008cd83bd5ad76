package org.lws4j.core.conn;

import java.nio.ByteBuffer;
import java.util.List;

import org.lws4j.api.HttpRequest;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Role;
import org.lws4j.api.WriteMode;
import org.lws4j.core.loop.Endpoint;
import org.lws4j.core.loop.WireHandler;

/**
 * What the bytes of a connection mean: one role's table of operations (lws's role ops). The
 * {@link ConnectionImpl} moves bytes; its handler parses them, calls the protocol and frames
 * what the protocol writes. An upgrade replaces the handler. Everything runs on the connection's
 * service thread. API calls a role does not support throw IllegalStateException.
 */
public abstract class RoleHandler implements WireHandler {
    protected final ConnectionImpl conn;

    protected RoleHandler(ConnectionImpl conn) {
        this.conn = conn;
    }

    public abstract Role role();

    /** The handler became the connection's (registration or upgrade). */
    public void onStart() {
    }

    /**
     * Bytes from the peer. Consume what you can; bytes left in {@code in} are kept by the
     * connection and offered again after {@link ConnectionImpl#resumeRx()}, so leave bytes only
     * after pausing with {@link ConnectionImpl#holdRx()} or when the user stopped rx.
     */
    public abstract void onData(ByteBuffer in);

    /** A client connection's connect completed: send what the role sends first. */
    public void onConnected() {
    }

    /** A client connection's connect failed. */
    public void onConnectFailed(String why) {
        conn.closeNow("connect failed: " + why);
    }

    /** A protocol callback (any reason) has just returned; work it deferred can run now. */
    public void afterCallback() {
    }

    /** The protocol allowed receiving again (rxFlowControl(true)); bytes held back follow. */
    public void onRxResumed() {
    }

    /** The peer closed its sending side. */
    /**
     * The peer's first bytes are not what the endpoint speaks (plain bytes on a TLS port); the
     * connection closes after this. A role may send one plain answer first.
     */
    public void onForeignBytes(Endpoint.ForeignBytesException e) {
    }

    /**
     * The protocol goes away for an update (handoff): keep the connection for the next instance,
     * delivering nothing to protocol code meanwhile. False when this role cannot, and the
     * connection then ends as on {@link #onUnbind()}. Called bound to the old instance, whose
     * state was exported just before.
     */
    public boolean park() {
        return false;
    }

    /** A parked connection is bound to the new instance, which took its state: go on. */
    public void resumeParked() {
    }

    /** A parked connection nobody takes over ({@code why}): it ends as an unbind ends it. */
    public void abandonParked(String why) {
        onUnbind();
    }

    public void onEof() {
        conn.closeNow("peer closed the connection");
    }

    /** The socket took everything queued and a WRITEABLE was asked for. */
    public void onWriteable() {
    }

    /** The role's own deadline passed (see {@link ConnectionImpl#setRoleDeadline}). */
    public void onRoleTimeout() {
        conn.closeNow("timed out");
    }

    /** The connection is gone; give the protocol its last callback. */
    public void onClosed(String why) {
    }

    /** The protocol this connection is bound to is being unbound: end cleanly, then close. */
    public void onUnbind() {
        conn.closeNow("protocol went away");
    }

    /**
     * The connections multiplexed on this one (an HTTP/2 socket's streams), which the context's
     * own lists do not hold: what is done to every connection of a vhost, a protocol or an
     * extension is done to these too. Service thread only.
     */
    public java.util.List<ConnectionImpl> streams() {
        return java.util.List.of();
    }

    /** The context is stopping: say goodbye if the role has a way to. */
    public void onShutdown() {
        conn.closeNow("context shutting down");
    }

    // ---- the API, per role ----------------------------------------------------------------------

    public HttpRequest request() {
        throw unsupported("request headers");
    }

    public boolean write(ByteBuffer data, WriteMode mode, boolean fin) {
        throw unsupported("write(" + mode + ")");
    }

    public void writeHttpHeaders(HttpResponse response) {
        throw unsupported("writeHttpHeaders");
    }

    public void respond(HttpResponse response, ByteBuffer body) {
        throw unsupported("respond");
    }

    public void respondStatus(int status, String message) {
        throw unsupported("respondStatus");
    }

    public void redirect(int status, String location) {
        throw unsupported("redirect");
    }

    public int responseStatus() {
        return 0;
    }

    public String responseHeader(String name) {
        return null;
    }

    public int httpClientRead() {
        throw unsupported("httpClientRead");
    }

    public boolean isFirstFragment() {
        return false;
    }

    public boolean isFinalFragment() {
        return false;
    }

    public boolean isBinary() {
        return false;
    }

    public long remainingPacketPayload() {
        return 0;
    }

    public void close(int code, String reason) {
        conn.closeAfterFlush("closed by protocol (" + code + " " + reason + ")");
    }

    public List<String> extensions() {
        return List.of();
    }

    public boolean setExtensionOption(String extension, String option, String value) {
        return false;
    }

    protected IllegalStateException unsupported(String what) {
        return new IllegalStateException(what + " is not available on a " + role() + " connection");
    }
}
