package org.lws4j.testkit;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.Connection;
import org.lws4j.api.ConnectionInfo;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Role;

/**
 * A connection of a {@link TestContext}, with the test playing its peer: lws's wsi as a protocol
 * sees it, and the handles a test drives it with. {@link TestWebSocket}, {@link TestExchange} and
 * {@link TestRaw} are its roles.
 *
 * <p><b>The socket.</b> What the protocol writes goes to the peer at once while it fits in the
 * socket's buffer ({@link #socketBuffer}, unbounded unless set); what does not fit waits, and
 * {@link #sendPipeChoked()} says so, until the test lets the socket drain with
 * {@link #writeable()} or {@link #drain()}. Draining is also the only way a WRITEABLE callback
 * comes, and only when the protocol asked for one ({@link #requestWriteable()}), as in the core.
 *
 * <p>Every method of the {@link Connection} API must be called on the context's service thread,
 * except {@link #id()} and {@link #execute}; elsewhere they throw {@link IllegalStateException}.
 */
public abstract class TestConnection implements Connection {
    /** Where the connection stands. */
    enum State { OPEN, CLOSING, CLOSED }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** One piece of output on its way to the peer: its size and what the peer makes of it. */
    private record Out(long size, Runnable toPeer) {
    }

    final TestContext ctx;
    final TestVhost vhost;
    private final long id;
    private final long createdMillis;
    private final InetSocketAddress peer;
    private final InetSocketAddress local;
    TestBinding binding;
    private Object session;
    private Reason inCallback;
    State state = State.OPEN;
    private boolean wantWriteable;
    private boolean rxPaused;
    private boolean redeliveryPosted;
    private final List<Reason> reasons = new ArrayList<>();
    private final ArrayDeque<Out> queued = new ArrayDeque<>();
    /** Its broadcast group memberships ({@link TestGroups}): left when it closes. */
    final List<TestGroups.M> groupMembers = new ArrayList<>();
    private long socketBuffer = Long.MAX_VALUE;
    private long inFlight;
    private volatile long bytesIn;
    private volatile long bytesOut;
    volatile long messagesIn;
    volatile long messagesOut;
    private VirtualClock.Timer userTimer;
    private VirtualClock.Timer userTimeout;

    TestConnection(TestVhost vhost, InetSocketAddress peer) {
        this.ctx = vhost.context();
        this.vhost = vhost;
        this.id = ctx.nextId();
        this.createdMillis = ctx.currentTimeMillis();
        this.peer = peer != null ? peer : new InetSocketAddress("127.0.0.1", 40000 + (int) (id % 20000));
        this.local = new InetSocketAddress("127.0.0.1", vhost.port());
    }

    // ---- for the test ----------------------------------------------------------------------------

    /** The callbacks this connection got so far, in order. */
    public List<Reason> reasons() {
        return List.copyOf(reasons);
    }

    /**
     * Lets the socket drain once: the peer takes everything waiting, then, if the protocol asked
     * for it and nothing is left waiting, one WRITEABLE callback.
     *
     * @return true when a WRITEABLE callback ran
     */
    public boolean writeable() {
        ctx.checkOwner();
        boolean[] ran = {false};
        ctx.turn(() -> {
            flushToPeer();
            if (state == State.OPEN && queued.isEmpty() && wantWriteable) {
                wantWriteable = false;
                ran[0] = true;
                onWriteable();
            }
        });
        return ran[0];
    }

    /**
     * Lets the socket drain for as long as the protocol asks for WRITEABLE.
     *
     * @return the WRITEABLE callbacks delivered
     * @throws IllegalStateException when it still asks after {@value TestContext#DRAIN_ROUNDS}
     *     rounds (use {@link #drain(int)} for a protocol that writes without end)
     */
    public int drain() {
        int n = drain(TestContext.DRAIN_ROUNDS);
        if (n == TestContext.DRAIN_ROUNDS && wantWriteable) {
            throw new IllegalStateException(this + " still asks for WRITEABLE after " + n
                    + " rounds; drain(rounds) for a protocol that writes without end");
        }
        return n;
    }

    /** Lets the socket drain at most {@code maxRounds} times while the protocol asks; returns how many. */
    public int drain(int maxRounds) {
        int n = 0;
        while (n < maxRounds && writeable()) {
            n++;
        }
        return n;
    }

    /**
     * A WRITEABLE callback whether or not the protocol asked for one, as the core may deliver
     * (after the socket drained); a pending request is taken by it.
     */
    public void forceWriteable() {
        ctx.checkOwner();
        ctx.turn(() -> {
            flushToPeer();
            if (state == State.OPEN) {
                wantWriteable = false;
                onWriteable();
            }
        });
    }

    /**
     * How many bytes the socket takes between two drains: past it, writes wait in the core's
     * buffer and {@link #sendPipeChoked()} is true. Unbounded unless set.
     */
    public void socketBuffer(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a socket buffer holds at least a byte");
        }
        socketBuffer = bytes;
    }

    /** True once the connection is closed (its last callback has run). */
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /** True while the protocol has stopped reading with {@code rxFlowControl(false)}. */
    public boolean isRxPaused() {
        return rxPaused;
    }

    /** True while the protocol has asked for a WRITEABLE it has not had yet. */
    public boolean wantsWriteable() {
        return wantWriteable && state == State.OPEN;
    }

    /** Bytes the protocol wrote that wait for the socket to drain. */
    public long queuedBytes() {
        long n = 0;
        for (Out o : queued) {
            n += o.size();
        }
        return n;
    }

    /** The peer closes the connection without a word (TCP FIN): the role's last callback runs. */
    public abstract void disconnect();

    // ---- what roles implement ----------------------------------------------------------------

    /** The socket drained and a WRITEABLE was asked for: the role's WRITEABLE callback. */
    abstract void onWriteable();

    /** The connection is gone: the role's last callback. */
    abstract void onClosed(String why);

    /** The protocol is being unbound (its bundle goes): end as the core's role does. */
    abstract void unbound();

    /** Reading was resumed: deliver what was held. */
    abstract void resumeDelivery();

    /** {@link #close(int, String)}: the role's way to close. */
    abstract void closeByProtocol(int code, String reason);

    /** {@link TestContext#closeConnection}: WebSockets get a Close, others close after their output. */
    void closeFromContext(int code, String reason) {
        closeAfterFlush("closed by the context (" + code + " " + reason + ")");
    }

    /** A callback has just returned with no other running. */
    void afterCallback() {
    }

    // ---- the kit's machinery ---------------------------------------------------------------------

    /** Binds to {@code b} and makes the session (lws's per_session_data), as the core does. */
    void bind(TestBinding b) {
        binding = b;
        b.attach(this);
        try {
            session = b.protocol().newSession(this);
        } catch (RuntimeException e) {
            ctx.log().err("protocol %s: newSession failed: %s", b.name(), e);
            session = null;
        }
    }

    /** The core forgets a protocol's rx flow control when it parks the connection (handoff). */
    void forgetRxFlowControl() {
        rxPaused = false;
    }

    /** Drops the binding and the session, without callbacks. */
    void unbind() {
        if (binding != null) {
            binding.detach(this);
            binding = null;
        }
        session = null;
    }

    /**
     * Calls the bound protocol; an exception is recorded, logged and counts as CLOSE. CONTINUE
     * when unbound.
     */
    Result call(Reason reason, ByteBuffer in) {
        TestBinding b = binding;
        if (b == null) {
            return Result.CONTINUE;
        }
        reasons.add(reason);
        Reason prev = inCallback;
        inCallback = reason;
        try {
            Result r = b.protocol().callback(this, reason, in == null ? EMPTY : in);
            return r == null ? Result.CONTINUE : r;
        } catch (Throwable t) {
            ctx.failed(new CallbackFailure(toString(), reason, id, t));
            return Result.CLOSE;
        } finally {
            inCallback = prev;
            if (prev == null && state != State.CLOSED) {
                afterCallback();
            }
        }
    }

    Reason inCallback() {
        return inCallback;
    }

    void countIn(long n) {
        bytesIn += n;
    }

    /** Output: to the peer now while the socket takes it, else queued until a drain. */
    void send(long size, Runnable toPeer) {
        if (queued.isEmpty() && (inFlight == 0 || inFlight + size <= socketBuffer)) {
            inFlight += size;
            bytesOut += size;
            toPeer.run();
        } else {
            queued.add(new Out(size, toPeer));
        }
    }

    /** The peer read what had arrived: what waited goes out, as far as the socket takes it. */
    void flushToPeer() {
        inFlight = 0;
        while (!queued.isEmpty() && (inFlight == 0 || inFlight + queued.peek().size() <= socketBuffer)) {
            Out o = queued.poll();
            inFlight += o.size();
            bytesOut += o.size();
            o.toPeer().run();
        }
    }

    void wantWriteable() {
        if (state == State.OPEN) {
            wantWriteable = true;
        }
    }

    /** Lets the output reach the peer, then closes (in the loop's next turn, as the peer reads it). */
    void closeAfterFlush(String why) {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        wantWriteable = false;
        ctx.post(() -> {
            while (!queued.isEmpty()) {
                flushToPeer();
            }
            closeNow(why);
        });
    }

    /** Closes at once; the role's last callback runs. */
    void closeNow(String why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        cancelTimers();
        queued.clear();
        ctx.closed(this);
        ctx.log().info("closed %s: %s", this, why);
        try {
            onClosed(why);
        } finally {
            unbind();
            for (TestGroups.M m : new ArrayList<>(groupMembers)) {
                m.leave(); // as in the core: after CLOSED (the protocol may have left already)
            }
        }
    }

    private void cancelTimers() {
        if (userTimer != null) {
            userTimer.cancelled = true;
        }
        if (userTimeout != null) {
            userTimeout.cancelled = true;
        }
    }

    ConnectionInfo info() {
        TestBinding b = binding;
        return new ConnectionInfo(id, vhost.name(), b == null ? null : b.name(), role(), false, false,
                peer.getAddress().getHostAddress() + ":" + peer.getPort(), createdMillis, bytesIn, bytesOut,
                messagesIn, messagesOut);
    }

    void checkThread() {
        if (!ctx.isOwner()) {
            throw new IllegalStateException("connection " + id + " used off its service thread ("
                    + Thread.currentThread().getName() + "); use execute()");
        }
    }

    IllegalStateException unsupported(String what) {
        return new IllegalStateException(what + " is not available on a " + role() + " connection");
    }

    // ---- Connection --------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public boolean isClient() {
        return false;
    }

    @Override
    public TestContext context() {
        return ctx;
    }

    @Override
    public TestVhost vhost() {
        return vhost;
    }

    @Override
    public String protocolName() {
        return binding == null ? null : binding.name();
    }

    @Override
    public TestBinding protocolBinding() {
        return binding;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T session() {
        return (T) session;
    }

    @Override
    public InetSocketAddress peerAddress() {
        return peer;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    /** "HTTP/2" when the request it was opened with says so ({@link TestRequest#version}), else "HTTP/1.1". */
    @Override
    public String httpVersion() {
        TestRequest r = openedWith();
        return r != null && "HTTP/2".equals(r.version) ? "HTTP/2" : "HTTP/1.1";
    }

    /** The request this connection was opened with, or null (raw). */
    TestRequest openedWith() {
        return null;
    }

    @Override
    public boolean write(ByteBuffer data, org.lws4j.api.WriteMode mode) {
        return write(data, mode, true);
    }

    @Override
    public void requestWriteable() {
        checkThread();
        wantWriteable();
    }

    @Override
    public boolean sendPipeChoked() {
        checkThread();
        return !queued.isEmpty();
    }

    @Override
    public int responseStatus() {
        checkThread();
        return 0;
    }

    @Override
    public String responseHeader(String name) {
        checkThread();
        return null;
    }

    @Override
    public int httpClientRead() {
        checkThread();
        throw unsupported("httpClientRead");
    }

    @Override
    public void rxFlowControl(boolean receive) {
        checkThread();
        rxPaused = !receive;
        if (receive && !redeliveryPosted && state == State.OPEN) {
            redeliveryPosted = true;
            ctx.post(() -> {
                redeliveryPosted = false;
                if (state == State.OPEN && !rxPaused) {
                    resumeDelivery();
                }
            });
        }
    }

    @Override
    public boolean isFirstFragment() {
        checkThread();
        return false;
    }

    @Override
    public boolean isFinalFragment() {
        checkThread();
        return false;
    }

    @Override
    public boolean isBinary() {
        checkThread();
        return false;
    }

    @Override
    public long remainingPacketPayload() {
        checkThread();
        return 0;
    }

    @Override
    public void close(int code, String reason) {
        checkThread();
        closeByProtocol(code, reason);
    }

    @Override
    public void setTimeout(long millis) {
        checkThread();
        if (userTimeout != null) {
            userTimeout.cancelled = true;
            userTimeout = null;
        }
        if (millis <= 0) {
            return;
        }
        userTimeout = ctx.clock().schedule(TimeUnit.MILLISECONDS.toNanos(millis), () -> {
            if (state == State.CLOSED) {
                return;
            }
            ctx.log().info("%s: timeout set by protocol expired", this);
            closeByProtocol(1001, "timeout");
            if (state == State.OPEN) {
                closeAfterFlush("timeout set by protocol");
            }
        });
    }

    @Override
    public void setTimer(long delay, TimeUnit unit) {
        checkThread();
        if (userTimer != null) {
            userTimer.cancelled = true;
            userTimer = null;
        }
        if (delay < 0) {
            return;
        }
        userTimer = ctx.clock().schedule(unit.toNanos(delay), () -> {
            if (state == State.OPEN && call(Reason.TIMER, null) == Result.CLOSE) {
                closeByProtocol(1000, "");
            }
        });
    }

    @Override
    public List<String> extensions() {
        checkThread();
        return List.of();
    }

    @Override
    public boolean setExtensionOption(String extension, String option, String value) {
        checkThread();
        return false;
    }

    /**
     * Runs {@code task} on the service thread: in the loop's next turn when called from a
     * callback, at once when the test calls it between turns, at {@link TestContext#runTasks()}
     * when called from another thread; nothing happens if the connection has closed by then. A
     * task that throws closes the connection.
     */
    @Override
    public boolean execute(Runnable task) {
        if (state == State.CLOSED) {
            return false;
        }
        ctx.post(() -> {
            if (state != State.CLOSED) {
                try {
                    task.run();
                } catch (Throwable t) {
                    ctx.failed(new CallbackFailure(toString(), null, id, t));
                    closeNow("task threw " + t);
                }
            }
        });
        return true;
    }

    @Override
    public abstract Role role();

    @Override
    public String toString() {
        return "wsi#" + id + "(" + role() + ")";
    }
}
