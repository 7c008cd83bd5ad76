package org.lws4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A service thread's timers: order, moving, cancelling, and what is due when. */
class TimerQueueTest {
    private final TimerQueue q = new TimerQueue();
    private final List<String> ran = new ArrayList<>();

    private Timer timer(String name) {
        return new Timer(() -> ran.add(name));
    }

    private int runDue(long now) {
        return q.runDue(now, Runnable::run);
    }

    @Test
    void runsDueTimersInDeadlineOrder() {
        q.schedule(timer("c"), 300);
        q.schedule(timer("a"), 100);
        q.schedule(timer("b"), 200);
        assertEquals(2, runDue(200));
        assertEquals(List.of("a", "b"), ran);
        assertEquals(1, q.size());
        assertEquals(1, runDue(1000));
        assertEquals(List.of("a", "b", "c"), ran);
        assertEquals(0, q.size());
    }

    @Test
    void equalDeadlinesRunInTheOrderScheduled() {
        for (String n : new String[] {"1", "2", "3", "4"}) {
            q.schedule(timer(n), 50);
        }
        runDue(50);
        assertEquals(List.of("1", "2", "3", "4"), ran);
    }

    @Test
    void schedulingAgainMovesTheTimer() {
        Timer t = timer("moved");
        q.schedule(t, 100);
        q.schedule(timer("other"), 150);
        q.schedule(t, 200);
        assertEquals(2, q.size(), "moved, not added twice");
        runDue(160);
        assertEquals(List.of("other"), ran);
        assertTrue(t.isScheduled());
        assertEquals(200, t.deadlineNanos());
        runDue(200);
        assertEquals(List.of("other", "moved"), ran);
        assertFalse(t.isScheduled());
    }

    @Test
    void cancelledTimerNeverRuns() {
        Timer t = timer("x");
        q.schedule(t, 10);
        q.cancel(t);
        q.cancel(t); // twice is harmless
        assertFalse(t.isScheduled());
        assertEquals(0, runDue(1_000));
        assertEquals(List.of(), ran);
    }

    @Test
    void nanosToNext() {
        assertEquals(-1, q.nanosToNext(0));
        q.schedule(timer("a"), 500);
        assertEquals(400, q.nanosToNext(100));
        assertEquals(0, q.nanosToNext(900), "overdue counts as due now");
    }

    @Test
    void aTimerMayRescheduleItselfForLater() {
        Timer[] self = new Timer[1];
        self[0] = new Timer(() -> {
            ran.add("tick");
            if (ran.size() < 3) {
                q.schedule(self[0], 1_000L * ran.size());
            }
        });
        q.schedule(self[0], 0);
        runDue(0);
        runDue(1_000);
        runDue(2_000);
        runDue(3_000);
        assertEquals(List.of("tick", "tick", "tick"), ran);
    }

    @Test
    void deadlinesAcrossTheNanoTimeWrapCompareByDifference() {
        // System.nanoTime may be negative or wrap; due means deadline - now <= 0
        q.schedule(timer("late"), Long.MAX_VALUE - 10);
        assertEquals(0, runDue(Long.MAX_VALUE - 20));
        assertEquals(1, runDue(Long.MIN_VALUE + 5), "due after the wrap");
    }
}
