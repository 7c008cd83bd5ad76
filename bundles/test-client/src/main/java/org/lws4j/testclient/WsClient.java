package org.lws4j.testclient;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.lws4j.api.ClientConnectInfo;
import org.lws4j.api.Connection;
import org.lws4j.api.Context;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;

/**
 * The client side of one WebSocket protocol, with lws's test client's habit: one connection at
 * a time, opened by the main thread ({@link #connect}) whenever none is {@link #isActive()
 * active}. Subclasses add what the protocol does; callbacks run on the service thread.
 */
abstract class WsClient extends ProtocolAdapter {
    /** The subprotocol asked for, which is also this local protocol's name. */
    final String name;
    /** True from {@link #connect} until the connection failed or closed. */
    private volatile boolean active;
    private volatile Connection handle;

    WsClient(String name) {
        this.name = name;
    }

    /** Opens a connection (any thread); false if it could not even start. */
    boolean connect(Context ctx, ClientConnectInfo info) {
        active = true; // before connect(): its callbacks may come before it returns
        try {
            handle = ctx.connect(info.protocols(name).localProtocol(name));
            return true;
        } catch (RuntimeException e) {
            active = false;
            ctx.log().err("%s: cannot connect: %s", name, e.getMessage());
            return false;
        }
    }

    boolean isActive() {
        return active;
    }

    /** Starts the close handshake (1000) if a connection is up; any thread. */
    void close() {
        Connection h = handle;
        if (active && h != null) {
            h.execute(() -> h.close(1000, ""));
        }
    }

    @Override
    protected Result onClientConnectionError(Connection wsi, ByteBuffer in) {
        wsi.context().log().err("%s: CLIENT_CONNECTION_ERROR: %s", name, StandardCharsets.UTF_8.decode(in));
        active = false;
        failed(wsi);
        return Result.CONTINUE;
    }

    @Override
    protected Result onClientClosed(Connection wsi, ByteBuffer in) {
        wsi.context().log().notice("%s: closed", name);
        active = false;
        closed(wsi);
        return Result.CONTINUE;
    }

    /** " over HTTP/2" for a connection that runs on an HTTP/2 stream, else nothing (the log's usual lines). */
    static String overH2(Connection wsi) {
        return "HTTP/2".equals(wsi.httpVersion()) ? " over HTTP/2" : "";
    }

    /** After CLIENT_CONNECTION_ERROR. */
    void failed(Connection wsi) {
    }

    /** After CLIENT_CLOSED. */
    void closed(Connection wsi) {
    }
}
