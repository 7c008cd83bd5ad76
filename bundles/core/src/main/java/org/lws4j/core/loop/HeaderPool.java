package org.lws4j.core.loop;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * lws's "ah" pool for one service thread: at most {@code count} request-head buffers of
 * {@code size} bytes, for heads too big for the small buffer each connection starts with. A
 * connection holds one only while its head keeps arriving: a holder that has received nothing
 * for a while (100 ms by default) while another connection waits gives its buffer up (it goes on with a
 * copy of what it has, never failing), so slow peers cannot starve everybody else. When none is
 * free and no holder is idle, a connection waits in line for the next one given back.
 *
 * <p>Not thread-safe: its thread only.
 */
public final class HeaderPool {
    /** By default, a holder that has received nothing for this long gives its buffer to a waiting connection. */
    public static final long DEFAULT_IDLE_MILLIS = 100;

    /** Someone waiting for a buffer. */
    public interface Waiter {
        /** The buffer is now the waiter's. */
        void headerBufferReady(byte[] buffer);
    }

    /** A connection holding a buffer. */
    public interface Holder extends Waiter {
        /** When its head last made progress ({@link System#nanoTime()}). */
        long lastProgressNanos();

        /** Give the buffer up now: go on with a copy of what it holds; returns the pool's buffer. */
        byte[] giveUp();
    }

    private final int size;
    private final int count;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final Set<Holder> holders = new LinkedHashSet<>();
    private TimerQueue timers;
    private final Timer recheck = new Timer(this::serveWaiters);
    private int made;
    private long idleNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_IDLE_MILLIS);

    public HeaderPool(int size, int count) {
        this.size = size;
        this.count = count;
    }

    /** How long a holder may receive nothing before a waiting connection takes its buffer. */
    public void setIdleMillis(long millis) {
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Lets the pool take idle holders' buffers for waiters without waiting for an event. */
    void useTimers(TimerQueue t) {
        this.timers = t;
    }

    /** A free buffer, or null when all {@code count} are taken and none held idly. */
    public byte[] acquire() {
        byte[] b = free.pollFirst();
        if (b == null && made < count) {
            made++;
            b = new byte[size];
        }
        return b;
    }

    /**
     * A buffer for {@code h}, taken from an idle holder if need be; null when {@code h} must wait
     * ({@link #await}).
     */
    public byte[] acquire(Holder h) {
        byte[] b = acquire();
        if (b == null) {
            b = takeFromIdle(System.nanoTime());
        }
        if (b != null) {
            holders.add(h);
        }
        return b;
    }

    /** Gives {@code b} back: to the first waiter if there is one, else to the pool. */
    public void release(byte[] b) {
        Waiter w = waiters.pollFirst();
        if (w != null) {
            if (w instanceof Holder) {
                holders.add((Holder) w);
            }
            w.headerBufferReady(b);
        } else {
            free.addFirst(b);
        }
    }

    /** {@code h} is done with its buffer {@code b}. */
    public void release(Holder h, byte[] b) {
        holders.remove(h);
        release(b);
    }

    public void await(Waiter w) {
        waiters.addLast(w);
        armRecheck(System.nanoTime());
    }

    public void cancelWait(Waiter w) {
        waiters.remove(w);
    }

    /** The holder closed while holding: forget it (its buffer comes back through {@link #release}). */
    public void forget(Holder h) {
        holders.remove(h);
    }

    /** Hands idle holders' buffers to waiters; then looks again when the next holder could be idle. */
    private void serveWaiters() {
        long now = System.nanoTime();
        while (!waiters.isEmpty()) {
            byte[] b = takeFromIdle(now);
            if (b == null) {
                break;
            }
            release(b);
        }
        armRecheck(now);
    }

    private byte[] takeFromIdle(long now) {
        for (Holder h : holders) {
            if (now - h.lastProgressNanos() >= idleNanos) {
                holders.remove(h);
                return h.giveUp();
            }
        }
        return null;
    }

    private void armRecheck(long now) {
        if (timers == null || waiters.isEmpty() || holders.isEmpty()) {
            return;
        }
        long soonest = Long.MAX_VALUE;
        for (Holder h : holders) {
            soonest = Math.min(soonest, h.lastProgressNanos() + idleNanos);
        }
        timers.schedule(recheck, Math.max(soonest, now + 1));
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
