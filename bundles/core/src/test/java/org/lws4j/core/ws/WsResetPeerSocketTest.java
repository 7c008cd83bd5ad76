package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lws4j.api.Connection;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.core.config.ContextConfig;

/**
 * A peer that resets its connection (RST) while the protocol has something to send: the write
 * that meets the reset returns false, and CLOSED comes after SERVER_WRITEABLE has returned, never
 * inside the write (lws-mirror-protocol died of a session torn down under its running callback).
 */
@Timeout(60)
class WsResetPeerSocketTest {
    /** Waits for what the server did; only a broken run gets to the end of it. */
    private static final long WAIT_SECONDS = 20;

    @Test
    void aWriteToAResetPeerReturnsFalseAndClosedIsNotNested() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CompletableFuture<Connection> established = new CompletableFuture<>();
        ProtocolAdapter writer = new ProtocolAdapter() {
            private boolean inWrite;

            @Override
            protected Result onEstablished(Connection wsi, ByteBuffer in) {
                wsi.rxFlowControl(false); // the reset is then found by the write, not by a read
                established.complete(wsi);
                return Result.CONTINUE;
            }

            @Override
            protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
                inWrite = true;
                boolean ok = wsi.write(ByteBuffer.allocate(64 * 1024), WriteMode.BINARY);
                inWrite = false;
                events.add("write returned " + ok);
                return ok ? Result.CONTINUE : Result.CLOSE;
            }

            @Override
            protected Result onClosed(Connection wsi, ByteBuffer in) {
                events.add(inWrite ? "CLOSED inside write()" : "CLOSED");
                return Result.CONTINUE;
            }
        };
        try (WsTestServer server = WsTestServer.start(WsTestServer.config(ContextConfig.DEFAULT_WS_MAX,
                ContextConfig.DEFAULT_WS_MAX, 0), Map.of("writer", writer))) {
            String tag = WsTestClient.newTag();
            WsTestClient c = WsTestClient.open(server.port, tag, "writer");
            Connection wsi = established.get(WAIT_SECONDS, TimeUnit.SECONDS);
            int clientPort = c.socket.getLocalPort();
            TcpTable.assertListed(server.port, clientPort);
            c.socket.setSoLinger(true, 0);
            c.close(); // RST
            // the server's socket has taken the reset once the kernel no longer lists it (reading
            // nothing, the server cannot tell); only then is it asked to write
            TcpTable.await("the server's socket took the reset", server.port, clientPort, state -> state == null);
            assertTrue(wsi.execute(wsi::requestWriteable), "the connection closed before it was asked to write");
            List<String> seen = new ArrayList<>();
            while (true) {
                String e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                if (e == null) {
                    fail("no CLOSED after the reset; saw " + seen);
                }
                seen.add(e);
                if (e.equals("CLOSED")) {
                    break;
                }
                if (e.equals("CLOSED inside write()")) {
                    // what the write returned comes next, from the same callback
                    seen.add(events.poll(WAIT_SECONDS, TimeUnit.SECONDS));
                    break;
                }
            }
            assertEquals(List.of("write returned false", "CLOSED"), seen, "the write that met the reset, then CLOSED");
        }
    }
}
