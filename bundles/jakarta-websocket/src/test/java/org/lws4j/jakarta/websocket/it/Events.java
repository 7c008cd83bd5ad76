package org.lws4j.jakarta.websocket.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lines the test endpoints record ("close 4000 bye", "error ...") from the server's threads, and a
 * bounded wait for one of them: the tests synchronise on the event itself, never on time.
 */
final class Events {
    private final List<String> lines = new ArrayList<>();

    synchronized void add(String line) {
        lines.add(line);
        notifyAll();
    }

    synchronized void clear() {
        lines.clear();
    }

    /** The first line starting with {@code prefix}, waiting at most {@link TestClient#WAIT} seconds for it. */
    synchronized String await(String prefix) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TestClient.WAIT);
        while (true) {
            for (String e : lines) {
                if (e.startsWith(prefix)) {
                    return e;
                }
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no event " + prefix + " in " + lines);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public synchronized String toString() {
        return lines.toString();
    }
}
