package org.lws4j.core.raw;

import java.nio.ByteBuffer;

import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Role;
import org.lws4j.api.WriteMode;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.conn.RoleHandler;

/**
 * Raw bytes, no framing of ours (lws's raw-skt and raw-file roles): a socket that fell back to
 * raw, a raw client, or an adopted channel or stream. The protocol gets RAW_ADOPT, RAW_RX with
 * what arrived, RAW_WRITEABLE when it may write, RAW_CLOSE at the end; the _FILE reasons for
 * adopted files, pipes and streams.
 */
public final class RawHandler extends RoleHandler {
    private final boolean file;
    private final boolean client;
    private boolean adopted;
    private boolean failedBeforeAdopt;

    /**
     * @param file true for files, pipes and streams (the _FILE reasons)
     * @param client true for a connection this side opens: it starts when the connect completes
     */
    public RawHandler(ConnectionImpl conn, boolean file, boolean client) {
        super(conn);
        this.file = file;
        this.client = client;
    }

    @Override
    public Role role() {
        return file ? Role.RAW_FILE : Role.RAW_SOCKET;
    }

    @Override
    public void onStart() {
        conn.setRoleDeadline(0);
        if (!client || !conn.isConnecting()) {
            adopt();
        }
    }

    @Override
    public void onConnected() {
        adopt();
    }

    @Override
    public void onConnectFailed(String why) {
        failedBeforeAdopt = true;
        conn.failClient("connect failed", why);
    }

    @Override
    public void onRoleTimeout() {
        if (client && !adopted) {
            onConnectFailed("connect timed out");
        } else {
            conn.closeNow("timed out");
        }
    }

    private void adopt() {
        if (adopted) {
            return;
        }
        adopted = true;
        if (conn.call(file ? Reason.RAW_ADOPT_FILE : Reason.RAW_ADOPT, null) == Result.CLOSE) {
            conn.closeAfterFlush("protocol closed on adoption");
        }
    }

    @Override
    public void onData(ByteBuffer in) {
        if (conn.rxUserPaused()) {
            return; // the bytes stay queued in the connection
        }
        ByteBuffer view = in.slice();
        in.position(in.limit());
        if (conn.call(file ? Reason.RAW_RX_FILE : Reason.RAW_RX, view.asReadOnlyBuffer()) == Result.CLOSE) {
            conn.closeAfterFlush("protocol closed from RAW_RX");
        }
    }

    @Override
    public void onWriteable() {
        if (conn.call(file ? Reason.RAW_WRITEABLE_FILE : Reason.RAW_WRITEABLE, null) == Result.CLOSE) {
            conn.closeAfterFlush("protocol closed from RAW_WRITEABLE");
        }
    }

    @Override
    public boolean write(ByteBuffer data, WriteMode mode, boolean fin) {
        if (mode != WriteMode.RAW && mode != WriteMode.HTTP) {
            throw new IllegalStateException("write(" + mode + ") on a raw connection; use WriteMode.RAW");
        }
        Reason expected = file ? Reason.RAW_WRITEABLE_FILE : Reason.RAW_WRITEABLE;
        if (conn.inCallback() != expected) {
            throw new IllegalStateException("raw writes belong in " + expected + ", not " + conn.inCallback());
        }
        return conn.send(data);
    }

    @Override
    public void onEof() {
        if (conn.queuedBytes() > 0) {
            conn.closeAfterFlush("peer closed its side");
        } else {
            conn.closeNow("peer closed");
        }
    }

    @Override
    public void onClosed(String why) {
        if (adopted) {
            conn.call(file ? Reason.RAW_CLOSE_FILE : Reason.RAW_CLOSE, null);
        } else if (client && !failedBeforeAdopt) {
            conn.callConnectionError(why);
        }
    }

    @Override
    public void onUnbind() {
        if (adopted) {
            conn.call(file ? Reason.RAW_CLOSE_FILE : Reason.RAW_CLOSE, null);
            adopted = false;
        }
        conn.unbindProtocol();
        conn.closeAfterFlush("protocol went away");
    }

    @Override
    public void onShutdown() {
        conn.closeAfterFlush("server shutting down");
    }
}
