package org.lws4j.core.loop;

/**
 * A task due at a deadline on one service thread (lws's sorted usec list entry). Owned by that
 * thread: schedule, reschedule and cancel only there. One Timer object can be reused: scheduling
 * it again moves it.
 */
public final class Timer implements Comparable<Timer> {
    final Runnable task;
    long deadlineNanos;
    boolean queued;
    long seq;

    public Timer(Runnable task) {
        this.task = task;
    }

    public boolean isScheduled() {
        return queued;
    }

    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public int compareTo(Timer o) {
        int c = Long.compare(deadlineNanos, o.deadlineNanos);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }
}
