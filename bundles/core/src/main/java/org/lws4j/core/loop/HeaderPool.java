package org.lws4j.core.loop;

import java.util.ArrayDeque;

/**
 * lws's "ah" pool for one service thread: at most {@code count} request-head buffers of
 * {@code size} bytes. A connection holds one only while it reads a request head; when none is
 * free it waits in line and is handed the next one given back. Not thread-safe: its thread only.
 */
public final class HeaderPool {
    /** Someone waiting for a buffer. */
    public interface Waiter {
        /** The buffer is now the waiter's. */
        void headerBufferReady(byte[] buffer);
    }

    private final int size;
    private final int count;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int made;

    public HeaderPool(int size, int count) {
        this.size = size;
        this.count = count;
    }

    /** A free buffer, or null when all {@code count} are taken. */
    public byte[] acquire() {
        byte[] b = free.pollFirst();
        if (b == null && made < count) {
            made++;
            b = new byte[size];
        }
        return b;
    }

    /** Gives {@code b} back: to the first waiter if there is one, else to the pool. */
    public void release(byte[] b) {
        Waiter w = waiters.pollFirst();
        if (w != null) {
            w.headerBufferReady(b);
        } else {
            free.addFirst(b);
        }
    }

    public void await(Waiter w) {
        waiters.addLast(w);
    }

    public void cancelWait(Waiter w) {
        waiters.remove(w);
    }

    /** Buffers in use now. */
    public int inUse() {
        return made - free.size();
    }

    public int waiting() {
        return waiters.size();
    }

    public int capacity() {
        return count;
    }

    public int bufferSize() {
        return size;
    }
}
