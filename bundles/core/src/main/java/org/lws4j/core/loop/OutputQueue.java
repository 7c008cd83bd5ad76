package org.lws4j.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * What a connection wrote that the socket has not taken yet (lws's buflist_out). Holds copies,
 * so writers may reuse their buffers at once. Owned by the connection's service thread.
 *
 * <p>The deque exists only while something waits: most writes go straight to the socket, and
 * an idle connection (thousands of them, on a busy server) should not carry an empty deque and
 * its 16-slot array. It is made by the first write the socket could not take, and dropped once
 * drained.
 */
final class OutputQueue {
    private ArrayDeque<ByteBuffer> queue;
    private long bytes;

    boolean isEmpty() {
        return queue == null;
    }

    long bytes() {
        return bytes;
    }

    /** Copies what remains of each buffer to the end of the queue. */
    void addCopies(ByteBuffer[] bufs) {
        for (ByteBuffer b : bufs) {
            int n = b.remaining();
            if (n > 0) {
                ByteBuffer copy = ByteBuffer.allocate(n);
                copy.put(b).flip();
                if (queue == null) {
                    queue = new ArrayDeque<>(4);
                }
                queue.addLast(copy);
                bytes += n;
            }
        }
    }

    /** Writes as much as the channel takes; returns the byte count written. */
    long flush(Endpoint ch) throws IOException {
        long total = 0;
        while (queue != null) {
            int count = Math.min(queue.size(), 64);
            ByteBuffer[] batch = new ByteBuffer[count];
            int i = 0;
            for (ByteBuffer b : queue) {
                if (i == count) {
                    break;
                }
                batch[i++] = b;
            }
            long n = ch.write(batch);
            total += n;
            bytes -= n;
            while (!queue.isEmpty() && !queue.peekFirst().hasRemaining()) {
                queue.pollFirst();
            }
            if (queue.isEmpty()) {
                queue = null;
            }
            if (batch[count - 1].hasRemaining()) {
                break; // the socket is full
            }
        }
        return total;
    }

    void clear() {
        queue = null;
        bytes = 0;
    }
}
