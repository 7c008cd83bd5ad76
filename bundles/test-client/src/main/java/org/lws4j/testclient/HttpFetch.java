package org.lws4j.testclient;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.lws4j.api.Connection;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;

/**
 * {@code http://} and {@code https://}: a GET whose body goes to standard output (protocol
 * {@value #NAME}). The status goes to the log, as lws's test client has it. The body is read
 * with the client read call only while standard output has room, so a slow reader of our output
 * slows the download instead of filling memory (lws's advice for RECEIVE_CLIENT_HTTP).
 * Service thread only.
 */
final class HttpFetch extends ProtocolAdapter {
    static final String NAME = "lws4j-client-http";

    private final StdoutSink stdout;
    private final Outcome outcome;
    private boolean readPending;

    HttpFetch(StdoutSink stdout, Outcome outcome) {
        this.stdout = stdout;
        this.outcome = outcome;
    }

    @Override
    protected Result onEstablishedClientHttp(Connection wsi, ByteBuffer in) {
        String type = wsi.responseHeader("content-type");
        wsi.context().log().notice("http: %d from %s%s%s", wsi.responseStatus(), wsi.peerAddress(),
                type == null ? "" : " (" + type + ")", WsClient.overH2(wsi));
        return Result.CONTINUE;
    }

    @Override
    protected Result onReceiveClientHttp(Connection wsi, ByteBuffer in) {
        if (stdout.hasRoom()) {
            wsi.httpClientRead();
        } else if (!readPending) {
            readPending = true;
            stdout.whenRoom(() -> wsi.execute(() -> {
                readPending = false;
                wsi.httpClientRead();
            }));
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onReceiveClientHttpRead(Connection wsi, ByteBuffer in) {
        stdout.offer(in);
        return Result.CONTINUE;
    }

    @Override
    protected Result onCompletedClientHttp(Connection wsi, ByteBuffer in) {
        wsi.context().log().info("http: response complete");
        outcome.end(0);
        stdout.finish();
        return Result.CONTINUE;
    }

    @Override
    protected Result onClosedClientHttp(Connection wsi, ByteBuffer in) {
        // after COMPLETED this changes nothing; before it, the response was cut short
        if (!outcome.isOver()) {
            wsi.context().log().err("http: the connection closed before the response was complete");
            outcome.end(1);
            stdout.finish();
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onClientConnectionError(Connection wsi, ByteBuffer in) {
        wsi.context().log().err("http: CLIENT_CONNECTION_ERROR: %s", StandardCharsets.UTF_8.decode(in));
        outcome.end(1);
        stdout.finish();
        return Result.CONTINUE;
    }
}
