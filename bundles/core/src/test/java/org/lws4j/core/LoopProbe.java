package org.lws4j.core;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.channels.SelectionKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.loop.Timer;

/**
 * How socket tests synchronise with a service thread without sleeping: ask it (on its own thread,
 * through its task queue) what state it is in and wait for a state; and check what a deadline did
 * with a timer of the test's own ({@link #afterTimers}), which the loop runs after every timer due
 * before it, however late the loop is. {@link #WAIT} only bounds a broken run.
 */
public final class LoopProbe {
    /** How long a test waits for something the server must do; only a broken run gets there. */
    public static final long WAIT = TimeUnit.SECONDS.toNanos(20);

    private LoopProbe() {
    }

    /** Runs {@code query} on {@code t} and returns its answer. */
    public static <T> T onLoop(ServiceThread t, Function<ServiceThread, T> query) {
        CompletableFuture<T> f = new CompletableFuture<>();
        t.execute(() -> complete(f, query, t));
        return get(f);
    }

    /** Whether {@code condition} holds now, checked on {@code t}. */
    public static boolean holds(ServiceThread t, Predicate<ServiceThread> condition) {
        return onLoop(t, condition::test);
    }

    /** Waits until {@code condition}, checked on {@code t}, holds; fails with {@code what} and {@code detail}. */
    public static void await(String what, ServiceThread t, Predicate<ServiceThread> condition, Supplier<String> detail) {
        until(what, () -> holds(t, condition), detail);
    }

    /** Waits until {@code condition} holds (polled); fails with {@code what}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, () -> "");
    }

    private static void until(String what, BooleanSupplier condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + WAIT;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("never happened: " + what + "\n" + detail.get());
            }
            try {
                Thread.sleep(1); // a poll interval: the condition is what is waited for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for: " + what);
            }
        }
    }

    /**
     * Runs {@code check} on {@code t} as a timer due {@code delayNanos} from now (plus a
     * nanosecond). Timers run in deadline order, so every timer the server had set before this
     * call, for {@code delayNanos} or less, has run by then.
     */
    public static <T> CompletableFuture<T> afterTimers(ServiceThread t, long delayNanos, Function<ServiceThread, T> check) {
        CompletableFuture<T> f = new CompletableFuture<>();
        t.execute(() -> t.timers().schedule(new Timer(() -> complete(f, check, t)), System.nanoTime() + delayNanos + 1));
        return f;
    }

    /**
     * Runs {@code check} on {@code t} once the loop has selected and handled what was ready after
     * this call: a timer that sets a second timer, which cannot run in the same turn, so a select
     * comes between them. What the kernel had for the server before this call (a FIN, a reset) has
     * been handled by then.
     */
    public static <T> CompletableFuture<T> afterNextSelect(ServiceThread t, Function<ServiceThread, T> check) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Timer second = new Timer(() -> complete(f, check, t));
        Timer first = new Timer(() -> t.timers().schedule(second, System.nanoTime() + 1));
        t.execute(() -> t.timers().schedule(first, System.nanoTime()));
        return f;
    }

    /** The answer of {@code f}, waiting at most {@link #WAIT}. */
    public static <T> T get(CompletableFuture<T> f) {
        try {
            return f.get(WAIT, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("failed on the service thread: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the service thread did not answer within " + TimeUnit.NANOSECONDS.toSeconds(WAIT) + " s");
        }
    }

    /** The connection of {@code t} whose peer has port {@code peerPort} (a test client's own), or null once it is gone. */
    public static ConnectionImpl connectionOf(ServiceThread t, int peerPort) {
        for (ConnectionImpl c : ConnectionImpl.on(t)) {
            if (c.peerAddress() != null && c.peerAddress().getPort() == peerPort) {
                return c;
            }
        }
        return null;
    }

    /** The selector interest of {@code c} (OP_READ, OP_WRITE), 0 when it has no valid key. Service thread only. */
    public static int interest(ServiceThread t, ConnectionImpl c) {
        for (SelectionKey k : t.selector().keys()) {
            if (c != null && k.attachment() == c && k.isValid()) {
                return k.interestOps();
            }
        }
        return 0;
    }

    private static <T> void complete(CompletableFuture<T> f, Function<ServiceThread, T> query, ServiceThread t) {
        try {
            f.complete(query.apply(t));
        } catch (Throwable e) {
            f.completeExceptionally(e);
        }
    }
}
