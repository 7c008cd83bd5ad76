package org.lws4j.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.lws4j.api.Log;
import org.lws4j.spi.metrics.MetricsSink;

/**
 * One service thread (lws's "pt"): a Selector, the connections given to it, a task queue other
 * threads post into, timers, the shared read buffer and the request-head pool. Everything here
 * except {@link #execute}, {@link #connectionCount()} and {@link #stop()} runs on the owning
 * thread: the thread this object started, or, for a context the application drives, whichever
 * thread is inside {@link #serviceOnce}.
 */
public final class ServiceThread implements Runnable {
    private static final int READ_BUFFER_SIZE = 64 * 1024;
    private static final int BATCH_BUFFER_SIZE = 16 * 1024;

    private final int index;
    private final Log log;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final TimerQueue timers = new TimerQueue();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);
    /** Where a batch of one connection's WRITEABLEs gathers its writes (Wire); direct, for one write(2). */
    private ByteBuffer batchBuffer;
    private final HeaderPool headerPool;
    private final Set<Wire<?>> connections = new LinkedHashSet<>();
    /** Connections whose WRITEABLE comes at the end of this turn (owner thread only). */
    private ArrayList<Wire<?>> writeableSoon = new ArrayList<>();
    private ArrayList<Wire<?>> writeableDue = new ArrayList<>();
    private volatile Thread owner;
    private volatile boolean running;
    private Thread thread;
    private boolean onExecutor;
    private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    private long maxOutputBuffer = 256 * 1024; // until the context sets it
    private long outputBudget = Long.MAX_VALUE;
    /** Output queued by this thread's connections now (owner thread only). */
    private long outputQueued;
    private java.util.function.Consumer<Throwable> onDeath = t -> { };
    /** Where this thread's events are counted; null when no metrics service is installed. */
    private volatile MetricsSink metrics;
    private final Timer lagProbe = new Timer(this::probeLag);
    private long lagProbeDue;

    public ServiceThread(int index, Log log, int headerSize, int headerCount) throws IOException {
        this.index = index;
        this.log = log;
        this.selector = Selector.open();
        this.headerPool = new HeaderPool(headerSize, headerCount);
        headerPool.useTimers(timers);
    }

    /** Starts a thread of its own running the loop. */
    public void start(String name) {
        running = true;
        thread = new Thread(this, name);
        thread.setDaemon(false);
        owner = thread;
        thread.start();
    }

    /**
     * Runs the loop as a long-lived task of the application's executor instead of a thread of its
     * own; the task returns when the context stops.
     */
    public void startOn(java.util.concurrent.Executor executor) {
        running = true;
        onExecutor = true;
        executor.execute(this);
    }

    @Override
    public void run() {
        owner = Thread.currentThread();
        if (onExecutor) {
            thread = owner;
        }
        Throwable death = null;
        try {
            while (running) {
                serviceOnce(1000);
            }
            shutdownOnOwner();
        } catch (Throwable t) {
            // every callback, task and timer is guarded; this is what escaped the guards (an
            // OutOfMemoryError while logging another failure, say): the loop is gone
            death = t;
        } finally {
            finished.countDown();
        }
        if (death != null) {
            onDeath.accept(death);
        }
    }

    /**
     * What to do if this loop dies of something no guard caught (default: nothing more than the
     * log line the context's handler writes). The context sets it; see {@code ContextImpl}.
     */
    public void setOnDeath(java.util.function.Consumer<Throwable> handler) {
        this.onDeath = handler;
    }

    /**
     * Asks the loop to end (after closing its connections) and waits up to {@code waitMillis} for it.
     * For a loop without its own thread, the caller must be the one that drives it.
     */
    public void stop(long waitMillis) {
        if (thread == null && !onExecutor) {
            shutdownOnOwner();
            return;
        }
        execute(() -> running = false);
        boolean done;
        try {
            done = finished.await(waitMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        if (!done) {
            log.warn("service thread %d did not stop within %d ms", index, waitMillis);
        }
    }

    private void shutdownOnOwner() {
        for (Wire<?> c : new ArrayList<>(connections)) {
            c.closeNow("context shutting down");
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * One turn of the loop: run posted tasks, wait up to {@code timeoutMillis} for I/O (less if a
     * timer is due sooner; 0 does not wait), handle what is ready, run due timers.
     *
     * @return the number of keys, tasks and timers handled
     */
    public int serviceOnce(long timeoutMillis) {
        if (thread == null && !onExecutor) {
            owner = Thread.currentThread();
            try {
                return turn(timeoutMillis);
            } finally {
                owner = null;
            }
        }
        return turn(timeoutMillis);
    }

    private int turn(long timeoutMillis) {
        int tasksRun = runTasks();
        int ready = 0;
        long toTimer = timers.nanosToNext(System.nanoTime());
        long wait = timeoutMillis;
        if (toTimer >= 0) {
            wait = Math.min(wait, (toTimer + 999_999) / 1_000_000);
        }
        try {
            int n;
            if (wait <= 0 || !tasks.isEmpty() || !writeableSoon.isEmpty()) {
                n = selector.selectNow();
            } else {
                n = selector.select(wait);
            }
            wakeupPending.set(false);
            // keys may also wait from a selection made outside the turn (flushCancelledKeys)
            if (n > 0 || !selector.selectedKeys().isEmpty()) {
                ready = dispatchSelected();
            }
        } catch (IOException | RuntimeException e) {
            log.err("service thread %d: select failed: %s", index, e);
        }
        tasksRun += runTasks();
        ready += runWriteableSoon();
        MetricsSink m = metrics;
        if (m != null) {
            m.loopTurn(index, ready, tasksRun);
        }
        return tasksRun + ready + timers.runDue(System.nanoTime(), this::runGuarded);
    }

    /** The metrics service this thread reports to from now on (null: none). Thread-safe. */
    public void setMetrics(MetricsSink m) {
        metrics = m;
        execute(() -> armLagProbe(System.nanoTime()));
    }

    /** Where this thread's events are counted, or null: read once per event site. */
    public MetricsSink metrics() {
        return metrics;
    }

    /** lws 5's loop latency monitor: a timer that says how late it fired, while a sink asks for it. */
    private void armLagProbe(long now) {
        MetricsSink m = metrics;
        long period = m == null ? 0 : m.loopProbeNanos();
        if (period <= 0) {
            timers.cancel(lagProbe);
            return;
        }
        lagProbeDue = now + period;
        timers.schedule(lagProbe, lagProbeDue);
    }

    private void probeLag() {
        long now = System.nanoTime();
        MetricsSink m = metrics;
        if (m != null) {
            m.loopLag(index, Math.max(0, now - lagProbeDue));
        }
        armLagProbe(now);
    }

    private int dispatchSelected() {
        Set<SelectionKey> keys = selector.selectedKeys();
        int n = 0;
        for (Iterator<SelectionKey> it = keys.iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            it.remove();
            Object att = key.attachment();
            if (!key.isValid() || !(att instanceof Selectable)) {
                continue;
            }
            n++;
            try {
                ((Selectable) att).onSelected(key);
            } catch (Throwable t) {
                // the backstop: one peer never kills the loop
                log.err("service thread %d: %s failed: %s", index, att, t);
                if (att instanceof Wire) {
                    ((Wire<?>) att).closeNow("internal error: " + t);
                }
            }
        }
        return n;
    }

    /**
     * Each connection that asked for WRITEABLE with nothing queued gets it once; those that ask
     * again meanwhile get it next turn, after the selector has been polled (one per turn, as
     * POLLOUT is).
     */
    private int runWriteableSoon() {
        if (writeableSoon.isEmpty()) {
            return 0;
        }
        ArrayList<Wire<?>> due = writeableSoon;
        writeableSoon = writeableDue;
        writeableDue = due;
        int n = due.size();
        for (int i = 0; i < n; i++) {
            Wire<?> w = due.get(i);
            try {
                w.writeableSoonDue();
            } catch (Throwable t) {
                log.err("service thread %d: %s failed: %s", index, w, t);
                w.closeNow("internal error: " + t);
            }
        }
        due.clear();
        return n;
    }

    /** {@code w} asked for WRITEABLE with nothing queued: delivered at the end of this turn. */
    void writeableSoon(Wire<?> w) {
        writeableSoon.add(w);
    }

    private int runTasks() {
        int n = 0;
        Runnable r;
        // a bounded batch, so a thread posting in a tight loop cannot starve I/O
        int budget = 10_000;
        while (budget-- > 0 && (r = tasks.poll()) != null) {
            runGuarded(r);
            n++;
        }
        return n;
    }

    private void runGuarded(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            log.err("service thread %d: task failed: %s", index, t);
        }
    }

    /**
     * Drops the keys cancelled since the last selection now, which closes for real the channels
     * closed while registered (a listen socket's port is free only then). Owner thread only.
     */
    public void flushCancelledKeys() {
        try {
            selector.selectNow();
        } catch (IOException e) {
            log.warn("service thread %d: selectNow failed: %s", index, e);
        }
        // the selection took any pending wakeup with it: let the next post wake the selector again
        // (tasks posted meanwhile are in the queue, which the loop reads before it selects)
        wakeupPending.set(false);
    }

    /**
     * The bounds on queued output: per connection, and for all of this thread's connections
     * together (its share of the context's budget). Set before the loop starts.
     */
    public void setOutputLimits(long perConnection, long threadBudget) {
        this.maxOutputBuffer = perConnection;
        this.outputBudget = threadBudget;
    }

    long maxOutputBuffer() {
        return maxOutputBuffer;
    }

    boolean overOutputBudget() {
        return outputQueued > outputBudget;
    }

    void outputQueued(long delta) {
        outputQueued += delta;
    }

    /** Output queued by this thread's connections now. Owner thread only. */
    public long outputQueued() {
        return outputQueued;
    }

    /** Runs {@code task} on this loop soon. Thread-safe; wakes the selector when needed. */
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != owner && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /**
     * True when the calling thread may act as this loop's thread now: the loop's own thread, or,
     * for a loop the application drives, the thread inside {@link #serviceOnce} (or any thread
     * while nobody is).
     */
    public boolean isOwner() {
        Thread t = owner;
        return t == null ? thread == null && !onExecutor : t == Thread.currentThread();
    }

    public int index() {
        return index;
    }

    public Selector selector() {
        return selector;
    }

    public TimerQueue timers() {
        return timers;
    }

    /** The read buffer every connection of this thread reads into; valid until the next read. */
    public ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** The batch buffer (one connection's batch at a time; owner thread only). */
    ByteBuffer batchBuffer() {
        ByteBuffer b = batchBuffer;
        if (b == null) {
            b = ByteBuffer.allocateDirect(BATCH_BUFFER_SIZE);
            batchBuffer = b;
        }
        return b;
    }

    public HeaderPool headerPool() {
        return headerPool;
    }

    public Log log() {
        return log;
    }

    /** Tasks posted and not yet run. Thread-safe (counts the queue: for scrapes, not the loop). */
    public int tasksQueued() {
        return tasks.size();
    }

    /** Connections on this thread now. Thread-safe. */
    public int connectionCount() {
        return connectionCount.get();
    }

    void added(Wire<?> c) {
        connections.add(c);
    }

    public void removed(Wire<?> c) {
        if (connections.remove(c)) {
            connectionCount.decrementAndGet();
        }
    }

    /** Counts a connection that is on its way here; call before posting its registration. */
    public void reserveSlot() {
        connectionCount.incrementAndGet();
    }

    /** Gives back a slot reserved for a connection that never arrived. */
    public void releaseSlot() {
        connectionCount.decrementAndGet();
    }

    /** A snapshot of this thread's connections (owner thread only). */
    public List<Wire<?>> connections() {
        return new ArrayList<>(connections);
    }
}
