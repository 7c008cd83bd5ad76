package org.lws4j.group.relay;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.lws4j.api.Log;
import org.lws4j.spi.group.GroupBroker;
import org.lws4j.spi.group.GroupSink;

/**
 * A {@link GroupBroker} on a publish/subscribe broker, whatever the broker: a subclass only opens a
 * {@link Session} (connect, subscribe to everything under the prefix, send frames).
 *
 * <p><b>Threads.</b> Two of its own per broker, started by {@link #open} and ended by
 * {@link #close}: the <em>link</em> thread connects, runs the session until it fails, then waits
 * (exponential back-off from 100 ms, capped at {@link BrokerSettings#retryMaxMillis()}) and connects
 * again; the <em>publisher</em> thread drains the bounded queue that {@link #publish} fills, in
 * order, through the one live session, so each sender's messages leave in the order it published
 * them. {@link #publish} never blocks and never throws: a full queue, or no live session when the
 * publisher takes the message, drops it for the other nodes (counted; logged once per outage).
 *
 * <p><b>Receiving.</b> A session hands every frame it receives to {@link #received}, on whatever
 * thread its client uses (one per session, so order holds): frames of this node (same node id)
 * are dropped, as are frames that do not decode (counted, logged once); the rest go to
 * {@link GroupSink#deliver}. A gap in a sender's sequence numbers is counted as lost.
 */
public abstract class RelayBroker implements GroupBroker {
    /** A connection to the broker; made on the link thread by {@link #connect}. */
    protected interface Session {
        /**
         * Subscribes to everything under the prefix and blocks until the session ends (the
         * connection fails, or {@link #close} is called), giving each received frame to
         * {@link RelayBroker#received}; calls {@code ready} once the subscription is in place.
         * Returns or throws when it ends; the exception says why.
         */
        void run(Runnable ready) throws Exception;

        /** Sends frames, in order; called on the publisher thread only. */
        void send(List<Outgoing> batch) throws Exception;

        /** Closes the connection(s); any thread, any time, more than once. */
        void close();
    }

    /** A frame to send, with the names a broker may put in the channel or subject. */
    protected record Outgoing(String vhost, String group, byte[] frame) {
    }

    private record Item(String vhost, String group, ByteBuffer payload, boolean binary) {
    }

    private static final long FIRST_RETRY_MS = 100;
    private static final int BATCH = 256;
    private static final int MAX_SENDERS_TRACKED = 1024;

    protected final BrokerSettings settings;
    protected final Log log;
    private final String threadName;
    private final UUID node = UUID.randomUUID();
    private final BlockingQueue<Item> queue;
    private final Object lock = new Object();
    private final Map<UUID, Long> lastSequence = new ConcurrentHashMap<>();
    private final AtomicInteger delivering = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();
    private volatile GroupSink sink;
    private volatile State state = State.CONNECTING;
    private volatile Session live;
    private final java.util.concurrent.atomic.AtomicBoolean dropLogged = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean badLogged;
    private volatile boolean closing;
    private volatile boolean closed;
    private Session current; // guarded by lock
    private Thread link;
    private Thread publisher;
    private long sequence; // publisher thread only

    /** {@code threadName}: the prefix of the two threads' names, e.g. "lws4j-group-redis". */
    protected RelayBroker(BrokerSettings settings, Log log, String threadName) {
        this.settings = settings;
        this.log = log;
        this.threadName = threadName;
        this.queue = new ArrayBlockingQueue<>(settings.queueSize());
    }

    /** Connects and returns the session, or throws saying why; on the link thread. */
    protected abstract Session connect() throws Exception;

    /** This node's id: frames carrying it are its own. */
    public UUID node() {
        return node;
    }

    @Override
    public void open(GroupSink s) {
        synchronized (lock) {
            if (sink != null || closing) {
                throw new IllegalStateException("open() called twice");
            }
            sink = s;
            link = new Thread(this::linkLoop, threadName + "-link");
            publisher = new Thread(this::publishLoop, threadName + "-publisher");
        }
        link.setDaemon(true);
        publisher.setDaemon(true);
        s.stateChanged(State.CONNECTING, "connecting to " + settings.address());
        link.start();
        publisher.start();
    }

    @Override
    public void publish(String vhost, String group, ByteBuffer payload, boolean binary) {
        if (closing) {
            return;
        }
        if (!queue.offer(new Item(vhost, group, payload.duplicate(), binary))) {
            drop(1, "the publish queue is full (" + settings.queueSize() + ", " + BrokerSettings.QUEUE + ")");
        }
    }

    @Override
    public void close() {
        Session s;
        Thread l;
        Thread p;
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            s = current;
            l = link;
            p = publisher;
            lock.notifyAll(); // ends a back-off wait
        }
        live = null;
        if (s != null) {
            s.close();
        }
        if (p != null) {
            p.interrupt();
        }
        join(l);
        join(p);
        queue.clear();
        closed = true;
        // a frame being delivered when closing began finishes before close returns
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (delivering.get() > 0 && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        GroupSink k = sink;
        state = State.CLOSED;
        log.notice("group broker %s: closed (sent %d, received %d, dropped %d)", settings.address(), sent.get(),
                received.get(), dropped.get());
        if (k != null) {
            k.stateChanged(State.CLOSED, "closed");
        }
    }

    private void join(Thread t) {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            log.warn("group broker %s: thread %s did not end within 10 s", settings.address(), t.getName());
        }
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public String describe() {
        return settings.address() + " " + state.name().toLowerCase(Locale.ROOT) + " (prefix " + settings.prefix()
                + "; sent " + sent.get() + ", received " + received.get() + ", dropped " + dropped.get()
                + ", lost " + lost.get() + ")";
    }

    /** Messages sent to the broker. */
    public long sent() {
        return sent.get();
    }

    /** Messages published on this node that the other nodes will not get (queue full, broker down). */
    public long dropped() {
        return dropped.get();
    }

    /** Messages of other nodes given to the sink. */
    public long received() {
        return received.get();
    }

    /** Messages of other nodes this node missed, from gaps in their sequence numbers. */
    public long lost() {
        return lost.get();
    }

    /** Frames under the prefix that were not lws4j group messages. */
    public long rejected() {
        return bad.get();
    }

    private void linkLoop() {
        long backoff = FIRST_RETRY_MS;
        boolean warned = false;
        while (!closing) {
            Session s;
            try {
                s = connect();
            } catch (Exception e) {
                if (closing) {
                    break;
                }
                // the first failure of an outage is a warning, the retries are not news
                log.log(warned ? org.lws4j.api.LogLevel.INFO : org.lws4j.api.LogLevel.WARN,
                        "group broker %s: cannot connect (%s); retrying every %d ms at most",
                        settings.address(), why(e), settings.retryMaxMillis());
                warned = true;
                backoff = waitBackoff(backoff);
                continue;
            }
            synchronized (lock) {
                if (closing) {
                    s.close();
                    break;
                }
                current = s;
            }
            String why;
            long[] connectedAt = {0};
            try {
                s.run(() -> {
                    connectedAt[0] = System.nanoTime();
                    live = s;
                    dropLogged.set(false);
                    changed(State.CONNECTED, "subscribed to " + settings.prefix() + " on " + settings.address());
                });
                why = "the connection ended";
            } catch (Exception e) {
                why = why(e);
            }
            live = null;
            synchronized (lock) {
                current = null;
            }
            s.close();
            if (closing) {
                break;
            }
            warned = true;
            changed(State.CONNECTING, "lost " + settings.address() + " (" + why + "); reconnecting");
            if (connectedAt[0] != 0) {
                backoff = FIRST_RETRY_MS; // it worked: start the back-off again from the bottom
            }
            backoff = waitBackoff(backoff);
        }
    }

    private void changed(State to, String detail) {
        if (closing) {
            return;
        }
        state = to;
        log.notice("group broker %s", detail);
        GroupSink k = sink;
        if (k != null) {
            k.stateChanged(to, detail);
        }
    }

    /** Waits {@code ms} (woken by close) and returns the next, doubled and capped, wait. */
    private long waitBackoff(long ms) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        synchronized (lock) {
            long left;
            while (!closing && (left = until - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ms;
                }
            }
        }
        return Math.min(ms * 2, settings.retryMaxMillis());
    }

    private void publishLoop() {
        List<Item> batch = new ArrayList<>(BATCH);
        List<Outgoing> out = new ArrayList<>(BATCH);
        while (!closing) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, BATCH - 1);
            for (Item i : batch) {
                try {
                    out.add(new Outgoing(i.vhost(), i.group(),
                            GroupFrame.encode(node, ++sequence, i.vhost(), i.group(), i.binary(), i.payload())));
                } catch (IllegalArgumentException e) {
                    drop(1, e.getMessage());
                }
            }
            Session s = live;
            if (s == null) {
                drop(out.size(), settings.address() + " is not connected");
            } else if (!out.isEmpty()) {
                try {
                    s.send(out);
                    sent.addAndGet(out.size());
                } catch (Exception e) {
                    drop(out.size(), "sending failed (" + why(e) + ")");
                    if (live == s) {
                        live = null;
                        s.close(); // the link thread sees the session end and reconnects
                    }
                }
            }
            batch.clear();
            out.clear();
        }
    }

    private void drop(int n, String why) {
        if (n <= 0) {
            return;
        }
        dropped.addAndGet(n);
        if (!closing && dropLogged.compareAndSet(false, true)) {
            log.warn("group broker %s: %s: messages published here no longer reach the other nodes until it is"
                    + " back (members on this node still get them)", settings.address(), why);
        }
    }

    /** Gives a frame from the broker to the sink (unless it is this node's own, or not a group message). */
    protected final void received(byte[] bytes) {
        delivering.incrementAndGet();
        try {
            if (closed) {
                return;
            }
            GroupFrame f;
            try {
                f = GroupFrame.decode(bytes);
            } catch (IllegalArgumentException e) {
                bad.incrementAndGet();
                if (!badLogged) {
                    badLogged = true;
                    log.warn("group broker %s: ignoring a message under prefix %s: %s (logged once)",
                            settings.address(), settings.prefix(), e.getMessage());
                }
                return;
            }
            if (f.node().equals(node)) {
                return; // the core delivered it here already
            }
            Long last = lastSequence.put(f.node(), f.sequence());
            if (last != null && f.sequence() > last + 1) {
                lost.addAndGet(f.sequence() - last - 1);
            }
            if (last == null && lastSequence.size() > MAX_SENDERS_TRACKED) {
                lastSequence.clear(); // nodes restarted many times: old ids never come back
            }
            received.incrementAndGet();
            sink.deliver(f.vhost(), f.group(), f.payload(), f.binary());
        } finally {
            delivering.decrementAndGet();
        }
    }

    private static String why(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 300; t = t.getCause()) {
            if (b.length() > 0) {
                b.append(": ");
            }
            b.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
            if (t.getCause() == t) {
                break;
            }
        }
        return b.toString();
    }
}
