package org.lws4j.core.conn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.Connection;
import org.lws4j.api.Context;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Role;
import org.lws4j.api.Vhost;
import org.lws4j.api.WriteMode;
import org.lws4j.core.log.LogBuild;
import org.lws4j.core.loop.Endpoint;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.loop.Timer;
import org.lws4j.core.loop.Wire;
import org.lws4j.spi.metrics.MetricsSink;

/**
 * A connection: lws's wsi. The byte side is {@link Wire}'s; this adds the meaning: the API a
 * protocol calls, its binding to a protocol and session, and the timers a protocol sets. Lives
 * on one service thread; only {@link #id()} and {@link #execute} may be called from elsewhere.
 */
public final class ConnectionImpl extends Wire<RoleHandler> implements Connection {
    private final long id;
    private final ConnectionHost host;
    private InetSocketAddress peer;
    private InetSocketAddress local;
    private final boolean client;
    private final long createdMillis = System.currentTimeMillis();
    // written on the connection's own thread only, read by snapshots from any thread
    private volatile long messagesIn;
    private volatile long messagesOut;
    private Vhost vhost;
    private Binding binding;
    private Object session;
    private Reason inCallback;
    /** Its broadcast group memberships: left when it closes. */
    private Runnable groupHook;
    private Timer userTimeout;
    private Timer userTimer;
    private boolean onThread;
    /** The default vhost of the port this came in on: its metrics label until a request picks one. */
    private String portVhost;

    public ConnectionImpl(long id, ServiceThread pt, ConnectionHost host, Endpoint ep) {
        this(id, pt, host, ep, false, null);
    }

    /** A connection this side opens ({@code client}), whose peer is {@code target} until connected. */
    public ConnectionImpl(long id, ServiceThread pt, ConnectionHost host, Endpoint ep, boolean client,
                          InetSocketAddress target) {
        super(pt, ep);
        this.id = id;
        this.host = host;
        this.client = client;
        this.peer = target;
    }

    private String closeAfterCallback;

    @Override
    protected void writeFailed(String why) {
        if (inCallback != null) {
            markBroken();
            closeAfterCallback = why;
        } else {
            super.writeFailed(why);
        }
    }

    @Override
    protected void registered() {
        super.registered();
        onThread = true;
        host.connectionOpened(this);
    }

    /** The connections on {@code pt} now (its thread only). */
    public static List<ConnectionImpl> on(ServiceThread pt) {
        List<ConnectionImpl> l = new java.util.ArrayList<>();
        for (Wire<?> w : pt.connections()) {
            if (w instanceof ConnectionImpl c) {
                l.add(c);
            }
        }
        return l;
    }

    /** The connections on {@code pt} now and the streams multiplexed on them (its thread only). */
    public static List<ConnectionImpl> withStreamsOn(ServiceThread pt) {
        List<ConnectionImpl> l = new java.util.ArrayList<>();
        for (ConnectionImpl c : on(pt)) {
            l.add(c);
            RoleHandler h = c.handler();
            if (h != null) {
                l.addAll(h.streams());
            }
        }
        return l;
    }

    /** A snapshot for status pages and commands; safe to take from any thread (values may lag). */
    public org.lws4j.api.ConnectionInfo info() {
        Vhost v = vhost;
        Binding b = binding;
        RoleHandler h = handler;
        InetSocketAddress p = peer != null ? peer : ep.remote();
        String peerText = p == null ? null : (p.getAddress() == null ? p.getHostString() : p.getAddress().getHostAddress()) + ":" + p.getPort();
        return new org.lws4j.api.ConnectionInfo(id, v == null ? null : v.name(), b == null ? null : b.name(),
                h == null ? Role.HTTP : h.role(), client, ep.isSecure(), peerText, createdMillis, bytesIn(), bytesOut(), messagesIn, messagesOut);
    }

    /** A WebSocket data message arrived whole (its final piece was delivered). */
    public void countMessageIn() {
        messagesIn++;
        MetricsSink m = pt.metrics();
        if (m != null) {
            m.wsMessage(metricsVhost(), protocolName(), true);
        }
    }

    /** A WebSocket data message went out whole (its final frame was taken). */
    public void countMessageOut() {
        messagesOut++;
        MetricsSink m = pt.metrics();
        if (m != null) {
            m.wsMessage(metricsVhost(), protocolName(), false);
        }
    }

    /** The port's default vhost, the metrics label of a connection no request has routed yet. */
    public void setPortVhost(String name) {
        portVhost = name;
    }

    /** The vhost metrics count this connection's events under: its request's, else its port's default. */
    public String metricsVhost() {
        Vhost v = vhost;
        return v != null ? v.name() : portVhost;
    }

    @Override
    protected void moved(long in, long out) {
        MetricsSink m = pt.metrics();
        if (m != null) {
            m.bytes(metricsVhost(), protocolName(), in, out);
        }
    }

    @Override
    protected void writeableAnswered(long nanos) {
        MetricsSink m = pt.metrics();
        if (m != null) {
            m.writeable(metricsVhost(), protocolName(), nanos);
        }
    }

    @Override
    protected void closed(String why) {
        cancel(userTimeout);
        cancel(userTimer);
        if (onThread) {
            pt.removed(this);
        } else {
            pt.releaseSlot(); // a client that never got as far as its thread's selector
        }
        if (LogBuild.INFO && host().log().enabled(LogLevel.INFO)) {
            log(LogLevel.INFO, "closed %s: %s", this, why);
        }
        try {
            handler.onClosed(why);
        } finally {
            unbindProtocol();
            Runnable groups = groupHook;
            if (groups != null) {
                groupHook = null;
                groups.run(); // it leaves its broadcast groups (after CLOSED: the protocol may leave first)
            }
            host.connectionClosed(this);
        }
    }

    /** The connection's broadcast group memberships (core.group's), or null; on its thread. */
    public Runnable groupHook() {
        return groupHook;
    }

    /** Sets what runs when the connection closes to leave its groups; on its thread. */
    public void setGroupHook(Runnable r) {
        groupHook = r;
    }

    // ---- protocol binding ----------------------------------------------------------------------

    public void setVhost(Vhost v) {
        vhost = v;
    }

    /** The vhost serving the connection now (its request's), or null before one is chosen. */
    public Vhost vhostNow() {
        return vhost;
    }

    public Binding binding() {
        return binding;
    }

    /** Binds the connection to {@code b} and makes its session. */
    public void bindProtocol(Binding b) {
        unbindProtocol();
        binding = b;
        b.attach(this);
        try {
            session = b.protocol().newSession(this);
        } catch (RuntimeException e) {
            log(LogLevel.ERR, "protocol %s: newSession failed: %s", b.name(), e);
            session = null;
        }
    }

    /** Binds {@code b} with a session made already (a {@link org.lws4j.api.WsRouter}'s answer). */
    public void bindProtocol(Binding b, Object madeSession) {
        unbindProtocol();
        binding = b;
        b.attach(this);
        session = madeSession;
    }

    /**
     * What the protocol set on the connection is dropped (its timers, its rx flow control): for a
     * connection parked over an update, whose next instance starts clean.
     */
    public void forgetProtocolState() {
        cancel(userTimeout);
        cancel(userTimer);
        setUserRx(true);
    }

    /**
     * The session of this connection as plain data, from the instance it is bound to (its last
     * call for it); null when it has none to give or fails (logged).
     */
    public org.lws4j.api.HandoffState exportSession(org.lws4j.api.Handoff h) {
        try {
            return h.exportSession(this);
        } catch (RuntimeException | LinkageError e) {
            log(LogLevel.ERR, "protocol %s: exportSession failed on %s: %s", protocolName(), this, e);
            return null;
        }
    }

    /** The new instance, bound already, takes the session; false when it refuses or fails (logged). */
    public boolean importSession(org.lws4j.api.Handoff h, org.lws4j.api.HandoffState state) {
        try {
            return h.importSession(this, state);
        } catch (RuntimeException | LinkageError e) {
            log(LogLevel.ERR, "protocol %s: importSession failed on %s: %s", protocolName(), this, e);
            return false;
        }
    }

    /** Drops the binding and the session, without callbacks. */
    public void unbindProtocol() {
        if (binding != null) {
            binding.detach(this);
            binding = null;
        }
        session = null;
    }

    /** CLIENT_CONNECTION_ERROR for a client that never got going, {@code why} as its text (lws's in). */
    public void callConnectionError(String why) {
        call(Reason.CLIENT_CONNECTION_ERROR, ByteBuffer.wrap(why.getBytes(StandardCharsets.UTF_8)));
    }

    /** A client attempt failed: CLIENT_CONNECTION_ERROR, then unbound and closed at once. */
    public void failClient(String what, String why) {
        callConnectionError(why);
        unbindProtocol();
        closeNow(what + ": " + why);
    }

    /**
     * Calls the bound protocol; an exception counts as CLOSE. Returns CONTINUE when unbound.
     * Tracks which callback is running so writes can be checked against it.
     */
    public Result call(Reason reason, ByteBuffer in) {
        Binding b = binding;
        if (b == null) {
            return Result.CONTINUE;
        }
        Reason prev = inCallback;
        inCallback = reason;
        try {
            Result r = b.protocol().callback(this, reason, in == null ? ByteBuffer.allocate(0) : in);
            return r == null ? Result.CONTINUE : r;
        } catch (Throwable t) {
            log(LogLevel.ERR, "protocol %s threw from %s on %s: %s", b.name(), reason, this, t);
            return Result.CLOSE;
        } finally {
            inCallback = prev;
            if (prev == null && state != State.CLOSED) {
                if (closeAfterCallback != null) {
                    closeNow(closeAfterCallback);
                } else {
                    handler.afterCallback();
                }
            }
        }
    }

    /** The callback running now on this connection, or null. */
    public Reason inCallback() {
        return inCallback;
    }

    public void log(LogLevel level, String fmt, Object... args) {
        host.log().log(level, fmt, args);
    }

    public ConnectionHost host() {
        return host;
    }

    public long createdMillis() {
        return createdMillis;
    }

    private void checkThread() {
        if (!pt.isOwner()) {
            throw new IllegalStateException("connection " + id + " used off its service thread ("
                    + Thread.currentThread().getName() + "); use execute()");
        }
    }

    @Override
    public String toString() {
        InetSocketAddress p = peer != null ? peer : ep.remote();
        peer = p;
        return "wsi#" + id + "(" + (p == null ? "-" : (p.getAddress() == null ? p.getHostString() : p.getAddress().getHostAddress())
                + ":" + p.getPort()) + ")";
    }

    // ---- the API -------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public Role role() {
        return handler.role();
    }

    @Override
    public boolean isClient() {
        return client;
    }

    @Override
    public Context context() {
        return host.context();
    }

    @Override
    public Vhost vhost() {
        return vhost;
    }

    @Override
    public String protocolName() {
        return binding == null ? null : binding.name();
    }

    @Override
    public org.lws4j.api.VhostProtocol protocolBinding() {
        return binding;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T session() {
        return (T) session;
    }

    @Override
    public InetSocketAddress peerAddress() {
        InetSocketAddress p = ep.remote();
        return p != null ? (peer = p) : peer;
    }

    @Override
    public InetSocketAddress localAddress() {
        if (local == null) {
            local = ep.local();
        }
        return local;
    }

    @Override
    public boolean isSecure() {
        return ep.isSecure();
    }

    @Override
    public String httpVersion() {
        return ep.isStream() ? "HTTP/2" : "HTTP/1.1";
    }


    @Override
    public HttpRequest request() {
        checkThread();
        return handler.request();
    }

    @Override
    public boolean write(ByteBuffer data, WriteMode mode) {
        return write(data, mode, true);
    }

    @Override
    public boolean write(ByteBuffer data, WriteMode mode, boolean fin) {
        checkThread();
        if (state != State.OPEN) {
            return false;
        }
        return handler.write(data, mode, fin);
    }

    @Override
    public void writeHttpHeaders(HttpResponse response) {
        checkThread();
        handler.writeHttpHeaders(response);
    }

    @Override
    public void respond(HttpResponse response, ByteBuffer body) {
        checkThread();
        handler.respond(response, body);
    }

    @Override
    public void respondStatus(int status, String message) {
        checkThread();
        handler.respondStatus(status, message);
    }

    @Override
    public int responseStatus() {
        checkThread();
        return handler.responseStatus();
    }

    @Override
    public String responseHeader(String name) {
        checkThread();
        return handler.responseHeader(name);
    }

    @Override
    public int httpClientRead() {
        checkThread();
        return handler.httpClientRead();
    }

    @Override
    public void redirect(int status, String location) {
        checkThread();
        handler.redirect(status, location);
    }

    @Override
    public void requestWriteable() {
        checkThread();
        wantWriteable();
    }

    @Override
    public boolean sendPipeChoked() {
        checkThread();
        return queuedBytes() > 0 || ep.hasPendingOutput();
    }

    @Override
    public void rxFlowControl(boolean receive) {
        checkThread();
        setUserRx(receive);
    }

    @Override
    public boolean isFirstFragment() {
        checkThread();
        return handler.isFirstFragment();
    }

    @Override
    public boolean isFinalFragment() {
        checkThread();
        return handler.isFinalFragment();
    }

    @Override
    public boolean isBinary() {
        checkThread();
        return handler.isBinary();
    }

    @Override
    public long remainingPacketPayload() {
        checkThread();
        return handler.remainingPacketPayload();
    }

    @Override
    public void close(int code, String reason) {
        checkThread();
        handler.close(code, reason);
    }

    @Override
    public void setTimeout(long millis) {
        checkThread();
        if (millis <= 0) {
            cancel(userTimeout);
            return;
        }
        if (userTimeout == null) {
            userTimeout = new Timer(() -> {
                log(LogLevel.INFO, "%s: timeout set by protocol expired", this);
                handler.close(1001, "timeout");
                if (state == State.OPEN) {
                    closeAfterFlush("timeout set by protocol");
                }
            });
        }
        pt.timers().schedule(userTimeout, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Override
    public void setTimer(long delay, TimeUnit unit) {
        checkThread();
        if (delay < 0) {
            cancel(userTimer);
            return;
        }
        if (userTimer == null) {
            userTimer = new Timer(() -> {
                if (state == State.OPEN && call(Reason.TIMER, null) == Result.CLOSE) {
                    handler.close(1000, "");
                }
            });
        }
        pt.timers().schedule(userTimer, System.nanoTime() + unit.toNanos(delay));
    }

    @Override
    public List<String> extensions() {
        checkThread();
        return handler.extensions();
    }

    @Override
    public boolean setExtensionOption(String extension, String option, String value) {
        checkThread();
        return handler.setExtensionOption(extension, option, value);
    }

    @Override
    public boolean execute(Runnable task) {
        if (state == State.CLOSED) {
            return false;
        }
        pt.execute(() -> {
            if (state != State.CLOSED) {
                try {
                    task.run();
                } catch (Throwable t) {
                    // as for callbacks: the connection ends, nothing else does
                    log(LogLevel.ERR, "%s: a task given to execute() threw %s; closing", this, t);
                    closeNow("task threw " + t);
                }
            }
        });
        return true;
    }
}
