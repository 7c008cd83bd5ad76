package org.lws4j.testclient;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.Connection;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;

/**
 * {@code --protocol NAME} for a protocol other than the two demo ones (lws-echo, say): each line
 * of standard input is sent as a text message, each message received is printed as a line
 * (binary ones as {@code [binary N bytes]}). At the end of input the queued lines are sent, and
 * once the peer has been quiet for {@link RawRelay#LINGER_MS} (answers to the last lines arrive
 * first) the close handshake begins; the client ends when the connection has closed. One
 * connection, not reopened. Service thread only.
 */
final class TextClient extends WsClient implements StdinSource.Listener {
    private final StdoutSink stdout;
    private final Outcome outcome;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private Connection conn;
    private boolean inputEnded;

    TextClient(String protocol, StdoutSink stdout, Outcome outcome) {
        super(protocol);
        this.stdout = stdout;
        this.outcome = outcome;
    }

    @Override
    protected Result onClientEstablished(Connection wsi, ByteBuffer in) {
        conn = wsi;
        wsi.context().log().notice("%s: established%s%s", name, wsi.extensions().isEmpty() ? "" : " with " + wsi.extensions(),
                WsClient.overH2(wsi));
        wsi.requestWriteable();
        return Result.CONTINUE;
    }

    @Override
    protected Result onClientWriteable(Connection wsi, ByteBuffer in) {
        if (!lines.isEmpty()) {
            if (!wsi.write(ByteBuffer.wrap(lines.poll().getBytes(StandardCharsets.UTF_8)), WriteMode.TEXT)) {
                return Result.CLOSE;
            }
        }
        if (!lines.isEmpty()) {
            wsi.requestWriteable();
        } else if (inputEnded) {
            wsi.setTimer(RawRelay.LINGER_MS, TimeUnit.MILLISECONDS);
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onTimer(Connection wsi, ByteBuffer in) {
        wsi.close(1000, "");
        return Result.CLOSE;
    }

    @Override
    protected Result onClientReceive(Connection wsi, ByteBuffer in) {
        byte[] b = new byte[in.remaining()];
        in.get(b);
        partial.write(b, 0, b.length);
        if (wsi.isFinalFragment()) {
            stdout.println(wsi.isBinary() ? "[binary " + partial.size() + " bytes]" : partial.toString(StandardCharsets.UTF_8));
            partial.reset();
        }
        if (inputEnded && lines.isEmpty()) {
            wsi.setTimer(RawRelay.LINGER_MS, TimeUnit.MILLISECONDS); // still talking: wait for quiet again
        }
        return Result.CONTINUE;
    }

    @Override
    void failed(Connection wsi) {
        conn = null;
        outcome.end(1);
        stdout.finish();
    }

    @Override
    void closed(Connection wsi) {
        conn = null;
        outcome.end(0);
        stdout.finish();
    }

    @Override
    public void input(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte c = in.get();
            if (c == '\n') {
                addLine();
            } else {
                line.write(c);
            }
        }
        if (conn != null) {
            conn.requestWriteable();
        }
    }

    @Override
    public void end() {
        if (line.size() > 0) {
            addLine();
        }
        inputEnded = true;
        if (conn != null) {
            conn.requestWriteable();
        }
    }

    private void addLine() {
        String s = line.toString(StandardCharsets.UTF_8);
        lines.add(s.endsWith("\r") ? s.substring(0, s.length() - 1) : s);
        line.reset();
    }
}
