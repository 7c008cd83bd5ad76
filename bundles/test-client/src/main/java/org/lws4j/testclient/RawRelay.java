package org.lws4j.testclient;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.Connection;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;

/**
 * {@code raw://}: the raw socket (protocol {@value #NAME}) relays standard input to the peer and
 * the peer to standard output, with back pressure both ways: input stops being read while too
 * much waits for the socket, the socket stops being read while standard output lags.
 *
 * <p>At the end of input, what is queued is sent and the socket stays open until the peer has
 * been quiet for {@link #LINGER_MS} (so an echo of the last line still arrives), then closes.
 * When the peer closes, standard output is finished and the client ends. Service thread only.
 */
final class RawRelay extends ProtocolAdapter implements StdinSource.Listener {
    static final String NAME = "lws4j-client-raw";
    static final long LINGER_MS = 1000;
    private static final int HIGH_WATER = 256 * 1024;

    private final StdoutSink stdout;
    private final Outcome outcome;
    private final ArrayDeque<ByteBuffer> toPeer = new ArrayDeque<>();
    private StdinSource stdin;
    private long queued;
    private Connection sock;
    private boolean inputEnded;
    private boolean socketPaused;

    RawRelay(StdoutSink stdout, Outcome outcome) {
        this.stdout = stdout;
        this.outcome = outcome;
    }

    void setStdin(StdinSource s) {
        this.stdin = s;
    }

    // ---- the socket ----------------------------------------------------------------------------

    @Override
    protected Result onRawAdopt(Connection wsi, ByteBuffer in) {
        sock = wsi;
        wsi.context().log().notice("raw: connected to %s", wsi.peerAddress());
        if (!toPeer.isEmpty() || inputEnded) {
            wsi.requestWriteable();
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onRawRx(Connection wsi, ByteBuffer in) {
        stdout.offer(in);
        if (inputEnded) {
            wsi.setTimer(LINGER_MS, TimeUnit.MILLISECONDS); // still talking: wait for quiet again
        }
        if (!stdout.hasRoom() && !socketPaused) {
            socketPaused = true;
            wsi.rxFlowControl(false);
            stdout.whenRoom(() -> wsi.execute(() -> {
                socketPaused = false;
                wsi.rxFlowControl(true);
            }));
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onRawWriteable(Connection wsi, ByteBuffer in) {
        while (!toPeer.isEmpty() && !wsi.sendPipeChoked()) {
            ByteBuffer b = toPeer.poll();
            queued -= b.remaining();
            if (!wsi.write(b, WriteMode.RAW)) {
                return Result.CLOSE;
            }
        }
        if (!toPeer.isEmpty()) {
            wsi.requestWriteable();
        } else if (inputEnded) {
            wsi.setTimer(LINGER_MS, TimeUnit.MILLISECONDS);
        }
        if (stdin != null && queued < HIGH_WATER / 2) {
            stdin.flow(true);
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onTimer(Connection wsi, ByteBuffer in) {
        wsi.context().log().notice("raw: end of input, and the peer is quiet: closing");
        return Result.CLOSE;
    }

    @Override
    protected Result onRawClose(Connection wsi, ByteBuffer in) {
        sock = null;
        wsi.context().log().notice("raw: connection closed");
        outcome.end(0);
        stdout.finish();
        return Result.CONTINUE;
    }

    @Override
    protected Result onClientConnectionError(Connection wsi, ByteBuffer in) {
        wsi.context().log().err("raw: CLIENT_CONNECTION_ERROR: %s", StandardCharsets.UTF_8.decode(in));
        outcome.end(1);
        stdout.finish();
        return Result.CONTINUE;
    }

    // ---- standard input ------------------------------------------------------------------------

    @Override
    public void input(ByteBuffer in) {
        ByteBuffer copy = ByteBuffer.allocate(in.remaining()).put(in).flip();
        toPeer.add(copy);
        queued += copy.remaining();
        if (queued >= HIGH_WATER && stdin != null) {
            stdin.flow(false);
        }
        if (sock != null) {
            sock.requestWriteable();
        }
    }

    @Override
    public void end() {
        inputEnded = true;
        if (sock != null) {
            sock.requestWriteable();
        }
    }
}
