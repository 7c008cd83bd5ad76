package org.lws4j.testclient;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** How the run ends: the first {@link #end(int)} sets the exit status and wakes the main thread. Thread-safe. */
final class Outcome {
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile int status;

    /** The run is over with {@code exitStatus}; later calls change nothing. */
    synchronized void end(int exitStatus) {
        if (done.getCount() > 0) {
            status = exitStatus;
            done.countDown();
        }
    }

    boolean isOver() {
        return done.getCount() == 0;
    }

    /** Waits up to {@code millis}; true once the run is over. */
    boolean await(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }

    int status() {
        return status;
    }
}
