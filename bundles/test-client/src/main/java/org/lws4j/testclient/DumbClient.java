package org.lws4j.testclient;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.lws4j.api.Connection;
import org.lws4j.api.Result;

/**
 * dumb-increment-protocol, client side: prints each count the server pushes (20 a second) as
 * {@code dumb-increment: N}. Service thread only.
 */
final class DumbClient extends WsClient {
    static final String NAME = "dumb-increment-protocol";

    private final StdoutSink stdout;
    private final StringBuilder partial = new StringBuilder();

    DumbClient(StdoutSink stdout) {
        super(NAME);
        this.stdout = stdout;
    }

    @Override
    protected Result onClientEstablished(Connection wsi, ByteBuffer in) {
        wsi.context().log().notice("%s: established%s%s", NAME, wsi.extensions().isEmpty() ? "" : " with " + wsi.extensions(),
                WsClient.overH2(wsi));
        partial.setLength(0);
        return Result.CONTINUE;
    }

    @Override
    protected Result onClientReceive(Connection wsi, ByteBuffer in) {
        partial.append(StandardCharsets.UTF_8.decode(in));
        if (wsi.isFinalFragment()) {
            stdout.println("dumb-increment: " + partial);
            partial.setLength(0);
        }
        return Result.CONTINUE;
    }
}
