package org.lws4j.group.relay;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.lws4j.spi.group.GroupBroker;
import org.lws4j.spi.group.GroupSink;

/** A {@link GroupSink} that keeps what it is given, and lets a test wait for it (never by sleeping). */
public final class RecordingSink implements GroupSink {
    /** One delivered message; the payload copied. */
    public record Delivered(String vhost, String group, byte[] payload, boolean binary) {
        public String text() {
            return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final List<Delivered> delivered = new ArrayList<>();
    private final List<GroupBroker.State> states = new ArrayList<>();
    private final List<String> details = new ArrayList<>();

    @Override
    public synchronized void deliver(String vhost, String group, ByteBuffer payload, boolean binary) {
        byte[] b = new byte[payload.remaining()];
        payload.get(b);
        delivered.add(new Delivered(vhost, group, b, binary));
        notifyAll();
    }

    @Override
    public synchronized void stateChanged(GroupBroker.State state, String detail) {
        states.add(state);
        details.add(state + " " + detail);
        notifyAll();
    }

    /** What was delivered so far. */
    public synchronized List<Delivered> delivered() {
        return new ArrayList<>(delivered);
    }

    /** The states reported so far, with their details. */
    public synchronized List<String> details() {
        return new ArrayList<>(details);
    }

    /** The latest state reported, or null. */
    public synchronized GroupBroker.State state() {
        return states.isEmpty() ? null : states.get(states.size() - 1);
    }

    /** Waits until at least {@code n} messages were delivered; fails after {@code seconds}. */
    public synchronized List<Delivered> awaitDelivered(int n, int seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long left;
        while (delivered.size() < n && (left = until - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (delivered.size() < n) {
            throw new AssertionError("expected " + n + " deliveries in " + seconds + " s, got " + delivered.size());
        }
        return new ArrayList<>(delivered);
    }

    /** Waits until a delivered message's text is {@code text}; fails after {@code seconds}. */
    public synchronized void awaitText(String text, int seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long left;
        while (delivered.stream().noneMatch(d -> d.text().equals(text)) && (left = until - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (delivered.stream().noneMatch(d -> d.text().equals(text))) {
            throw new AssertionError("\"" + text + "\" not delivered in " + seconds + " s; got " + delivered.size()
                    + " messages");
        }
    }

    /** Waits until the latest state is {@code s}; fails after {@code seconds} with the states seen. */
    public synchronized void awaitState(GroupBroker.State s, int seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long left;
        while (state() != s && (left = until - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (state() != s) {
            throw new AssertionError("state " + s + " not reached in " + seconds + " s; states: " + details);
        }
    }
}
