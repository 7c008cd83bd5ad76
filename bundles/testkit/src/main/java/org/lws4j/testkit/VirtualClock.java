package org.lws4j.testkit;

import java.util.PriorityQueue;

/**
 * The test context's time: nanoseconds that move only when the test advances them, and the timers
 * due at points of it. Timers are kept in deadline order (ties in the order they were set); they
 * run on the service thread, in {@link TestContext#advance}. Scheduling is thread-safe.
 */
final class VirtualClock {
    /** A timer: cancelled ones stay queued and are skipped. */
    static final class Timer implements Comparable<Timer> {
        final long deadline;
        final long seq;
        final Runnable task;
        volatile boolean cancelled;

        Timer(long deadline, long seq, Runnable task) {
            this.deadline = deadline;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long now;
    private long seq;

    synchronized long now() {
        return now;
    }

    /** Runs {@code task} once the clock reaches {@code now() + delayNanos} (a negative delay counts as 0). */
    synchronized Timer schedule(long delayNanos, Runnable task) {
        Timer t = new Timer(now + Math.max(0, delayNanos), seq++, task);
        timers.add(t);
        return t;
    }

    /** The next timer due at or before {@code until}, the clock moved to its deadline; null if none. */
    synchronized Timer nextDue(long until) {
        while (!timers.isEmpty()) {
            Timer t = timers.peek();
            if (t.deadline > until) {
                return null;
            }
            timers.poll();
            if (!t.cancelled) {
                now = Math.max(now, t.deadline);
                return t;
            }
        }
        return null;
    }

    synchronized void moveTo(long target) {
        now = Math.max(now, target);
    }

    /** Timers set and not yet run or cancelled. */
    synchronized int pending() {
        int n = 0;
        for (Timer t : timers) {
            if (!t.cancelled) {
                n++;
            }
        }
        return n;
    }
}
