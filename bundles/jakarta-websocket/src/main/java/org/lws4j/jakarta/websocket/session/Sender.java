package org.lws4j.jakarta.websocket.session;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.lws4j.api.Connection;
import org.lws4j.api.WriteMode;

/**
 * A session's way out: offers messages to its {@link SendQueue} from any thread and writes them
 * from the connection's WRITEABLE callback. A sender on another thread wakes the connection with
 * one {@link Connection#execute} task at a time; one on the session's own service thread asks for
 * WRITEABLE directly. Messages go out in pieces of at most {@value #PIECE} bytes, each only when
 * the core's output has drained (so one big message never fills the core's buffer), and a piece
 * completes its message only when the last byte has been handed to the connection.
 *
 * <p>Blocking: the basic remote waits for room and then for its message to be written, unless it
 * runs on a service thread: there it must not wait (the thread that would write is itself), so a
 * full queue fails at once with an exception saying so, and a queued message counts as sent. The
 * async remote never waits: a full queue fails its Future or SendHandler.
 */
final class Sender {
    static final int PIECE = 64 * 1024;

    private final SessionImpl session;
    final SendQueue queue;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private volatile boolean batching;

    Sender(SessionImpl session, SendQueue queue) {
        this.session = session;
        this.queue = queue;
    }

    /**
     * Sends and, off the service threads, waits until written.
     *
     * @param owned true when {@code data} was made for this send (encoded text): no copy is needed
     */
    void sendBasic(Outgoing.Kind kind, ByteBuffer data, boolean last, boolean owned) throws IOException {
        if (session.host().isServiceThread(Thread.currentThread())) {
            Outgoing o = new Outgoing(kind, owned ? data : copy(data), last, null, 0);
            if (!queue.offer(o, false)) {
                throw new IOException("session " + session.getId() + ": its send queue is full (" + queue.size()
                        + " messages, " + queue.bytes() + " bytes) and this is a service thread, which never waits:"
                        + " send from another thread, or use getAsyncRemote() and its completion");
            }
            wake(o);
            return;
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        Outgoing o = new Outgoing(kind, data.duplicate(), last, f -> complete(written, f), 0);
        queue.offer(o, true);
        wake(o);
        try {
            written.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException ? (IOException) c : new IOException(c.getMessage(), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the message was being sent");
        }
    }

    /** Sends without waiting; {@code done} gets null when written, else the failure. */
    void sendAsync(Outgoing.Kind kind, ByteBuffer data, Consumer<Throwable> done, long timeoutMillis) {
        long deadline = timeoutMillis > 0 ? nonZero(System.nanoTime() + timeoutMillis * 1_000_000L) : 0;
        Outgoing o = new Outgoing(kind, data.duplicate(), true, done, deadline);
        try {
            if (!queue.offer(o, false)) {
                o.complete(new IOException("session " + session.getId() + ": its send queue is full (" + queue.size()
                        + " messages, " + queue.bytes() + " bytes): the peer reads slower than this endpoint sends"));
                return;
            }
        } catch (IOException | RuntimeException e) {
            o.complete(e);
            return;
        }
        wake(o);
    }

    /** Queues the Close after what is queued already. */
    void sendClose(int code, String reason) {
        Outgoing o = Outgoing.close(code, reason, null);
        try {
            queue.offer(o, false);
        } catch (IOException alreadyClosed) {
            return;
        }
        wake(o);
    }

    void setBatching(boolean on) {
        batching = on;
        if (!on) {
            flush();
        }
    }

    boolean batching() {
        return batching;
    }

    void flush() {
        wake(null);
    }

    private void wake(Outgoing o) {
        if (batching && o != null && !o.isControl()) {
            return;
        }
        Connection c = session.connection();
        if (c == null) {
            return; // not open yet: ESTABLISHED writes what is queued
        }
        boolean timed = o != null && o.deadline != 0;
        if (Thread.currentThread() == session.serviceThread()) {
            c.requestWriteable();
            if (timed) {
                session.armTimer();
            }
        } else if (wakePending.compareAndSet(false, true) || timed) {
            if (!c.execute(() -> {
                wakePending.set(false);
                c.requestWriteable();
                if (timed) {
                    session.armTimer();
                }
            })) {
                wakePending.set(false);
            }
        }
    }

    /** WRITEABLE: writes what the connection takes now. Service thread. False when the connection took nothing. */
    boolean writeable(Connection c) {
        failExpired();
        while (true) {
            Outgoing o = queue.peek();
            if (o == null) {
                return true;
            }
            if (c.sendPipeChoked()) {
                c.requestWriteable();
                return true;
            }
            if (o.kind == Outgoing.Kind.CLOSE) {
                queue.remove(o, 0);
                session.closeWritten(o.closeCode, o.closeReason);
                o.complete(null);
                return true;
            }
            int n = o.isControl() ? o.data.remaining() : Math.min(o.data.remaining(), PIECE);
            boolean end = n == o.data.remaining();
            ByteBuffer piece = o.data.slice(o.data.position(), n);
            WriteMode mode = o.started ? WriteMode.CONTINUATION : o.mode;
            o.started = true;
            boolean ok = c.write(piece, mode, end && o.fin);
            o.data.position(o.data.position() + n);
            if (!ok) {
                return false;
            }
            if (end) {
                queue.remove(o, n);
                o.complete(null);
            } else {
                queue.written(n);
            }
        }
    }

    /** Fails the items whose send timeout passed before they started. Service thread. */
    void failExpired() {
        for (Outgoing o : queue.expired(System.nanoTime())) {
            o.complete(new SocketTimeoutException("session " + session.getId() + ": not sent within the send timeout"));
        }
    }

    private static long nonZero(long t) {
        return t == 0 ? 1 : t;
    }

    private static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.allocate(b.remaining()).put(b.duplicate()).flip();
    }

    private static void complete(CompletableFuture<Void> f, Throwable failure) {
        if (failure == null) {
            f.complete(null);
        } else {
            f.completeExceptionally(failure);
        }
    }
}
