package org.lws4j.core.context;

import java.util.function.BiConsumer;

import org.lws4j.api.Log;

/**
 * What happens when a service thread dies of something no guard caught. By default the process
 * ends with {@link #EXIT_THREAD_DIED}, so that a supervisor (systemd, whoever ran
 * {@code bin/lws4j start}) restarts it: a server whose loop is gone would accept and never answer.
 * An application embedding the context may handle it itself ({@link ContextImpl#onThreadDeath}).
 */
final class ThreadDeaths {
    /** The exit status of a process whose service thread died (EX_SOFTWARE). */
    static final int EXIT_THREAD_DIED = 70;
    private static final long HALT_AFTER_MILLIS = 15_000;

    private final Log log;
    private volatile BiConsumer<Integer, Throwable> handler = ThreadDeaths::exitProcess;

    ThreadDeaths(Log log) {
        this.log = log;
    }

    void handleWith(BiConsumer<Integer, Throwable> h) {
        this.handler = h;
    }

    /** Thread {@code index} died of {@code t} (on that thread, as it ends). */
    void died(int index, Throwable t) {
        try {
            log.err("service thread %d died: %s; a server without it cannot serve its connections", index, t);
        } catch (Throwable ignored) {
            // the log may be what failed; the handler says it too
        }
        handler.accept(index, t);
    }

    /** Shutdown hooks run on a thread of their own; if they hang, the process is halted. */
    private static void exitProcess(int index, Throwable t) {
        System.err.println("lws4j: service thread " + index + " died (" + t + "); exiting with status " + EXIT_THREAD_DIED);
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER_MILLIS);
            } catch (InterruptedException ignored) {
                // halting anyway
            }
            Runtime.getRuntime().halt(EXIT_THREAD_DIED);
        }, "lws4j-halt");
        halt.setDaemon(true);
        halt.start();
        new Thread(() -> System.exit(EXIT_THREAD_DIED), "lws4j-exit").start();
    }
}
