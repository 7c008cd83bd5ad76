package org.lws4j.core.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import org.lws4j.spi.fileops.FileHandle;
import org.lws4j.core.conn.ConnectionImpl;

/**
 * Sends a file's bytes after its response head: small files read into memory and written with
 * the head in one gathering write; bigger ones with {@link FileChannel#transferTo} (zero-copy)
 * when a platform file backs the handle and the connection is plain TCP, else read a slice at a
 * time whenever the connection has room.
 */
final class FileSender {
    static final int SMALL = 32 * 1024;
    private static final long SLICE = 1L << 20;
    private static final int READ_SLICE = 64 * 1024;

    private final FileHandle fh;
    private final FileChannel fc;
    private final long end;
    private long position;

    /** Sends {@code length} bytes of {@code fh} from its start. */
    FileSender(FileHandle fh, long length) {
        this.fh = fh;
        this.fc = fh.channel();
        this.end = length;
    }

    /** Reads the whole (small) file; the sender is then finished. */
    ByteBuffer readAll() throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) end);
        while (b.hasRemaining()) {
            if (fh.read(b) < 0) {
                throw new IOException("file shrank while being read");
            }
        }
        b.flip();
        position = end;
        return b;
    }

    /**
     * Sends as much as the socket takes. Returns true when the whole file is out; false when the
     * socket is full (the caller waits for writeable) or the connection closed.
     */
    boolean pump(ConnectionImpl c) throws IOException {
        if (fc == null || !c.canSendFiles()) {
            return pumpThroughBuffers(c);
        }
        while (position < end) {
            long n = c.sendFile(fc, position, Math.min(SLICE, end - position));
            if (n < 0) {
                return false;
            }
            if (n == 0) {
                if (fc.size() < end) {
                    throw new IOException("file shrank while being sent");
                }
                return false;
            }
            position += n;
        }
        return true;
    }

    /** Read a slice, hand it to the connection, and wait whenever it queues. */
    private boolean pumpThroughBuffers(ConnectionImpl c) throws IOException {
        while (position < end) {
            if (c.queuedBytes() > 0 || c.isClosed()) {
                return false;
            }
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(READ_SLICE, end - position));
            while (b.hasRemaining()) {
                if (fh.read(b) < 0) {
                    throw new IOException("file shrank while being sent");
                }
            }
            b.flip();
            position += b.remaining();
            if (!c.send(b)) {
                return false;
            }
        }
        return true;
    }

    void close() {
        try {
            fh.close();
        } catch (IOException ignored) {
            // read-only; nothing lost
        }
    }
}
