package org.lws4j.core.loop;

import java.util.PriorityQueue;

/**
 * The timers of one service thread, earliest first. Not thread-safe: only its thread touches it.
 */
public final class TimerQueue {
    private final PriorityQueue<Timer> queue = new PriorityQueue<>();
    private long seq;

    /** Schedules (or moves) {@code t} to fire at {@code deadlineNanos} ({@link System#nanoTime} base). */
    public void schedule(Timer t, long deadlineNanos) {
        if (t.queued) {
            queue.remove(t);
        }
        t.deadlineNanos = deadlineNanos;
        t.seq = seq++;
        t.queued = true;
        queue.add(t);
    }

    public void cancel(Timer t) {
        if (t.queued) {
            queue.remove(t);
            t.queued = false;
        }
    }

    /** Nanoseconds until the next deadline (0 if one is due), or -1 when nothing is scheduled. */
    public long nanosToNext(long now) {
        Timer t = queue.peek();
        return t == null ? -1 : Math.max(0, t.deadlineNanos - now);
    }

    /** Runs every timer due at {@code now}; returns how many ran. */
    public int runDue(long now, java.util.function.Consumer<Runnable> runner) {
        int n = 0;
        Timer t;
        while ((t = queue.peek()) != null && t.deadlineNanos - now <= 0) {
            queue.poll();
            t.queued = false;
            runner.accept(t.task);
            n++;
        }
        return n;
    }

    public int size() {
        return queue.size();
    }
}
