package org.lws4j.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.LogLevel;
import org.lws4j.core.log.LogBuild;

/**
 * The byte side of a connection: moves bytes between its {@link Endpoint} and its
 * {@link WireHandler}, keeps what the socket could not take and what the role could not take yet
 * (flow control), and runs the close sequence. The connection (core's conn package) adds the meaning: the wsi
 * API, the protocol binding and the timers a protocol sets.
 *
 * <p>Closing has three steps: {@link #closeAfterFlush} lets queued output drain, then half-closes
 * and reads until the peer's FIN or a short linger timeout so a response is not lost to a reset;
 * {@link #closeNow} ends it at once and delivers the role's last callback. Everything here runs
 * on the connection's service thread.
 */
public abstract class Wire<H extends WireHandler> implements Selectable {
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int READS_PER_TURN = 4;
    /** WRITEABLEs one connection may get in a turn, its writes gathered ({@link #writeableSoonDue}). */
    private static final int WRITEABLES_PER_BATCH = 16;

    protected enum State { OPEN, FLUSHING, LINGER, CLOSED }

    protected final ServiceThread pt;
    protected final Endpoint ep;
    protected final java.nio.channels.SelectableChannel ch;
    private boolean connecting;
    /** A write failed: nothing more is sent; the close follows once no callback runs. */
    private boolean broken;
    private final OutputQueue out = new OutputQueue();
    private SelectionKey key;
    protected volatile H handler;
    protected volatile State state = State.OPEN;
    private String closeWhy;

    private boolean wantWriteable;
    /**
     * WRITEABLE was asked for while nothing was queued: it comes at the end of the loop's turn
     * ({@link ServiceThread#writeableSoon}) without arming OP_WRITE and selecting again.
     */
    private boolean writeableSoon;
    /**
     * The socket took less than it was given at the last write, and has not said it has room
     * since (OP_WRITE): a WRITEABLE waits for OP_WRITE, even with nothing queued here (a file
     * sent straight from its channel leaves nothing queued).
     */
    private boolean socketFull;
    /** Inside a batch of WRITEABLEs: sends gather in the thread's batch buffer ({@link #corked} bytes). */
    private boolean batching;
    private int corked;
    private boolean rxHeld;
    private boolean rxUserPaused;
    /** Reading paused because this connection's output (or its thread's) passed its bound. */
    private boolean rxOutputFull;
    private ByteBuffer stash;
    private boolean redeliveryPosted;

    private volatile long bytesIn;
    private volatile long bytesOut;
    private Timer roleTimer;
    /** When WRITEABLE was asked for, while a metrics service times it; 0 otherwise. */
    private long writeableAskedAt;

    protected Wire(ServiceThread pt, Endpoint ep) {
        this.pt = pt;
        this.ep = ep;
        this.ch = ep.channel();
    }

    /**
     * Registers with the thread's selector and starts {@code first}. On the service thread. An
     * endpoint without a channel (an HTTP/2 stream's) makes a virtual connection: nothing is
     * selected, its parent feeds it ({@link #deliver}, {@link #deliverEof}) and its endpoint wakes
     * it ({@link #writableFromBridge}); it is not one of the thread's connections.
     */
    public void register(H first) throws IOException {
        key = ch == null ? null : ch.register(pt.selector(), SelectionKey.OP_READ, this);
        handler = first;
        registered();
        ep.start();
        first.onStart();
        updateInterest();
    }

    /**
     * Registers a client socket whose connect is under way (or done, when {@code connected}):
     * the handler hears {@link WireHandler#onConnected()} or {@link WireHandler#onConnectFailed}.
     */
    public void registerConnecting(H first, boolean connected) throws IOException {
        handler = first;
        connecting = !connected;
        key = ch.register(pt.selector(), connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
        registered();
        if (connected) {
            connectedNow();
        }
    }

    /** A client connection that never got as far as connecting (name resolution failed, ...). */
    public void failBeforeConnect(H h, String why) {
        handler = h;
        h.onConnectFailed(why);
    }

    private void finishConnect() {
        try {
            if (!((SocketChannel) ch).finishConnect()) {
                return;
            }
        } catch (IOException e) {
            connecting = false;
            handler.onConnectFailed(e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        connectedNow();
    }

    private void connectedNow() {
        connecting = false;
        setRoleDeadline(0);
        try {
            ep.start();
        } catch (IOException e) {
            handler.onConnectFailed("TLS start failed: " + e.getMessage());
            return;
        }
        handler.onConnected();
        updateInterest();
    }

    /** True while a client connect is under way. */
    public boolean isConnecting() {
        return connecting;
    }

    /**
     * Bytes for a virtual connection, as a read would have brought them: to the handler now, or
     * kept behind bytes already held while reading is paused.
     */
    public void deliver(ByteBuffer in) {
        if (state != State.OPEN || !in.hasRemaining()) {
            return;
        }
        bytesIn += in.remaining();
        if (!rxEnabled() || stash != null) {
            boolean enabled = rxEnabled();
            keep(in);
            if (enabled) {
                rxHeld = false; // held bytes are on their way already: these follow them
                scheduleRedelivery();
            }
            return;
        }
        handler.onData(in);
        if (in.hasRemaining() && state != State.CLOSED) {
            keep(in);
        }
    }

    /** The end of a virtual connection's input, as a read of -1. */
    public void deliverEof() {
        if (state == State.LINGER || state == State.FLUSHING) {
            closeNow(closeWhy);
        } else if (state == State.OPEN) {
            handler.onEof();
        }
    }

    /** Bytes a virtual connection holds because its handler paused reading. */
    public int heldInput() {
        return stash == null ? 0 : stash.remaining();
    }

    /** The connection joined its thread's selector. */
    protected void registered() {
        if (ch != null) {
            pt.added(this);
        }
    }

    // ---- byte movement -------------------------------------------------------------------------

    @Override
    public void onSelected(SelectionKey k) {
        int ready = k.readyOps();
        if (connecting) {
            if ((ready & SelectionKey.OP_CONNECT) != 0) {
                finishConnect();
            }
            return;
        }
        if ((ready & SelectionKey.OP_WRITE) != 0 && state != State.CLOSED) {
            socketFull = false;
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
            } catch (Endpoint.ForeignBytesException e) {
                handler.onForeignBytes(e);
                closeNow("the peer does not speak the endpoint's protocol (" + e.getMessage() + ")");
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
            moved(n, 0);
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

    protected boolean rxEnabled() {
        return !rxHeld && !rxUserPaused && !rxOutputFull;
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

    protected void scheduleRedelivery() {
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
        } else if (ch == null && state == State.OPEN) {
            ep.heldInputTaken();
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
                long n = out.flush(ep);
                bytesOut += n;
                moved(0, n);
                pt.outputQueued(-n);
                if (rxOutputFull) {
                    outputDrained();
                }
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
            if (writeableAskedAt != 0) {
                writeableAnswered(System.nanoTime() - writeableAskedAt);
                writeableAskedAt = 0;
            }
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
        if (broken) {
            return false;
        }
        if (batching && out.isEmpty()) {
            ByteBuffer batch = pt.batchBuffer();
            long total = 0;
            for (ByteBuffer b : bufs) {
                total += b.remaining();
            }
            if (total <= batch.remaining()) {
                for (ByteBuffer b : bufs) {
                    batch.put(b);
                }
                corked += (int) total;
                return true;
            }
            uncork(); // what is gathered goes first, then these as ever
            if (state != State.OPEN || broken) {
                return false;
            }
        }
        return sendNow(bufs);
    }

    /** Writes what the socket takes now (nothing is queued ahead), the rest copied and queued. */
    private boolean sendNow(ByteBuffer... bufs) {
        if (out.isEmpty()) {
            try {
                long n = ep.write(bufs);
                bytesOut += n;
                moved(0, n);
            } catch (IOException e) {
                writeFailed("write failed: " + e.getMessage());
                return false;
            }
        }
        long before = out.bytes();
        for (ByteBuffer b : bufs) {
            if (b.hasRemaining()) {
                socketFull = true;
                break;
            }
        }
        out.addCopies(bufs);
        long added = out.bytes() - before;
        if (added > 0) {
            pt.outputQueued(added);
            if (!rxOutputFull && (out.bytes() > pt.maxOutputBuffer() || pt.overOutputBudget())) {
                // the peer does not read what it makes us send: stop reading it (TCP back-pressure)
                rxOutputFull = true;
                if (LogBuild.INFO && pt.log().enabled(LogLevel.INFO)) {
                    pt.log().log(LogLevel.INFO, "%s: %d bytes of output queued: reading paused until the peer takes them",
                            this, out.bytes());
                }
            }
        }
        updateInterest();
        return true;
    }

    /** Output left: reading resumes once this queue is down to half its bound and the thread is within budget, or empty. */
    private void outputDrained() {
        long q = out.bytes();
        if (q == 0 || (q <= pt.maxOutputBuffer() / 2 && !pt.overOutputBudget())) {
            rxOutputFull = false;
            scheduleRedelivery();
        }
    }

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code position} straight to the socket
     * (zero-copy), only when nothing else is queued. Returns the bytes sent, -1 if closed.
     */
    public long sendFile(FileChannel file, long position, long count) throws IOException {
        if (state != State.OPEN) {
            return -1;
        }
        uncork();
        if (!out.isEmpty() || ep.hasPendingOutput()) {
            return 0;
        }
        long n;
        try {
            n = file.transferTo(position, count, (java.nio.channels.WritableByteChannel) ch);
        } catch (IOException e) {
            closeNow("write failed: " + e.getMessage());
            return -1;
        }
        bytesOut += n;
        moved(0, n);
        if (n < count) {
            socketFull = true;
        }
        return n;
    }

    protected void updateInterest() {
        if (state == State.CLOSED || key == null || !key.isValid() || connecting) {
            return;
        }
        int ops = 0;
        if (state == State.LINGER || state == State.FLUSHING || rxEnabled()) {
            ops |= SelectionKey.OP_READ;
        }
        if ((!out.isEmpty() || ep.hasPendingOutput() || (wantWriteable && !writeableSoon && state == State.OPEN))
                && ep.selectsWrite()) {
            ops |= SelectionKey.OP_WRITE;
        }
        ops &= key.channel().validOps();
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
        uncork();
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
        if (!ep.lingers()) {
            closeNow(closeWhy);
            return;
        }
        setRoleDeadline(LINGER_NANOS);
        updateInterest();
    }

    /**
     * A write to the socket failed. Inside a protocol callback the close waits until the callback
     * returns (so CLOSED never runs nested in another callback); sends fail from now on.
     */
    protected void writeFailed(String why) {
        broken = true;
        closeNow(why);
    }

    /** Sends fail from now on (a write failed; the close is on its way). */
    protected void markBroken() {
        broken = true;
    }

    /** Closes at once; the role gets its last callback. Safe to call more than once. */
    public void closeNow(String why) {
        if (state == State.CLOSED) {
            return;
        }
        uncork();
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
        pt.outputQueued(-out.bytes());
        out.clear();
        stash = null;
        closed(why);
    }

    /** Bytes just read from ({@code in}) or written to ({@code out}) the socket: for metrics. */
    protected void moved(long in, long out) {
    }

    /** A WRITEABLE asked for {@code nanos} ago is being delivered (only while a metrics service is installed). */
    protected void writeableAnswered(long nanos) {
    }

    /** The socket is closed: the connection's own last steps (timers, callbacks, accounting). */
    protected abstract void closed(String why);

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

    protected void cancel(Timer t) {
        if (t != null) {
            pt.timers().cancel(t);
        }
    }

    // ---- flags the protocol's calls set ------------------------------------------------------

    /** Asks for the role's onWriteable once the socket can take more. */
    protected void wantWriteable() {
        if (state == State.OPEN) {
            if (!wantWriteable && writeableAskedAt == 0 && pt.metrics() != null) {
                writeableAskedAt = System.nanoTime();
            }
            wantWriteable = true;
            if (!ep.selectsWrite()) {
                updateInterest();
                pt.execute(this::writableFromBridge); // no OP_WRITE to wait for: try at once
                return;
            }
            if (!writeableSoon && !socketFull && key != null && !connecting && out.isEmpty() && !ep.hasPendingOutput()) {
                // nothing of ours waits for the socket, so it takes more now (lws asks poll() for
                // POLLOUT, which an emptied socket answers at once): this turn's end delivers it
                // without two interest changes and another select; a write that does not fit
                // queues, and the next WRITEABLE waits for OP_WRITE as ever
                writeableSoon = true;
                pt.writeableSoon(this);
                return;
            }
            updateInterest();
        }
    }

    /**
     * The end of the turn in which WRITEABLE was asked for with nothing queued: delivered now. A
     * role that batches gets WRITEABLE again while it asks for it, up to
     * {@link #WRITEABLES_PER_BATCH} times and as long as its writes fit the thread's batch buffer;
     * they leave in one write. Each callback still may write only what one WRITEABLE allows, and
     * each is given only when that write can be taken without waiting (the buffer has room), so
     * lws's discipline holds while a member behind by ten messages costs one system call, not ten.
     */
    void writeableSoonDue() {
        writeableSoon = false;
        if (state == State.CLOSED) {
            return;
        }
        if (wantWriteable && state == State.OPEN && !socketFull && out.isEmpty() && !ep.hasPendingOutput()) {
            if (!handler.batchesWriteable() || !(ep instanceof PlainEndpoint)) {
                handleWritable();
            } else {
                batching = true;
                pt.batchBuffer().clear();
                try {
                    for (int i = 0; i < WRITEABLES_PER_BATCH; i++) {
                        batching = true; // again after a write too big for the buffer went out
                        wantWriteable = false;
                        if (writeableAskedAt != 0) {
                            writeableAnswered(System.nanoTime() - writeableAskedAt);
                            writeableAskedAt = 0;
                        }
                        handler.onWriteable();
                        if (!wantWriteable || state != State.OPEN || !out.isEmpty()
                                || pt.batchBuffer().remaining() < pt.batchBuffer().capacity() / 4) {
                            break;
                        }
                    }
                } finally {
                    uncork();
                }
            }
        }
        updateInterest();
    }

    /** Ends a batch: what it gathered goes to the socket (the rest is queued). */
    private void uncork() {
        if (!batching) {
            return;
        }
        batching = false;
        if (corked == 0) {
            return;
        }
        corked = 0;
        ByteBuffer batch = pt.batchBuffer();
        batch.flip();
        // a batch only runs while OPEN, and every close uncorks before it changes the state, so
        // the protocol's last frames go out ahead of a close; after a failed write they are lost
        // with the rest
        if (state == State.OPEN && !broken) {
            sendNow(batch);
        }
        batch.clear();
    }

    /** The protocol's rx flow control: false stops reading, true resumes (held bytes first). */
    protected void setUserRx(boolean receive) {
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

    /** Bytes queued and not yet taken by the socket (a batch's gathered bytes included). */
    public long queuedBytes() {
        return out.bytes() + corked;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /** The endpoint under this connection (plain or TLS). */
    public Endpoint endpoint() {
        return ep;
    }

    /** True when files may go to the socket with zero-copy transfer. */
    public boolean canSendFiles() {
        return ep.canTransferFiles();
    }

    public ServiceThread thread() {
        return pt;
    }

    public H handler() {
        return handler;
    }

    /**
     * For endpoints that cannot be selected for writing (bridged streams): their writer has room
     * again. Runs what OP_WRITE would have run.
     */
    public void writableFromBridge() {
        if (state != State.CLOSED) {
            handleWritable();
            updateInterest();
        }
    }

    /** Makes {@code h} the role (an upgrade) and starts it. */
    public void setHandler(H h) {
        handler = h;
        h.onStart();
    }

    /**
     * Writes {@code bytes} straight to the channel, around the endpoint (no TLS record): for the
     * one plain answer a role may give to a peer that does not speak the endpoint's protocol.
     */
    public void sendAroundEndpoint(ByteBuffer bytes) {
        uncork();
        try {
            ((java.nio.channels.WritableByteChannel) ch).write(bytes);
        } catch (IOException | ClassCastException ignored) {
            // closing anyway
        }
    }
}
