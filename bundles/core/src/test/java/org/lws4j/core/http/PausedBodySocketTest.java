package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.Connection;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;

/**
 * A protocol that stops reading a request body (rxFlowControl(false), as the cgi origin does while
 * its program reads nothing) for longer than timeout-secs: the client is not the slow one, so it
 * must not get "408 request body too slow", nor may the rest of its body be read and dropped.
 * Fails today: the body deadline armed at the last NEED_MORE keeps running while the protocol has
 * paused; it fires, the core answers 408 without telling the protocol, and the linger reads and
 * discards the rest of the upload.
 */
@Timeout(60)
class PausedBodySocketTest {
    @TempDir
    Path tmp;

    @Test
    void aBodyPausedByTheProtocolLongerThanTimeoutSecsIsNotA408() throws Exception {
        CompletableFuture<Connection> paused = new CompletableFuture<>();
        try (TestServer server = TestServer.start(TestServer.config(1, 4096, 8, 1 << 30, 0),
                TestServer.mounts(TestServer.writeSite(tmp), "sink"))) {
            server.ctx.addProtocol("sink", new Protocol() {
                private int pieces;

                @Override
                public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                    if (reason == Reason.HTTP_BODY) {
                        in.position(in.limit());
                        if (++pieces == 2) {
                            wsi.rxFlowControl(false); // and never again: the "program" reads nothing
                            paused.complete(wsi);
                        }
                    }
                    return Result.CONTINUE;
                }
            }, 0, 1L);
            try (RawClient c = server.client()) {
                String head = "POST /sink HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n";
                c.send(head + "x".repeat(1000));
                // read, and the body wants more: its deadline is armed
                server.awaitOnLoop("the first piece read", t -> TestServer.bytesRead(t, c) == head.length() + 1000);
                c.send("y".repeat(1000)); // the protocol pauses on this one
                paused.get(20, TimeUnit.SECONDS);
                // a check due after timeout-secs (1 s) counted from now, after the pause
                boolean open = TestServer.await(server.afterTimers(TimeUnit.SECONDS.toNanos(1) + 1, t -> TestServer.isOpen(t, c)));
                if (!open) {
                    RawClient.Response r = c.read();
                    throw new AssertionError("1 s after the protocol paused the body the client had " + r.status() + " "
                            + r.reason() + " (" + r.text().replaceAll("<[^>]*>", " ").trim() + ") and the connection was"
                            + " closing; the log says nothing of it:\n" + server.logText());
                }
                assertEquals(true, c.nothingReceived(), "something was sent to a client whose body the protocol paused");
            }
        }
    }
}
