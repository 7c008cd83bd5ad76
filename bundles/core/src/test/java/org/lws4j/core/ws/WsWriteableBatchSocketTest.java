package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lws4j.api.CloseStatus;
import org.lws4j.api.Connection;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;

/**
 * A protocol that asks for WRITEABLE again from each WRITEABLE gets several in one loop turn, its
 * writes gathered into one system call (Wire's batch). What a peer sees must not change: every
 * message whole and in order, whatever its size against the batch buffer (16 KiB: some fit many
 * times, some not at all, so a batch is cut short and sent in the middle), a Close after the last
 * one, each callback having written exactly one message; and one connection writing as fast as
 * it may does not hold up another's.
 */
@Timeout(60)
class WsWriteableBatchSocketTest {
    private static final int[] SIZES = {10, 3_000, 20_000, 125, 126, 65_535, 65_536, 1, 9_000, 16_384};
    private WsTestServer server;

    /** Writes message i of {@code count} in WRITEABLE i, asking again each time; then closes 1000. */
    static final class Burst extends ProtocolAdapter {
        final int count;
        final Map<Connection, AtomicInteger> sent = new ConcurrentHashMap<>();
        final AtomicInteger callbacks = new AtomicInteger();

        Burst(int count) {
            this.count = count;
        }

        @Override
        protected Result onEstablished(Connection wsi, ByteBuffer in) {
            sent.put(wsi, new AtomicInteger());
            wsi.requestWriteable();
            return Result.CONTINUE;
        }

        @Override
        protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
            callbacks.incrementAndGet();
            int i = sent.get(wsi).getAndIncrement();
            if (i == count) {
                wsi.close(CloseStatus.NORMAL, "done");
                return Result.CONTINUE;
            }
            if (!wsi.write(ByteBuffer.wrap(message(i)), WriteMode.BINARY)) {
                return Result.CLOSE;
            }
            wsi.requestWriteable();
            return Result.CONTINUE;
        }
    }

    static byte[] message(int i) {
        byte[] m = new byte[SIZES[i % SIZES.length]];
        for (int k = 0; k < m.length; k++) {
            m[k] = (byte) (i * 31 + k);
        }
        return m;
    }

    private Burst start(int count) throws IOException {
        Burst b = new Burst(count);
        Map<String, org.lws4j.api.Protocol> ps = new LinkedHashMap<>();
        ps.put("burst", b);
        server = WsTestServer.start(WsTestServer.config(1L << 20, 1L << 20, 0), ps);
        return b;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyMessageArrivesWholeAndInOrderThenTheClose() throws IOException {
        int n = 2_000;
        Burst b = start(n);
        try (WsTestClient c = WsTestClient.open(server.port, WsTestClient.newTag(), "burst")) {
            for (int i = 0; i < n; i++) {
                WsTestClient.Message m = c.readMessage();
                assertEquals(FrameHeader.OP_BINARY, m.opcode());
                assertArrayEquals(message(i), m.data(), "message " + i);
            }
            WsTestClient.Frame close = c.readFrame();
            assertEquals(FrameHeader.OP_CLOSE, close.opcode());
            assertEquals(CloseStatus.NORMAL, close.code());
            assertEquals("done", close.reason());
        }
        assertEquals(n + 1, b.callbacks.get(), "one WRITEABLE per message, one for the close");
    }

    @Test
    void aConnectionWritingFlatOutDoesNotHoldUpAnother() throws IOException {
        int n = 20_000;
        Burst b = start(n);
        try (WsTestClient greedy = WsTestClient.open(server.port, WsTestClient.newTag(), "burst")) {
            greedy.readMessage(); // it is writing now, and stays ahead of its reader
            int served = 0;
            for (int k = 0; k < 5; k++) {
                // another connection's whole handshake and first messages, while the greedy one's
                // reader does not read: the loop serves it between the greedy one's batches
                try (WsTestClient other = WsTestClient.open(server.port, WsTestClient.newTag(), "burst")) {
                    for (int i = 0; i < 3; i++) {
                        assertArrayEquals(message(i), other.readMessage().data());
                    }
                    served++;
                }
            }
            assertEquals(5, served);
            for (int i = 1; i < n; i++) {
                assertArrayEquals(message(i), greedy.readMessage().data(), "greedy message " + i);
            }
            assertEquals(FrameHeader.OP_CLOSE, greedy.readFrame().opcode());
        }
        // the greedy connection's n messages and Close, and each other connection's first WRITEABLEs
        assertTrue(b.callbacks.get() >= n + 1 + 5 * 3, "WRITEABLEs: " + b.callbacks.get());
    }
}
