package org.lws4j.cgi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Carries the request body from the service thread to the program's stdin, with back-pressure.
 * The loop side {@link #offer}s each HTTP_BODY piece (a copy) and never blocks; once
 * {@value #HIGH_WATER} bytes wait, it stops reading the client (rxFlowControl(false)) and says so
 * with {@link #paused}. The writer thread ({@link #run}) writes pieces to stdin, blocking while
 * the pipe is full; when the bytes waiting fall to {@value #LOW_WATER} while the loop is paused,
 * it calls {@code onDrained} once, which posts the resume into the loop. So at most
 * {@value #HIGH_WATER} bytes plus one piece wait here, however slowly the program reads.
 *
 * <p>If the program stops reading (closes stdin, exits), the rest of the body is dropped, still
 * counted down so the client is never left paused.
 */
final class StdinPump implements Runnable {
    static final long HIGH_WATER = 64 * 1024;
    static final long LOW_WATER = 16 * 1024;

    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final LinkedBlockingQueue<ByteBuffer> queue = new LinkedBlockingQueue<>();
    private final AtomicLong waiting = new AtomicLong();
    private final AtomicBoolean resumePosted = new AtomicBoolean();
    private final Runnable onDrained;
    private final Consumer<IOException> onBroken;
    private volatile boolean paused;
    private volatile boolean broken;
    private volatile OutputStream stdin;

    /**
     * @param onDrained called on the writer thread when the loop may read the client again; it
     *     must only post into the loop
     */
    StdinPump(Runnable onDrained, Consumer<IOException> onBroken) {
        this.onDrained = onDrained;
        this.onBroken = onBroken;
    }

    // ---- the loop's side -------------------------------------------------------------------

    /**
     * Queues a copy of {@code piece} for stdin (or drops it if the program no longer reads).
     *
     * @return true when the loop should stop reading the client now
     */
    boolean offer(ByteBuffer piece) {
        if (broken || !piece.hasRemaining()) {
            piece.position(piece.limit());
            return false;
        }
        ByteBuffer copy = ByteBuffer.allocate(piece.remaining());
        copy.put(piece).flip();
        long n = waiting.addAndGet(copy.remaining());
        queue.add(copy);
        return n >= HIGH_WATER;
    }

    /**
     * The loop stopped reading the client. Returns true if the writer drained in the meantime,
     * in which case the loop resumes at once ({@link #resumed}) instead of waiting for
     * {@code onDrained}: between the two checks one side always sees the other.
     */
    boolean paused() {
        paused = true;
        return waiting.get() <= LOW_WATER;
    }

    /** The loop reads the client again. */
    void resumed() {
        paused = false;
        resumePosted.set(false);
    }

    /** The body is complete: stdin closes once what is queued is written. */
    void end() {
        queue.add(END);
    }

    /** Bytes queued and not yet written. */
    long waiting() {
        return waiting.get();
    }

    /** Drops everything queued and whatever comes; the writer stops. Any thread. */
    void abandon() {
        broken = true;
        queue.clear();
        waiting.set(0);
        queue.add(END);
    }

    // ---- the writer thread -------------------------------------------------------------------

    /** Sets the program's stdin; {@link #run} writes to it. */
    void attach(OutputStream out) {
        this.stdin = out;
    }

    @Override
    public void run() {
        OutputStream out = stdin;
        try {
            while (true) {
                ByteBuffer piece = queue.take();
                if (piece == END) {
                    break;
                }
                int n = piece.remaining();
                if (!broken) {
                    try {
                        out.write(piece.array(), piece.arrayOffset() + piece.position(), n);
                        out.flush();
                    } catch (IOException e) {
                        // the program closed stdin or exited: the rest of the body goes nowhere
                        broken = true;
                        onBroken.accept(e);
                    }
                }
                long left = waiting.addAndGet(-n);
                if (paused && left <= LOW_WATER && resumePosted.compareAndSet(false, true)) {
                    onDrained.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(out);
            if (paused && resumePosted.compareAndSet(false, true)) {
                onDrained.run();
            }
        }
    }

    private static void close(OutputStream out) {
        try {
            out.close();
        } catch (IOException ignored) {
            // the program has gone; nothing to tell
        }
    }
}
