package org.lws4j.testkit;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.lws4j.api.ClientConnectInfo;
import org.lws4j.api.Connection;
import org.lws4j.api.ConnectionInfo;
import org.lws4j.api.Context;
import org.lws4j.api.Reason;
import org.lws4j.api.Vhost;

/**
 * The core, played in memory: the context a protocol test starts from. Make vhosts with
 * {@link #addVhost}, bind protocols on them, open connections, and drive time and threads from
 * the test:
 *
 * <ul>
 * <li>{@link #advance} moves the virtual clock and fires what falls due on the way, in order:
 *     {@link Connection#setTimer} (TIMER), {@link Connection#setTimeout}, and
 *     {@link org.lws4j.api.VhostProtocol#timedCallback} (USER). Nothing happens by wall time.</li>
 * <li>{@link #runTasks} runs what other threads handed in ({@link Connection#execute},
 *     {@code requestWriteableAll}, {@link #closeConnection} ...), which waits until then.</li>
 * <li>{@link #drainAll} lets every socket drain: each connection that asked for WRITEABLE gets it,
 *     round after round while they keep asking.</li>
 * </ul>
 *
 * <p>Each call of the test is one turn of the loop: its callbacks run, then whatever they handed
 * in for the next turn (tasks they gave {@code execute}, a resumed rx delivering what it held,
 * a {@code requestWriteableAll}, a peer answering a Close), until nothing is left. An exception a
 * callback throws closes its connection, as in the core, and then fails the test's call with a
 * {@link CallbackFailure} (turn that off with {@link #rethrowFailures(boolean)} to test the close).
 *
 * <p>The thread that makes the context is its service thread; connection methods called from any
 * other throw {@link IllegalStateException}, as the core's do. Not for use from several test
 * threads at once.
 */
public final class TestContext implements Context {
    /** Loop tasks one turn may run before the kit calls it a loop without end. */
    static final int MAX_TASKS_PER_TURN = 1_000_000;
    /** Default bound of {@link #drainAll()} rounds. */
    public static final int DRAIN_ROUNDS = 10_000;

    private final Thread owner = Thread.currentThread();
    private final TestLog log = new TestLog();
    private final VirtualClock clock = new VirtualClock();
    private final List<TestVhost> vhosts = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Runnable> nextTurn = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Runnable> fromOtherThreads = new ConcurrentLinkedQueue<>();
    private final ConcurrentSkipListMap<Long, TestConnection> open = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final List<CallbackFailure> failures = new ArrayList<>();
    private final long startMillis;
    private boolean inTurn;
    private boolean rethrow = true;
    private int reported;
    private String serverString = "lws4j";
    private final Map<String, Long> limits = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Map<String, Integer> parked = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String brokerState = "none";
    private volatile String brokerDetail = "none";

    /** A context whose clock starts at 2024-01-01T00:00:00Z. */
    public TestContext() {
        this(1_704_067_200_000L);
    }

    /** A context whose clock starts at {@code startMillis} (epoch milliseconds). */
    public TestContext(long startMillis) {
        this.startMillis = startMillis;
    }

    // ---- setting up ----------------------------------------------------------------------------

    /** A new vhost named {@code name} on port 7681. */
    public TestVhost addVhost(String name) {
        return addVhost(name, 7681);
    }

    /** A new vhost named {@code name} on {@code port}. */
    public TestVhost addVhost(String name, int port) {
        checkOwner();
        TestVhost v = new TestVhost(this, name, port);
        vhosts.add(v);
        return v;
    }

    /** Sets a limit {@link #limits()} reports, by its config key (e.g. {@code max-http-body}). */
    public TestContext limit(String key, long value) {
        limits.put(key, value);
        return this;
    }

    /** Makes {@link #parkedConnections()} say {@code n} connections of {@code protocol} are parked (0: none). */
    public TestContext parked(String protocol, int n) {
        if (n > 0) {
            parked.put(protocol, n);
        } else {
            parked.remove(protocol);
        }
        return this;
    }

    /** What {@link #parked} set, by protocol name: the kit's handoffs are instant. */
    @Override
    public Map<String, Integer> parkedConnections() {
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(parked));
    }

    /**
     * Makes {@link #groupBrokerState()} and {@link #groupBroker()} say a group broker is installed
     * in {@code state} ("connected", "connecting", "closed"), described as {@code detail}; null
     * state: none (the default).
     */
    public TestContext groupBroker(String state, String detail) {
        brokerState = state == null ? "none" : state;
        brokerDetail = state == null ? "none" : detail;
        return this;
    }

    @Override
    public String groupBrokerState() {
        return brokerState;
    }

    @Override
    public String groupBroker() {
        return brokerDetail;
    }

    /** Sets what {@link #serverString()} answers. */
    public TestContext serverString(String s) {
        serverString = s;
        return this;
    }

    // ---- driving it ------------------------------------------------------------------------------

    /**
     * Moves the clock on by {@code amount}, firing every timer that falls due on the way in
     * deadline order, each in a turn of its own, with the clock at its deadline.
     */
    public TestContext advance(long amount, TimeUnit unit) {
        checkOwner();
        long target = clock.now() + unit.toNanos(amount);
        VirtualClock.Timer t;
        while ((t = clock.nextDue(target)) != null) {
            turn(t.task);
        }
        clock.moveTo(target);
        return this;
    }

    /** {@link #advance(long, TimeUnit)} by a duration. */
    public TestContext advance(Duration d) {
        return advance(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Virtual nanoseconds since the context was made. */
    public long nanoTime() {
        return clock.now();
    }

    /** The virtual wall clock: {@code startMillis} plus the time advanced. */
    public long currentTimeMillis() {
        return startMillis + TimeUnit.NANOSECONDS.toMillis(clock.now());
    }

    /** Timers set and neither run nor cancelled. */
    public int pendingTimers() {
        return clock.pending();
    }

    /**
     * Runs the tasks other threads handed in so far, in order, each with what it leads to.
     *
     * @return the number of tasks run
     */
    public int runTasks() {
        checkOwner();
        int n = 0;
        Runnable r;
        while ((r = fromOtherThreads.poll()) != null) {
            turn(r);
            n++;
        }
        return n;
    }

    /** Tasks other threads handed in that wait for {@link #runTasks()}. */
    public int pendingTasks() {
        return fromOtherThreads.size();
    }

    /**
     * Lets every socket drain, as often as the protocols ask: in rounds, each open connection (in
     * the order they were opened) that asked for WRITEABLE gets it, until none asks.
     *
     * @return the WRITEABLE callbacks delivered
     * @throws IllegalStateException when they still ask after {@value #DRAIN_ROUNDS} rounds
     */
    public int drainAll() {
        return drainAll(DRAIN_ROUNDS);
    }

    /** {@link #drainAll()} with at most {@code maxRounds} rounds; asking after them is no error. */
    public int drainAll(int maxRounds) {
        checkOwner();
        int delivered = 0;
        for (int round = 0; round < maxRounds; round++) {
            int before = delivered;
            for (TestConnection c : List.copyOf(open.values())) {
                if (c.writeable()) {
                    delivered++;
                }
            }
            if (delivered == before) {
                return delivered;
            }
        }
        if (maxRounds == DRAIN_ROUNDS && open.values().stream().anyMatch(TestConnection::wantsWriteable)) {
            throw new IllegalStateException("connections still ask for WRITEABLE after " + maxRounds
                    + " rounds; drainAll(rounds) for protocols that write without end");
        }
        return delivered;
    }

    /** The connections open now, in the order they were opened. */
    public List<TestConnection> openConnections() {
        return List.copyOf(open.values());
    }

    // ---- failures ----------------------------------------------------------------------------

    /**
     * Whether a callback that throws fails the test's call (the default) after the kit has closed
     * the connection as the core does. Off, the close is all that happens; {@link #failures()}
     * still lists them.
     */
    public TestContext rethrowFailures(boolean on) {
        rethrow = on;
        return this;
    }

    /** Every exception a callback or a task threw so far. */
    public List<CallbackFailure> failures() {
        return List.copyOf(failures);
    }

    // ---- Context -------------------------------------------------------------------------------

    @Override
    public List<Vhost> vhosts() {
        return List.copyOf(vhosts);
    }

    @Override
    public TestVhost vhost(String name) {
        for (TestVhost v : vhosts) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        return null;
    }

    /** One: the test's thread. */
    @Override
    public int serviceThreads() {
        return 1;
    }

    @Override
    public TestLog log() {
        return log;
    }

    @Override
    public String serverString() {
        return serverString;
    }

    @Override
    public List<ConnectionInfo> connections() {
        List<ConnectionInfo> out = new ArrayList<>();
        for (TestConnection c : open.values()) {
            out.add(c.info());
        }
        return out;
    }

    @Override
    public boolean closeConnection(long id, int code, String reason) {
        TestConnection c = open.get(id);
        if (c == null) {
            return false;
        }
        post(() -> {
            if (!c.isClosed()) {
                c.closeFromContext(code, reason);
            }
        });
        return true;
    }

    @Override
    public long startMillis() {
        return startMillis;
    }

    /** What {@link #limit} set, by key; none unless set. */
    @Override
    public Map<String, Long> limits() {
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(limits));
    }

    @Override
    public void requestWriteableAll(String protocol) {
        for (TestVhost v : vhosts) {
            v.requestWriteableAll(protocol);
        }
    }

    @Override
    public void cancelService() {
        post(() -> {
            for (TestVhost v : vhosts) {
                for (TestBinding b : v.bindings()) {
                    b.callVhost(Reason.EVENT_WAIT_CANCELLED, null);
                }
            }
        });
    }

    /** The kit opens no client connections. */
    @Override
    public Connection connect(ClientConnectInfo info) {
        throw new UnsupportedOperationException("the test kit has no client connections");
    }

    /** Adopts as a raw connection of {@code protocol} on {@code vhost}; the channel itself is not read. */
    @Override
    public Connection adopt(SelectableChannel channel, String vhost, String protocol) {
        return binding(vhost, protocol).adopt(channel);
    }

    /** Adopts as a raw file of {@code protocol} on {@code vhost}; the streams themselves are not read. */
    @Override
    public Connection adoptStream(InputStream in, OutputStream out, String vhost, String protocol) {
        return binding(vhost, protocol).adoptStream(in, out);
    }

    /** The application drives no loop here: the test does. */
    @Override
    public int service(long timeoutMillis) {
        throw new IllegalStateException("a test context has no loop to service; the test drives it");
    }

    @Override
    public String toString() {
        return "TestContext(" + vhosts.size() + " vhosts, " + open.size() + " connections)";
    }

    // ---- for the kit ---------------------------------------------------------------------------

    private TestBinding binding(String vhost, String protocol) {
        TestVhost v = vhost(vhost);
        TestBinding b = v == null ? null : v.protocol(protocol);
        if (b == null) {
            throw new IllegalArgumentException("no protocol " + protocol + " bound on vhost " + vhost);
        }
        return b;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    VirtualClock clock() {
        return clock;
    }

    void opened(TestConnection c) {
        open.put(c.id(), c);
    }

    void closed(TestConnection c) {
        open.remove(c.id());
    }

    boolean isOwner() {
        return Thread.currentThread() == owner;
    }

    void checkOwner() {
        if (!isOwner()) {
            throw new IllegalStateException("used off the test context's service thread (" + Thread.currentThread().getName()
                    + "; the context was made on " + owner.getName() + ")");
        }
    }

    /**
     * Hands {@code task} to the loop: from a callback it runs when the current turn's callbacks
     * are done; from the test's thread between turns, at once; from another thread it waits for
     * {@link #runTasks()}.
     */
    void post(Runnable task) {
        if (isOwner() && inTurn) {
            nextTurn.add(task);
        } else if (isOwner()) {
            turn(task); // the test itself asked, between turns: a turn of its own, now
        } else {
            fromOtherThreads.add(task);
        }
    }

    /** One turn: {@code action}, then everything it handed to the loop, then failures reported. */
    void turn(Runnable action) {
        checkOwner();
        if (inTurn) {
            action.run();
            return;
        }
        inTurn = true;
        try {
            action.run();
            int n = 0;
            Runnable r;
            while ((r = nextTurn.poll()) != null) {
                if (++n > MAX_TASKS_PER_TURN) {
                    throw new IllegalStateException("more than " + MAX_TASKS_PER_TURN
                            + " loop tasks in one turn: a protocol that hands work to the loop without end");
                }
                r.run();
            }
        } finally {
            inTurn = false;
        }
        reportFailures();
    }

    void failed(CallbackFailure f) {
        failures.add(f);
        log.err("%s", f.getMessage());
    }

    private void reportFailures() {
        if (failures.size() > reported) {
            CallbackFailure first = failures.get(reported);
            reported = failures.size();
            if (rethrow) {
                throw first;
            }
        }
    }
}
