package org.lws4j.testkit;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Scheduled;
import org.lws4j.api.VhostProtocol;

/**
 * A protocol bound on a {@link TestVhost}: lws's per-vhost protocol, from PROTOCOL_INIT to
 * PROTOCOL_DESTROY, with its pvo and per-vhost data. Its timed callbacks run on the virtual clock
 * ({@link TestContext#advance}); {@link #requestWriteableAll()} reaches its connections in the
 * loop's next turn, or at {@link TestContext#runTasks()} when another thread asked.
 */
public final class TestBinding implements VhostProtocol {
    private final TestVhost vhost;
    private final String name;
    private final Protocol protocol;
    private final Map<String, String> pvo;
    private final Set<TestConnection> connections = new LinkedHashSet<>();
    private final List<Reason> reasons = Collections.synchronizedList(new ArrayList<>());
    private volatile Object data;
    private volatile boolean live = true;

    TestBinding(TestVhost vhost, String name, Protocol protocol, Map<String, String> pvo) {
        this.vhost = vhost;
        this.name = name;
        this.protocol = protocol;
        this.pvo = pvo;
    }

    // ---- for the test ----------------------------------------------------------------------------

    /** Opens a WebSocket on {@code target} that names this protocol in Sec-WebSocket-Protocol. */
    public TestWebSocket openWebSocket(String target) {
        return vhost.openWebSocket(TestRequest.get(target).protocols(name));
    }

    /** Adopts a raw socket onto this protocol (RAW_ADOPT), as {@link #adopt} of a socket does. */
    public TestRaw adoptRawSocket() {
        vhost.context().checkOwner();
        TestRaw r = new TestRaw(this, false);
        vhost.context().turn(r::adopted);
        return r;
    }

    /** Adopts a raw file onto this protocol (RAW_ADOPT_FILE), as {@link #adoptStream} does. */
    public TestRaw adoptRawFile() {
        vhost.context().checkOwner();
        TestRaw r = new TestRaw(this, true);
        vhost.context().turn(r::adopted);
        return r;
    }

    /** The vhost callbacks delivered so far (PROTOCOL_INIT, USER, ...), in order. */
    public List<Reason> reasons() {
        synchronized (reasons) {
            return List.copyOf(reasons);
        }
    }

    /** True from PROTOCOL_INIT until the binding ends. */
    public boolean isLive() {
        return live;
    }

    /** The connections bound to it now, in the order they were opened. */
    public List<TestConnection> connections() {
        return List.copyOf(connections);
    }

    // ---- VhostProtocol ---------------------------------------------------------------------------

    @Override
    public TestVhost vhost() {
        return vhost;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public Map<String, String> options() {
        return pvo;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T data() {
        return (T) data;
    }

    @Override
    public void setData(Object d) {
        data = d;
    }

    /** The groups of this protocol on its vhost ({@link TestVhost#groups}). */
    @Override
    public TestGroups groups() {
        return vhost.groups(name);
    }

    @Override
    public void requestWriteableAll() {
        vhost.context().post(() -> {
            if (!live) {
                return;
            }
            for (TestConnection c : List.copyOf(connections)) {
                if (!c.isClosed()) {
                    c.wantWriteable();
                }
            }
        });
    }

    /**
     * Adopts {@code channel} as a raw connection of this protocol: a socket as RAW_ADOPT, anything
     * else as a raw file. The kit does not read the channel: play what arrives on it with
     * {@link TestRaw#send}. From another thread the adoption waits for {@link TestContext#runTasks()}.
     */
    @Override
    public TestRaw adopt(SelectableChannel channel) {
        return adoptLater(new TestRaw(this, !(channel instanceof SocketChannel)));
    }

    /**
     * Adopts a stream pair as a raw file of this protocol (RAW_ADOPT_FILE). The kit does not read
     * {@code in} nor write {@code out}: play what arrives with {@link TestRaw#send} and read what
     * the protocol writes with {@link TestRaw#received()}. From another thread the adoption waits
     * for {@link TestContext#runTasks()}.
     */
    @Override
    public TestRaw adoptStream(InputStream in, OutputStream out) {
        return adoptLater(new TestRaw(this, true));
    }

    private TestRaw adoptLater(TestRaw r) {
        TestContext ctx = vhost.context();
        if (ctx.isOwner()) {
            ctx.turn(r::adopted);
        } else {
            ctx.post(r::adopted);
        }
        return r;
    }

    /**
     * Calls back with USER and {@code tag} once the virtual clock has moved on by {@code delay};
     * cancelled when the binding ends. Thread-safe.
     */
    @Override
    public Scheduled timedCallback(Object tag, long delay, TimeUnit unit) {
        AtomicInteger state = new AtomicInteger(); // 0 pending, 1 ran, 2 cancelled
        TestContext ctx = vhost.context();
        VirtualClock.Timer t = ctx.clock().schedule(unit.toNanos(delay), () -> {
            if (live && state.compareAndSet(0, 1)) {
                callVhost(Reason.USER, tag);
            }
        });
        return () -> {
            boolean cancelled = state.compareAndSet(0, 2);
            if (cancelled) {
                t.cancelled = true;
            }
            return cancelled;
        };
    }

    @Override
    public String toString() {
        return name + "@" + vhost.name();
    }

    // ---- for the kit ---------------------------------------------------------------------------

    /** The receive piece size: pvo "rx-buffer-size" when set, else the protocol's; 4096 for 0. */
    int rxBufferSize() {
        String o = pvo.get("rx-buffer-size");
        if (o != null) {
            try {
                int v = Integer.parseInt(o.trim());
                if (v > 0) {
                    return v;
                }
            } catch (NumberFormatException ignored) {
                // a bad override falls back to the protocol's size
            }
        }
        int n = protocol.rxBufferSize();
        return n > 0 ? n : 4096;
    }

    Result callVhost(Reason reason, Object arg) {
        reasons.add(reason);
        try {
            Result r = protocol.vhostCallback(this, reason, arg);
            return r == null ? Result.CONTINUE : r;
        } catch (Throwable t) {
            vhost.context().failed(new CallbackFailure(toString(), reason, 0, t));
            return Result.CLOSE;
        }
    }

    void attach(TestConnection c) {
        connections.add(c);
    }

    void detach(TestConnection c) {
        connections.remove(c);
    }

    void end() {
        live = false;
    }
}
