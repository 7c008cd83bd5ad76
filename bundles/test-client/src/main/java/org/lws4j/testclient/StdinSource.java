package org.lws4j.testclient;

import java.io.InputStream;
import java.nio.ByteBuffer;

import org.lws4j.api.Connection;
import org.lws4j.api.Context;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;

/**
 * Standard input as an adopted raw file (protocol {@value #NAME}): Java cannot select on it, so
 * the core's bridge thread reads it and RAW_RX_FILE brings each piece to the service thread.
 * The end of input (Ctrl-D, a closed pipe) is RAW_CLOSE_FILE.
 *
 * <p>Runs on the service thread, except {@link #open}.
 */
final class StdinSource extends ProtocolAdapter {
    static final String NAME = "lws4j-client-stdin";

    /** Where input goes. */
    interface Listener {
        /** A piece of input; {@code in} is valid during the call only. */
        void input(ByteBuffer in);

        /** The input ended. */
        void end();
    }

    private final Listener listener;
    private Connection conn;
    private boolean paused;

    StdinSource(Listener listener) {
        this.listener = listener;
    }

    /** Adopts {@code in} onto {@code vhost}; any thread. */
    void open(Context ctx, InputStream in, String vhost) {
        ctx.adoptStream(in, null, vhost, NAME);
    }

    /** Stops (false) or resumes (true) reading input: back pressure from where it goes. */
    void flow(boolean receive) {
        if (conn != null && paused == receive) {
            paused = !receive;
            conn.rxFlowControl(receive);
        }
    }

    @Override
    protected Result onRawAdoptFile(Connection wsi, ByteBuffer in) {
        conn = wsi;
        return Result.CONTINUE;
    }

    @Override
    protected Result onRawRxFile(Connection wsi, ByteBuffer in) {
        listener.input(in);
        return Result.CONTINUE;
    }

    @Override
    protected Result onRawCloseFile(Connection wsi, ByteBuffer in) {
        conn = null;
        listener.end();
        return Result.CONTINUE;
    }
}
