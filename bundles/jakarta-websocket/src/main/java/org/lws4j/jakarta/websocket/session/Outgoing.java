package org.lws4j.jakarta.websocket.session;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import org.lws4j.api.WriteMode;

/**
 * One item of a session's send queue: a message or a piece of one (text, binary or continuation),
 * a ping or pong, or the Close. The queue owns {@code data} from the moment it is offered until
 * {@code done} is called: the sender must not touch it meanwhile (a copy is made where the
 * sender would otherwise get it back early). {@code done} gets null once the last byte was handed
 * to the connection, or the failure; it runs on the session's service thread (or on the thread
 * that closes the queue) and must not block.
 */
final class Outgoing {
    /** What the sender asked for; the frame mode is chosen by the queue. */
    enum Kind { TEXT, BINARY, PING, PONG, CLOSE }

    final Kind kind;
    final ByteBuffer data;
    /** True when this ends the message (always for whole messages and control frames). */
    final boolean last;
    final Consumer<Throwable> done;
    /** System.nanoTime() after which an item not yet started fails, or 0. */
    final long deadline;
    final int closeCode;
    final String closeReason;
    /** Set by the queue when accepted: the frame mode of the first piece. */
    WriteMode mode;
    /** Set by the queue: whether this is final (false for a partial message's non-last parts). */
    boolean fin;
    /** A piece of it has been written: it can no longer time out. */
    boolean started;

    Outgoing(Kind kind, ByteBuffer data, boolean last, Consumer<Throwable> done, long deadline) {
        this(kind, data, last, done, deadline, 0, null);
    }

    private Outgoing(Kind kind, ByteBuffer data, boolean last, Consumer<Throwable> done, long deadline, int code,
            String reason) {
        this.kind = kind;
        this.data = data;
        this.last = last;
        this.done = done;
        this.deadline = deadline;
        this.closeCode = code;
        this.closeReason = reason;
    }

    static Outgoing close(int code, String reason, Consumer<Throwable> done) {
        return new Outgoing(Kind.CLOSE, ByteBuffer.allocate(0), true, done, 0, code, reason);
    }

    boolean isControl() {
        return kind == Kind.PING || kind == Kind.PONG || kind == Kind.CLOSE;
    }

    /** Calls {@code done} once; a callback that throws is the application's problem, not the loop's. */
    void complete(Throwable failure) {
        if (done != null) {
            try {
                done.accept(failure);
            } catch (RuntimeException ignored) {
                // a SendHandler that throws harms nobody
            }
        }
    }
}
