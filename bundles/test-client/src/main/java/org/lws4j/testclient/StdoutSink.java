package org.lws4j.testclient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.lws4j.api.Connection;
import org.lws4j.api.Context;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;

/**
 * Standard output as an adopted raw file (protocol {@value #NAME}): what the client prints goes
 * through the loop like any other output, written from RAW_WRITEABLE_FILE by the core's bridge
 * thread, so a slow reader of our output never stalls the service thread. Callers see back
 * pressure through {@link #hasRoom()} and {@link #whenRoom(Runnable)}: the HTTP fetch reads the
 * response only as fast as it is printed, the raw relay stops reading its socket.
 *
 * <p>Every method but {@link #execute} and {@link #awaitFlushed} runs on the service thread.
 */
final class StdoutSink extends ProtocolAdapter {
    static final String NAME = "lws4j-client-stdout";
    /** Bytes waiting here beyond which {@link #hasRoom()} is false. */
    static final int HIGH_WATER = 256 * 1024;

    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private final List<Runnable> roomWaiters = new ArrayList<>();
    private final Counting out;
    private long pendingBytes;
    private volatile Connection handle;
    private Connection conn;
    private boolean finishing;
    private boolean gone;
    /** Bytes handed to the connection; written by the service thread, read by waiters. */
    private final AtomicLong handedOver = new AtomicLong();
    private volatile boolean drained;
    private volatile boolean lost;
    private Runnable onLost = () -> { };

    StdoutSink(OutputStream target) {
        this.out = new Counting(target);
    }

    /** What to do (on the service thread) if standard output goes away before {@link #finish()} (a closed pipe). */
    void onLost(Runnable r) {
        onLost = r;
    }

    /** Adopts standard output onto {@code vhost}; any thread. */
    void open(Context ctx, String vhost) {
        handle = ctx.adoptStream(new Silence(), out, vhost, NAME);
    }

    /** Runs {@code task} on the service thread; any thread. */
    void execute(Runnable task) {
        handle.execute(task);
    }

    void println(String line) {
        offer(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** Queues a copy of {@code data}'s remaining bytes. */
    void offer(ByteBuffer data) {
        if (gone || finishing || !data.hasRemaining()) {
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
        pending.add(copy);
        pendingBytes += copy.remaining();
        if (conn != null) {
            conn.requestWriteable();
        }
    }

    boolean hasRoom() {
        return pendingBytes < HIGH_WATER;
    }

    /** Runs {@code r} (on the service thread) once there is room; at once if there is. */
    void whenRoom(Runnable r) {
        if (hasRoom() || gone) {
            r.run();
        } else {
            roomWaiters.add(r);
        }
    }

    /** Nothing more will be printed: write what is queued, then let go of standard output. */
    void finish() {
        finishing = true;
        if (conn != null) {
            conn.requestWriteable();
        } else if (gone) {
            drained = true;
        }
    }

    /** True once {@link #open} was called (any thread). */
    boolean isOpen() {
        return handle != null;
    }

    /**
     * Waits until everything printed before {@link #finish()} reached standard output; any thread.
     * Gives up when nothing more was written for {@code idleMillis} (a reader that stopped reading).
     *
     * @return false if it gave up
     */
    boolean awaitFlushed(long idleMillis) throws InterruptedException {
        long idle = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        long seen = out.written();
        long since = System.nanoTime();
        while (!lost && !(drained && out.written() >= handedOver.get()) && !out.closed.await(10, TimeUnit.MILLISECONDS)) {
            long w = out.written();
            if (w != seen) {
                seen = w;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > idle) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected Result onRawAdoptFile(Connection wsi, ByteBuffer in) {
        conn = wsi;
        if (!pending.isEmpty() || finishing) {
            wsi.requestWriteable();
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onRawWriteableFile(Connection wsi, ByteBuffer in) {
        while (!pending.isEmpty() && !wsi.sendPipeChoked()) {
            ByteBuffer b = pending.poll();
            pendingBytes -= b.remaining();
            handedOver.addAndGet(b.remaining());
            if (!wsi.write(b, WriteMode.RAW)) {
                return Result.CLOSE;
            }
        }
        if (hasRoom() && !roomWaiters.isEmpty()) {
            List<Runnable> ready = new ArrayList<>(roomWaiters);
            roomWaiters.clear();
            ready.forEach(Runnable::run);
        }
        if (!pending.isEmpty()) {
            wsi.requestWriteable();
        } else if (finishing) {
            drained = true;
            return Result.CLOSE; // the core writes what it holds, then closes the stream
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onRawCloseFile(Connection wsi, ByteBuffer in) {
        conn = null;
        gone = true;
        if (!finishing || !pending.isEmpty()) {
            lost = true; // nothing more can be written: nobody needs to wait for it
            wsi.context().log().notice("standard output closed");
            onLost.run();
        }
        pending.clear();
        pendingBytes = 0;
        drained = true;
        List<Runnable> ready = new ArrayList<>(roomWaiters);
        roomWaiters.clear();
        ready.forEach(Runnable::run);
        return Result.CONTINUE;
    }

    /** Standard output, counting what reached it; closing flushes it and leaves it open. */
    private static final class Counting extends OutputStream {
        private final OutputStream target;
        private final AtomicLong written = new AtomicLong();
        final CountDownLatch closed = new CountDownLatch(1);

        Counting(OutputStream target) {
            this.target = target;
        }

        long written() {
            return written.get();
        }

        @Override
        public void write(int b) throws IOException {
            target.write(b);
            written.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            target.write(b, off, len);
            written.addAndGet(len);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() throws IOException {
            try {
                target.flush();
            } finally {
                closed.countDown();
            }
        }
    }

    /** An input that has nothing to say until it is closed: the read side of an output-only stream. */
    static final class Silence extends InputStream {
        private final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int read() throws IOException {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
