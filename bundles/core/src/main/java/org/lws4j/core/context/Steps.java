package org.lws4j.core.context;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.lws4j.api.Log;
import org.lws4j.core.loop.ServiceThread;

/**
 * Runs a step on a service thread and waits for it, bounded. On the service thread itself the
 * step runs inline; a step that does not finish in time is logged and left to finish on its own.
 */
final class Steps {
    private static final long WAIT_MILLIS = 5000;
    private final Log log;

    Steps(Log log) {
        this.log = log;
    }

    /** Runs {@code step} on {@code pt}; returns its result, or a message if it timed out or threw. */
    <T> T on(ServiceThread pt, Supplier<T> step) {
        if (pt.isOwner()) {
            return step.get();
        }
        Object[] result = new Object[1];
        CountDownLatch done = new CountDownLatch(1);
        pt.execute(() -> {
            try {
                result[0] = step.get();
            } finally {
                done.countDown();
            }
        });
        await(done, "service thread " + pt.index());
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    /** Runs {@code step} on every thread at once and waits for all. */
    void onAll(List<ServiceThread> threads, Consumer<ServiceThread> step) {
        CountDownLatch done = new CountDownLatch(threads.size());
        for (ServiceThread pt : threads) {
            if (pt.isOwner()) {
                try {
                    step.accept(pt);
                } finally {
                    done.countDown();
                }
            } else {
                pt.execute(() -> {
                    try {
                        step.accept(pt);
                    } finally {
                        done.countDown();
                    }
                });
            }
        }
        await(done, "service threads");
    }

    private void await(CountDownLatch done, String who) {
        try {
            if (!done.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                log.warn("%s did not finish a vhost/protocol change within %d ms; going on", who, WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
