package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.core.ws.Frames.frame;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.ws.TestProtocol.Mode;

/**
 * A peer that sends and never reads (here: pings, each owed a pong) cannot grow the server's
 * memory: once its queued output passes {@code max-output-buffer}, the server stops reading it,
 * TCP back-pressure holds the rest in the peer, and everybody else goes on.
 */
class WsPeerBoundsSocketTest {
    private static final long BOUND = 64 * 1024;
    /** Far more than the kernel's socket buffers can hold, so the peer must block if the server stops reading. */
    private static final long FLOOD = 256L << 20;

    @Test
    void aPeerThatPingsAndNeverReadsIsPausedAndOthersGoOn() throws Exception {
        ContextConfig cfg = WsTestServer.config(ContextConfig.DEFAULT_WS_MAX, ContextConfig.DEFAULT_WS_MAX, 0)
                .withOptions(Map.of(ContextConfig.MAX_OUTPUT_BUFFER, Long.toString(BOUND)));
        try (WsTestServer s = WsTestServer.start(cfg, new TestProtocol("echo", Mode.ECHO, 0))) {
            CountDownLatch paused = new CountDownLatch(1);
            s.ctx.logImpl().addEmitter((level, ts, line) -> {
                if (line.contains("reading paused until the peer takes them")) {
                    paused.countDown();
                }
            });
            String tag = WsTestClient.newTag();
            WsTestClient flooder = s.client(tag);
            byte[] ping = frame(true, 0, FrameHeader.OP_PING, new byte[125]);
            byte[] burst = new byte[ping.length * 512];
            for (int i = 0; i < 512; i++) {
                System.arraycopy(ping, 0, burst, i * ping.length, ping.length);
            }
            AtomicLong sent = new AtomicLong();
            CountDownLatch writerDone = new CountDownLatch(1);
            Thread writer = new Thread(() -> {
                try {
                    while (sent.get() < FLOOD) {
                        flooder.write(burst);
                        sent.addAndGet(burst.length);
                    }
                } catch (IOException closed) {
                    // the test closes the flooder at the end
                } finally {
                    writerDone.countDown();
                }
            }, "flooder");
            writer.start();
            assertTrue(paused.await(30, TimeUnit.SECONDS), "the server never paused the flooder: " + s.log);
            long queued = queuedOn(s.ctx.threads().get(0));
            // what passed the bound in the read that crossed it: at most one read buffer of pongs
            assertTrue(queued <= BOUND + 64 * 1024 + 1024, "queued output " + queued + " passes the bound");

            try (WsTestClient other = s.client()) {
                for (int i = 0; i < 20; i++) {
                    other.sendText("still here " + i);
                    assertEquals("still here " + i, other.readMessage().text(), "another client's echo");
                }
            }
            assertTrue(queuedOn(s.ctx.threads().get(0)) <= BOUND + 64 * 1024 + 1024, "still bounded");
            assertTrue(writerDone.getCount() == 1 && sent.get() < FLOOD,
                    "the flooder is held by back-pressure, " + sent.get() + " bytes in");
            flooder.close();
            assertTrue(writerDone.await(10, TimeUnit.SECONDS), "the flooder's writer ends once its socket is closed");
            // its connection goes, and with it what it had queued
            s.protocol("echo").await(tag, org.lws4j.api.Reason.CLOSED, 1);
            assertEquals(0, queuedOn(s.ctx.threads().get(0)), "the closed flooder's output is released");
        }
    }

    /** The thread's queued output, read on the thread itself. */
    private static long queuedOn(ServiceThread pt) throws InterruptedException {
        long[] v = {-1};
        CountDownLatch done = new CountDownLatch(1);
        pt.execute(() -> {
            v[0] = pt.outputQueued();
            done.countDown();
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        return v[0];
    }

}
