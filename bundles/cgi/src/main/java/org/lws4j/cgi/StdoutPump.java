package org.lws4j.cgi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Carries the program's stdout to the service thread, bounded: the reader thread reads pieces of
 * at most {@value #PIECE} bytes, parses the header block off the front, and puts body pieces into
 * a queue of {@value #DEPTH}; when the client is slow the queue fills, {@code put} blocks, the
 * reader stops reading, the pipe fills and the program blocks in its write. So no more than
 * about {@code (DEPTH + 1) * PIECE} bytes of a program's output are ever held here.
 *
 * <p>The loop takes pieces with {@link #poll} from HTTP_WRITEABLE. When it finds the queue empty
 * it marks itself starved, and the next {@code put} calls {@code onAvailable} once (which posts a
 * requestWriteable into the loop), so nobody polls.
 */
final class StdoutPump {
    static final int PIECE = 16 * 1024;
    static final int DEPTH = 4;

    /** After the last piece: the program closed its stdout. */
    static final ByteBuffer END = ByteBuffer.allocate(0);

    /** What the reader finds, told from the reader thread; implementations post into the loop. */
    interface Listener {
        /** The header block is complete and valid. */
        void headers(CgiResponseHead head);

        /** The header block is not valid; output is being discarded. */
        void malformed(String why);
    }

    private final ArrayBlockingQueue<ByteBuffer> queue = new ArrayBlockingQueue<>(DEPTH);
    private final AtomicBoolean starved = new AtomicBoolean();
    private final Runnable onAvailable;
    private volatile boolean discard;

    StdoutPump(Runnable onAvailable) {
        this.onAvailable = onAvailable;
    }

    // ---- the reader thread ----------------------------------------------------------------

    /**
     * Reads {@code in} to its end; throws when interrupted.
     *
     * @return -1 if a header block was read (valid or not), else the number of bytes that came
     *     before EOF without completing one
     */
    long run(InputStream in, Listener listener) throws IOException, InterruptedException {
        CgiHeaderParser parser = new CgiHeaderParser();
        boolean inBody = false;
        long total = 0;
        byte[] buf = new byte[PIECE];
        int n;
        while ((n = in.read(buf, 0, PIECE)) >= 0) {
            total += n;
            if (inBody) {
                put(ByteBuffer.wrap(buf, 0, n));
                buf = new byte[PIECE];
                continue;
            }
            if (discard) {
                continue;
            }
            int body;
            try {
                body = parser.feed(buf, 0, n);
            } catch (CgiHeaderParser.MalformedException e) {
                discard = true;
                listener.malformed(e.getMessage());
                continue;
            }
            if (body >= 0) {
                inBody = true;
                listener.headers(parser.head());
                if (body < n) {
                    put(ByteBuffer.wrap(buf, body, n - body).slice());
                    buf = new byte[PIECE];
                }
            }
        }
        if (inBody) {
            put(END);
            return -1;
        }
        return discard ? -1 : total;
    }

    private void put(ByteBuffer piece) throws InterruptedException {
        if (discard) {
            return;
        }
        queue.put(piece);
        if (starved.compareAndSet(true, false)) {
            onAvailable.run();
        }
    }

    // ---- the loop's side -------------------------------------------------------------------

    /**
     * The next piece of body, {@link #END} after the last, or null when none is waiting (the
     * next one to arrive calls {@code onAvailable}).
     */
    ByteBuffer poll() {
        ByteBuffer b = queue.poll();
        if (b == null) {
            starved.set(true);
            b = queue.poll(); // one may have come between the poll and the flag
            if (b != null) {
                starved.set(false);
            }
        }
        return b;
    }

    /** The rest of the output is not wanted: it is read and dropped, so the program never blocks on it. */
    void discard() {
        discard = true;
        queue.clear();
    }
}
