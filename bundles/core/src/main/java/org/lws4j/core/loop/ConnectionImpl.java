package org.lws4j.core.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
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
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.core.vhost.VhostProtocolImpl;

/**
 * A connection: lws's wsi. It owns the socket, moves bytes in and out, keeps what the socket
 * could not take, runs the timers and the protocol binding, and hands meaning to its
 * {@link RoleHandler}. Lives on one service thread; only {@link #id()} and {@link #execute} may be
 * called from elsewhere.
 *
 * <p>Closing has three steps: {@link #closeAfterFlush} lets queued output drain, then half-closes
 * and reads until the peer's FIN or a short linger timeout so a response is not lost to a reset;
 * {@link #closeNow} ends it at once and delivers the role's last callback.
 */
public final class ConnectionImpl implements Connection, Selectable {
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int READS_PER_TURN = 4;

    private enum State { OPEN, FLUSHING, LINGER, CLOSED }

    private final long id;
    private final ServiceThread pt;
    private final ConnectionHost host;
    private final Endpoint ep;
    private final SocketChannel ch;
    private final InetSocketAddress peer;
    private final InetSocketAddress local;
    private final long createdMillis = System.currentTimeMillis();
    private final OutputQueue out = new OutputQueue();
    private SelectionKey key;
    private RoleHandler handler;
    private VhostImpl vhost;
    private VhostProtocolImpl binding;
    private Object session;
    private volatile State state = State.OPEN;
    private String closeWhy;

    private boolean wantWriteable;
    private boolean rxHeld;
    private boolean rxUserPaused;
    private ByteBuffer stash;
    private boolean redeliveryPosted;
    private Reason inCallback;

    private long bytesIn;
    private long bytesOut;

    private Timer roleTimer;
    private Timer userTimeout;
    private Timer userTimer;

    public ConnectionImpl(long id, ServiceThread pt, ConnectionHost host, Endpoint ep) throws IOException {
        this.id = id;
        this.pt = pt;
        this.host = host;
        this.ep = ep;
        this.ch = ep.socket();
        this.peer = (InetSocketAddress) ch.getRemoteAddress();
        this.local = (InetSocketAddress) ch.getLocalAddress();
    }

    /** Registers with the thread's selector and starts {@code first}. On the service thread. */
    public void register(RoleHandler first) throws IOException {
        key = ch.register(pt.selector(), SelectionKey.OP_READ, this);
        pt.added(this);
        handler = first;
        first.onStart();
    }

    // ---- byte movement -------------------------------------------------------------------------

    @Override
    public void onSelected(SelectionKey k) {
        int ready = k.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0 && state != State.CLOSED) {
            handleWritable();
        }
        if ((ready & SelectionKey.OP_READ) != 0 && state != State.CLOSED) {
            handleReadable();
        }
        updateInterest();
    }

    private void handleReadable() {
        ByteBuffer buf = pt.readBuffer();
        for (int i = 0; i < READS_PER_TURN && state != State.CLOSED && (rxEnabled() || closing()); i++) {
            buf.clear();
            int n;
            try {
                n = ep.read(buf);
            } catch (org.lws4j.core.tls.TlsEndpoint.NotTlsException e) {
                notTls(e);
                return;
            } catch (IOException e) {
                closeNow("read failed: " + e.getMessage());
                return;
            }
            if (n < 0) {
                if (state == State.LINGER || state == State.FLUSHING) {
                    closeNow(closeWhy);
                } else {
                    handler.onEof();
                }
                return;
            }
            if (n == 0) {
                return;
            }
            bytesIn += n;
            buf.flip();
            if (state == State.LINGER || state == State.FLUSHING) {
                continue; // discarding until the peer's FIN
            }
            handler.onData(buf);
            if (buf.hasRemaining() && state != State.CLOSED) {
                keep(buf);
                return;
            }
            if (n < buf.capacity()) {
                return;
            }
        }
        if (state == State.OPEN && rxEnabled() && ep.hasBufferedInput()) {
            pt.execute(this::handleReadable); // a fair share per turn; the rest next turn
        }
    }

    private void keep(ByteBuffer rest) {
        ByteBuffer copy;
        if (stash != null && stash.hasRemaining()) {
            copy = ByteBuffer.allocate(stash.remaining() + rest.remaining());
            copy.put(stash).put(rest).flip();
        } else {
            copy = ByteBuffer.allocate(rest.remaining());
            copy.put(rest).flip();
        }
        stash = copy;
        if (!rxHeld && !rxUserPaused) {
            // the handler left bytes without pausing: hold them until it asks for more
            rxHeld = true;
        }
        updateInterest();
    }

    private boolean rxEnabled() {
        return !rxHeld && !rxUserPaused;
    }

    /** Flushing or lingering toward a close: input is read and dropped until the peer's FIN. */
    private boolean closing() {
        return state == State.FLUSHING || state == State.LINGER;
    }

    /** The role stops reading (the protocol's flow control is separate). */
    public void holdRx() {
        rxHeld = true;
        updateInterest();
    }

    /** The role reads again; bytes it left behind are offered first, from a fresh loop turn. */
    public void resumeRx() {
        rxHeld = false;
        scheduleRedelivery();
        updateInterest();
    }

    private void scheduleRedelivery() {
        if (!redeliveryPosted && state == State.OPEN) {
            redeliveryPosted = true;
            pt.execute(this::redeliver);
        }
    }

    private void redeliver() {
        redeliveryPosted = false;
        if (state != State.OPEN || !rxEnabled()) {
            return;
        }
        handler.onRxResumed();
        if (state != State.OPEN || !rxEnabled()) {
            return;
        }
        if (stash == null) {
            if (ep.hasBufferedInput()) {
                handleReadable(); // TLS may hold decrypted input no socket event will announce
            }
            return;
        }
        ByteBuffer b = stash;
        stash = null;
        handler.onData(b);
        if (b.hasRemaining() && state != State.CLOSED) {
            stash = b;
            if (rxEnabled()) {
                rxHeld = true;
            }
        }
        updateInterest();
    }

    private void handleWritable() {
        try {
            if (!ep.flush()) {
                return;
            }
            if (ep.hasBufferedInput() && state != State.CLOSED && (rxEnabled() || closing())) {
                handleReadable(); // the endpoint's own traffic may have freed input it holds
                if (state == State.CLOSED) {
                    return;
                }
            }
            if (!out.isEmpty()) {
                bytesOut += out.flush(ep);
                if (!out.isEmpty() || !ep.flush()) {
                    return;
                }
            }
        } catch (IOException e) {
            closeNow("write failed: " + e.getMessage());
            return;
        }
        if (state == State.FLUSHING) {
            halfClose();
            return;
        }
        if (wantWriteable && state == State.OPEN) {
            wantWriteable = false;
            handler.onWriteable();
        }
        updateInterest();
    }

    /**
     * Sends the buffers, in order: as much as the socket takes now, the rest copied and queued.
     * Returns false when the connection no longer sends.
     */
    public boolean send(ByteBuffer... bufs) {
        if (state != State.OPEN) {
            return false;
        }
        if (out.isEmpty()) {
            try {
                bytesOut += ep.write(bufs);
            } catch (IOException e) {
                closeNow("write failed: " + e.getMessage());
                return false;
            }
        }
        out.addCopies(bufs);
        updateInterest();
        return true;
    }

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code position} straight to the socket
     * (zero-copy), only when nothing else is queued. Returns the bytes sent, -1 if closed.
     */
    public long sendFile(FileChannel file, long position, long count) throws IOException {
        if (state != State.OPEN) {
            return -1;
        }
        if (!out.isEmpty() || ep.hasPendingOutput()) {
            return 0;
        }
        long n;
        try {
            n = file.transferTo(position, count, ch);
        } catch (IOException e) {
            closeNow("write failed: " + e.getMessage());
            return -1;
        }
        bytesOut += n;
        return n;
    }

    private void updateInterest() {
        if (state == State.CLOSED || key == null || !key.isValid()) {
            return;
        }
        int ops = 0;
        if (state == State.LINGER || state == State.FLUSHING || rxEnabled()) {
            ops |= SelectionKey.OP_READ;
        }
        if (!out.isEmpty() || ep.hasPendingOutput() || (wantWriteable && state == State.OPEN)) {
            ops |= SelectionKey.OP_WRITE;
        }
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    // ---- closing -------------------------------------------------------------------------------

    /** Lets queued output drain, then half-closes and lingers; the role's last callback comes at the end. */
    public void closeAfterFlush(String why) {
        if (state != State.OPEN) {
            return;
        }
        closeWhy = why;
        state = State.FLUSHING;
        wantWriteable = false;
        stash = null; // nothing more will be parsed
        if (out.isEmpty()) {
            halfClose();
        } else {
            setRoleDeadline(LINGER_NANOS * 5);
            updateInterest();
        }
    }

    private void halfClose() {
        state = State.LINGER;
        try {
            ep.shutdownOutput();
        } catch (IOException e) {
            closeNow(closeWhy);
            return;
        }
        setRoleDeadline(LINGER_NANOS);
        updateInterest();
    }

    /** Closes at once; the role gets its last callback. Safe to call more than once. */
    public void closeNow(String why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (key != null) {
            key.cancel();
        }
        try {
            ep.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
        cancel(roleTimer);
        cancel(userTimeout);
        cancel(userTimer);
        out.clear();
        stash = null;
        pt.removed(this);
        log(LogLevel.INFO, "closed %s: %s", this, why);
        try {
            handler.onClosed(why);
        } finally {
            unbindProtocol();
            host.connectionClosed(this);
        }
    }

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /** True while the connection may still send (not flushing toward a close). */
    public boolean isOpen() {
        return state == State.OPEN;
    }

    // ---- timers --------------------------------------------------------------------------------

    /** Sets the role's deadline {@code nanos} from now (0 cancels); the handler hears onRoleTimeout. */
    public void setRoleDeadline(long nanos) {
        if (nanos <= 0) {
            cancel(roleTimer);
            return;
        }
        if (roleTimer == null) {
            roleTimer = new Timer(() -> {
                if (state == State.LINGER || state == State.FLUSHING) {
                    closeNow(closeWhy);
                } else if (state == State.OPEN) {
                    handler.onRoleTimeout();
                }
            });
        }
        pt.timers().schedule(roleTimer, System.nanoTime() + nanos);
    }

    private void cancel(Timer t) {
        if (t != null) {
            pt.timers().cancel(t);
        }
    }

    // ---- protocol binding ----------------------------------------------------------------------

    public void setHandler(RoleHandler h) {
        handler = h;
        h.onStart();
    }

    public RoleHandler handler() {
        return handler;
    }

    public void setVhost(VhostImpl v) {
        vhost = v;
    }

    public VhostImpl vhostImpl() {
        return vhost;
    }

    public VhostProtocolImpl binding() {
        return binding;
    }

    /** Binds the connection to {@code b} and makes its session. */
    public void bindProtocol(VhostProtocolImpl b) {
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

    /** Drops the binding and the session, without callbacks. */
    public void unbindProtocol() {
        if (binding != null) {
            binding.detach(this);
            binding = null;
        }
        session = null;
    }

    /**
     * Calls the bound protocol; an exception counts as CLOSE. Returns CONTINUE when unbound.
     * Tracks which callback is running so writes can be checked against it.
     */
    public Result call(Reason reason, ByteBuffer in) {
        VhostProtocolImpl b = binding;
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
                handler.afterCallback();
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

    public ServiceThread thread() {
        return pt;
    }

    public ConnectionHost host() {
        return host;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
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
        return "wsi#" + id + "(" + (peer == null ? "?" : peer.getAddress().getHostAddress() + ":" + peer.getPort()) + ")";
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
        return false;
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
        return peer;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean isSecure() {
        return ep.isSecure();
    }

    /** The endpoint under this connection (plain or TLS). */
    public Endpoint endpoint() {
        return ep;
    }

    /** True when files may go to the socket with zero-copy transfer. */
    public boolean canSendFiles() {
        return ep.canTransferFiles();
    }

    /** Plain bytes on a TLS port: a plain request gets a plain 400 saying so; noise is dropped. */
    private void notTls(org.lws4j.core.tls.TlsEndpoint.NotTlsException e) {
        if (e.looksLikeHttp()) {
            String body = "This port speaks TLS: use https://\n";
            String resp = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body;
            try {
                ch.write(ByteBuffer.wrap(resp.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        closeNow("plain bytes on a TLS port (" + e.getMessage() + ")");
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
    public void redirect(int status, String location) {
        checkThread();
        handler.redirect(status, location);
    }

    @Override
    public void requestWriteable() {
        checkThread();
        if (state == State.OPEN) {
            wantWriteable = true;
            updateInterest();
        }
    }

    /** Same as {@link #requestWriteable()} for core code that is known to be on the thread. */
    void wantWriteable() {
        if (state == State.OPEN) {
            wantWriteable = true;
            updateInterest();
        }
    }

    @Override
    public boolean sendPipeChoked() {
        checkThread();
        return !out.isEmpty();
    }

    /** Bytes queued and not yet taken by the socket. */
    public long queuedBytes() {
        return out.bytes();
    }

    @Override
    public void rxFlowControl(boolean receive) {
        checkThread();
        rxUserPaused = !receive;
        if (receive) {
            scheduleRedelivery();
        }
        updateInterest();
    }

    /** True while the protocol has stopped reading with rxFlowControl(false). */
    public boolean rxUserPaused() {
        return rxUserPaused;
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
                task.run();
            }
        });
        return true;
    }
}
