package org.lws4j.cgi;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every CGI run of one activation of the bundle shares: the worker threads that launch
 * programs and pump their pipes (three per running program, made as needed), one timer thread
 * for {@code cgi-timeout}, the process-group tools, and the set of runs still going, so that
 * {@link #shutdown} can end them all when the bundle stops. Thread-safe.
 */
final class CgiRuntime {
    private final ProcessGroups groups;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final Set<CgiProcess> live = ConcurrentHashMap.newKeySet();

    CgiRuntime(ProcessGroups groups) {
        this.groups = groups;
        this.workers = Executors.newCachedThreadPool(threads("lws4j-cgi-"));
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, threads("lws4j-cgi-timer-"));
        t.setRemoveOnCancelPolicy(true); // a cancelled timeout does not linger for its full delay
        this.timer = t;
    }

    ProcessGroups groups() {
        return groups;
    }

    ExecutorService workers() {
        return workers;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    void track(CgiProcess p) {
        live.add(p);
    }

    void forget(CgiProcess p) {
        live.remove(p);
    }

    /** Runs not yet over. */
    int liveCount() {
        return live.size();
    }

    /**
     * Kills every run still going and waits for their process groups to end, then stops the
     * threads. Blocks (for about {@link CgiProcess#TERM_GRACE_MILLIS} when programs ignore
     * SIGTERM): call it from the bundle's deactivation, never from a service thread.
     */
    void shutdown() {
        timer.shutdownNow();
        List<Thread> killers = new ArrayList<>();
        for (CgiProcess p : List.copyOf(live)) {
            Thread k = new Thread(() -> p.kill("the cgi bundle is stopping", true), "lws4j-cgi-stop");
            k.start();
            killers.add(k);
        }
        for (Thread k : killers) {
            try {
                k.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // runs killed before (a client gone, the core ending exchanges) may still be ending theirs
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
