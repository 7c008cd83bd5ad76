package org.lws4j.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * What a connection wrote that the socket has not taken yet (lws's buflist_out). Holds copies,
 * so writers may reuse their buffers at once. Owned by the connection's service thread.
 */
final class OutputQueue {
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long bytes;

    boolean isEmpty() {
        return queue.isEmpty();
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
                queue.addLast(copy);
                bytes += n;
            }
        }
    }

    /** Writes as much as the channel takes; returns the byte count written. */
    long flush(Endpoint ch) throws IOException {
        long total = 0;
        while (!queue.isEmpty()) {
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
            if (batch[count - 1].hasRemaining()) {
                break; // the socket is full
            }
        }
        return total;
    }

    void clear() {
        queue.clear();
        bytes = 0;
    }
}
