package org.lws4j.core.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lws4j.api.Connection;
import org.lws4j.api.LogLevel;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;

/**
 * A stream adopted with {@code adoptStream} (a pipe to a process, stdout): what the protocol wrote
 * before it closed reaches the stream, and the stream is closed after it, even when the stream was
 * slow and its write queue full at the moment of the close (the end used to be a queue entry that
 * a full queue dropped, leaving the stream open and its writer thread parked for ever).
 */
@Timeout(60)
class AdoptedStreamTest {
    private static final long WAIT_SECONDS = 20;
    /** StreamBridgeEndpoint's write queue. */
    private static final int QUEUE = 16;

    @Test
    void anAdoptedStreamIsClosedEvenIfItsQueueWasFull() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        AtomicLong written = new AtomicLong();
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
                written.addAndGet(len);
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        CompletableFuture<Connection> adopted = new CompletableFuture<>();
        CountDownLatch connectionClosed = new CountDownLatch(1);
        var sink = new ProtocolAdapter() {
            /** 0: write one; 1: wait for the test (extra WRITEABLEs may come); 2: fill the queue and close. */
            private int phase;

            @Override
            protected Result onRawAdoptFile(Connection wsi, ByteBuffer in) {
                wsi.requestWriteable();
                adopted.complete(wsi);
                return Result.CONTINUE;
            }

            @Override
            protected Result onRawWriteableFile(Connection wsi, ByteBuffer in) {
                if (phase == 0) {
                    phase = 1;
                    wsi.write(ByteBuffer.allocate(100), WriteMode.RAW); // the writer takes it and blocks
                } else if (phase == 2) {
                    phase = 3;
                    for (int i = 0; i < QUEUE; i++) {
                        wsi.write(ByteBuffer.allocate(100), WriteMode.RAW); // fills the queue
                    }
                    return Result.CLOSE;
                }
                return Result.CONTINUE;
            }

            void fillAndClose(Connection wsi) {
                phase = 2;
                wsi.requestWriteable();
            }

            @Override
            protected Result onRawCloseFile(Connection wsi, ByteBuffer in) {
                connectionClosed.countDown();
                return Result.CONTINUE;
            }
        };
        LogImpl log = new LogImpl(LogLevel.DEFAULT_MASK);
        ContextImpl ctx = new ContextImpl(new ContextConfig(1, "lws4j-test", 5, 0, 0, 0, 8192, 4, 1 << 20, log.mask(), 0, 0), log);
        ctx.start();
        try {
            ctx.addVhost(new VhostConfig("test", "streams", 0, null, 5, List.of(), Map.of("sink", Map.of()), Map.of(), Map.of()));
            ctx.addProtocol("sink", sink, 0, 1);
            ctx.adoptStream(new Silence(), slow, "streams", "sink");
            Connection wsi = adopted.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(writing.await(WAIT_SECONDS, TimeUnit.SECONDS), "the first write never reached the stream");
            // the writer thread is stuck in the stream with the first write: the next 16 fill the queue
            assertTrue(wsi.execute(() -> sink.fillAndClose(wsi)), "closed before the queue was filled");
            assertTrue(connectionClosed.await(WAIT_SECONDS, TimeUnit.SECONDS), "the connection never closed");
            release.countDown(); // the stream speeds up only now, after the close
            assertTrue(closed.await(WAIT_SECONDS, TimeUnit.SECONDS), "the adopted stream was never closed ("
                    + written.get() + " of " + (QUEUE + 1) * 100 + " bytes written)");
            assertEquals((QUEUE + 1) * 100, written.get(), "bytes written to the stream before it was closed");
        } finally {
            release.countDown();
            ctx.stop();
        }
    }

    /** An input that says nothing until it is closed. */
    static final class Silence extends InputStream {
        private final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int read() throws IOException {
            try {
                closed.await();
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
            return -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : read();
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }
}
