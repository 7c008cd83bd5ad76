package org.lws4j.jakarta.websocket.session;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.lws4j.api.WriteMode;

/**
 * A session's bounded queue of outgoing messages, between the threads that send and the service
 * thread that writes. Any thread offers; only the service thread takes (in WRITEABLE). Bounded by
 * items and bytes: an item that would pass the byte bound waits, unless the queue is empty (so a
 * message bigger than the bound still goes, alone). Control frames are never refused for space.
 *
 * <p>The queue also keeps the order of a partial message: the frame mode of each item (TEXT or
 * BINARY first, CONTINUATION after) is decided here, under the lock, in the order items are
 * accepted, and a whole message offered while a partial one is open is refused.
 *
 * <p>Blocking: {@link #offer} with {@code block} waits for space on a condition (the lock is
 * released while waiting), so a service thread that only takes the lock briefly is never held.
 * The caller decides who may block; {@link SessionImpl} never lets a service thread.
 */
public final class SendQueue {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition space = lock.newCondition();
    private final ArrayDeque<Outgoing> items = new ArrayDeque<>();
    private final long maxBytes;
    private final int maxItems;
    private long bytes;
    private Outgoing.Kind open;
    private String closedWhy;

    public SendQueue(long maxBytes, int maxItems) {
        this.maxBytes = maxBytes;
        this.maxItems = maxItems;
    }

    /**
     * Adds {@code o}, deciding its frame mode.
     *
     * @param block wait while the queue is full (else return false at once)
     * @return false when full and not blocking
     * @throws IOException when the queue is closed (the session is closing or closed)
     * @throws IllegalStateException for a whole message while a partial one is open, or a
     *     partial part of the other kind
     */
    boolean offer(Outgoing o, boolean block) throws IOException {
        lock.lock();
        try {
            while (true) {
                if (closedWhy != null) {
                    throw new IOException("the session is closed: " + closedWhy);
                }
                if (o.isControl()) {
                    o.mode = o.kind == Outgoing.Kind.PING ? WriteMode.PING : o.kind == Outgoing.Kind.PONG ? WriteMode.PONG : null;
                    o.fin = true;
                    break;
                }
                if (open != null && open != o.kind) {
                    throw new IllegalStateException("a partial " + open.name().toLowerCase() + " message is being sent; finish it first");
                }
                if (!isFull(o)) {
                    o.mode = open != null ? WriteMode.CONTINUATION : o.kind == Outgoing.Kind.TEXT ? WriteMode.TEXT : WriteMode.BINARY;
                    o.fin = o.last;
                    open = o.last ? null : o.kind;
                    break;
                }
                if (!block) {
                    return false;
                }
                try {
                    space.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for room in the send queue");
                }
            }
            items.addLast(o);
            bytes += o.data.remaining();
            if (o.kind == Outgoing.Kind.CLOSE) {
                closedWhy = "closed by this side";
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean isFull(Outgoing o) {
        return items.size() >= maxItems || (!items.isEmpty() && bytes + o.data.remaining() > maxBytes);
    }

    /** The first item, not removed; null when empty. Service thread. */
    Outgoing peek() {
        lock.lock();
        try {
            return items.peekFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the first item, which has been written (or dropped); wakes waiting senders. */
    void remove(Outgoing o, long written) {
        lock.lock();
        try {
            if (items.peekFirst() == o) {
                items.pollFirst();
            }
            bytes -= written;
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes written of an item still queued (partly sent): they no longer count. */
    void written(long n) {
        lock.lock();
        try {
            bytes -= n;
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns the items not yet started whose deadline has passed. */
    List<Outgoing> expired(long now) {
        List<Outgoing> gone = new ArrayList<>();
        lock.lock();
        try {
            items.removeIf(o -> {
                if (!o.started && o.deadline != 0 && now - o.deadline >= 0) {
                    gone.add(o);
                    bytes -= o.data.remaining();
                    return true;
                }
                return false;
            });
            if (!gone.isEmpty()) {
                space.signalAll();
            }
        } finally {
            lock.unlock();
        }
        return gone;
    }

    /** The earliest deadline of an item not yet started, or 0. */
    long nextDeadline() {
        lock.lock();
        try {
            long next = 0;
            for (Outgoing o : items) {
                if (!o.started && o.deadline != 0 && (next == 0 || o.deadline - next < 0)) {
                    next = o.deadline;
                }
            }
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes queued and not yet written. Any thread. */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Items queued. Any thread. */
    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses everything from now on and returns what was still queued, for failing; wakes waiting senders. */
    List<Outgoing> close(String why) {
        lock.lock();
        try {
            if (closedWhy == null || !why.isEmpty()) {
                closedWhy = why;
            }
            List<Outgoing> left = new ArrayList<>(items);
            items.clear();
            bytes = 0;
            space.signalAll();
            return left;
        } finally {
            lock.unlock();
        }
    }
}
