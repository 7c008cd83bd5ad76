package org.lws4j.core.http;

import java.nio.ByteBuffer;

import org.lws4j.api.LogLevel;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.log.LogBuild;
import org.lws4j.core.loop.HeaderPool;

/**
 * Where one connection's request heads are read: the head parser and its buffer. Each head
 * starts in a small buffer of the connection's own ({@value #SMALL_HEAD} bytes): a head that fits
 * (most do, and a peer trickling bytes never gets further) takes nothing from the thread's pool.
 * A longer head moves into one of the pool's buffers, waiting its turn when none is free (reading
 * paused), and gives it up to a waiting connection when it stalls (the pool decides when), going
 * on in a copy. Owned by the connection's service thread.
 */
final class HeadBuffer implements HeaderPool.Holder {
    /** The buffer every request head starts in. */
    static final int SMALL_HEAD = 1024;

    final RequestHeadParser parser = new RequestHeadParser();
    private final ConnectionImpl conn;
    private final int limit;
    private boolean waiting;
    /** The parser's buffer is the pool's (else the connection's own small one, or a copy). */
    private boolean pooled;
    private long lastProgress;

    HeadBuffer(ConnectionImpl conn, int limit) {
        this.conn = conn;
        this.limit = limit;
    }

    /**
     * Feeds {@code in} to the head: DONE, ERROR, or NEED_MORE (also while waiting for a pool
     * buffer, when reading is paused until one comes).
     */
    RequestHeadParser.Status feed(ByteBuffer in) {
        if (!parser.hasBuffer()) {
            parser.begin(new byte[Math.min(SMALL_HEAD, limit)], limit);
            pooled = false;
        }
        if (waiting) {
            conn.holdRx();
            return RequestHeadParser.Status.NEED_MORE;
        }
        if (in.hasRemaining()) {
            lastProgress = System.nanoTime();
        }
        RequestHeadParser.Status st = parser.feed(in);
        while (st == RequestHeadParser.Status.NEED_BUFFER) {
            if (!growIntoPool()) {
                conn.holdRx();
                return RequestHeadParser.Status.NEED_MORE;
            }
            st = parser.feed(in);
        }
        return st;
    }

    /** True before any byte of a head has come. */
    boolean idle() {
        return !parser.hasBuffer() || !parser.started();
    }

    /** The bytes of the head so far, for a role that takes the connection over. */
    byte[] taken() {
        return parser.hasBuffer() ? parser.taken() : new byte[0];
    }

    private boolean growIntoPool() {
        HeaderPool pool = conn.thread().headerPool();
        byte[] ah = pool.acquire(this);
        if (ah == null) {
            waiting = true;
            pool.await(this);
            if (LogBuild.INFO && conn.host().log().enabled(LogLevel.INFO)) {
                conn.log(LogLevel.INFO, "%s waits for a header buffer", conn);
            }
            return false;
        }
        parser.moveTo(ah);
        pooled = true;
        return true;
    }

    @Override
    public void headerBufferReady(byte[] buffer) {
        waiting = false;
        if (conn.isClosed()) {
            conn.thread().headerPool().release(this, buffer);
            return;
        }
        parser.moveTo(buffer);
        pooled = true;
        lastProgress = System.nanoTime();
        conn.resumeRx();
    }

    @Override
    public long lastProgressNanos() {
        return lastProgress;
    }

    @Override
    public byte[] giveUp() {
        // a copy with room to go on; the head's limit still holds (the copy never passes it)
        int room = Math.min(parser.limit(), Math.max(parser.length() * 2, SMALL_HEAD));
        pooled = false;
        if (LogBuild.INFO && conn.host().log().enabled(LogLevel.INFO)) {
            conn.log(LogLevel.INFO, "%s: its request head stalled; its header buffer goes to a waiting connection", conn);
        }
        return parser.moveTo(new byte[room]);
    }

    /** The head is done with (read, refused, or the connection changes role): its buffer goes back. */
    void release() {
        if (parser.hasBuffer()) {
            byte[] b = parser.release();
            if (pooled) {
                conn.thread().headerPool().release(this, b);
                pooled = false;
            }
        }
    }

    /** The connection closed: the buffer goes back, and it waits for none. */
    void closed() {
        release();
        if (waiting) {
            conn.thread().headerPool().cancelWait(this);
            waiting = false;
        }
    }
}
