package org.lws4j.testclient;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.Connection;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;

/** A client protocol that records what it is told, as "wsi#ID REASON:data", with the time it came. */
final class Recorder implements Protocol {
    record Event(long id, Reason reason, String data, long nanos) {
        @Override
        public String toString() {
            return "wsi#" + id + " " + reason + (data.isEmpty() ? "" : ":" + data);
        }
    }

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** Every event so far, kept (await takes them from {@link #events}). */
    private final List<Event> all = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
        if (reason == Reason.RECEIVE_CLIENT_HTTP) {
            wsi.httpClientRead();
        }
        Event e = new Event(wsi.id(), reason, StandardCharsets.UTF_8.decode(in).toString(), System.nanoTime());
        all.add(e);
        events.add(e);
        return Result.CONTINUE;
    }

    /** Whether connection {@code id} has been told {@code reason}. */
    boolean has(long id, Reason reason) {
        synchronized (all) {
            return all.stream().anyMatch(e -> e.id() == id && e.reason() == reason);
        }
    }

    /** The next event of connection {@code id} that is one of {@code reasons}, within {@code millis}; fails otherwise. */
    Event await(long id, long millis, Reason... reasons) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<Event> seen = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            Event e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                fail("no " + List.of(reasons) + " for wsi#" + id + " within " + millis + " ms; saw " + seen);
            }
            if (e.id() == id) {
                for (Reason r : reasons) {
                    if (e.reason() == r) {
                        return e;
                    }
                }
                seen.add(e);
            }
        }
    }
}
