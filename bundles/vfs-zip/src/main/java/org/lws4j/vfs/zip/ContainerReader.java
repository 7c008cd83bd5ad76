package org.lws4j.vfs.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.ZipException;

import org.lws4j.spi.fileops.FileHandle;

/**
 * Little-endian reads at absolute positions of a container, through its {@link FileHandle} and
 * one window buffer: the central directory is walked a window at a time, never the whole zip
 * read. Not thread-safe; one per index build or open.
 */
final class ContainerReader {
    private final FileHandle h;
    private ByteBuffer buf;
    private long bufStart = -1;
    private int bufLen;

    ContainerReader(FileHandle h, int window) {
        this.h = h;
        this.buf = ByteBuffer.allocate(window).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Makes the bytes {@code [pos, pos + n)} available and returns their index in {@link #buf()}.
     *
     * @throws ZipException when the container ends before {@code pos + n}
     */
    int at(long pos, int n) throws IOException {
        if (bufStart >= 0 && pos >= bufStart && pos + n <= bufStart + bufLen) {
            return (int) (pos - bufStart);
        }
        if (n > buf.capacity()) {
            buf = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        }
        bufStart = -1;
        buf.clear();
        h.seek(pos, FileHandle.Whence.START);
        while (buf.position() < n) {
            int r = h.read(buf);
            if (r < 0) {
                throw new ZipException("the zip ends at " + (pos + buf.position()) + ", inside a record that needs "
                        + n + " bytes from " + pos + " (truncated?)");
            }
            if (r == 0) {
                throw new IOException("the container read returned no bytes at " + (pos + buf.position()));
            }
        }
        bufStart = pos;
        bufLen = buf.position();
        return 0;
    }

    ByteBuffer buf() {
        return buf;
    }

    int u16(int i) {
        return buf.getShort(i) & 0xffff;
    }

    long u32(int i) {
        return buf.getInt(i) & 0xffffffffL;
    }

    /** An unsigned 64-bit field; past Long.MAX_VALUE it cannot be a real size or offset. */
    long u64(int i) throws ZipException {
        long v = buf.getLong(i);
        if (v < 0) {
            throw new ZipException("a ZIP64 field is too large: " + Long.toUnsignedString(v));
        }
        return v;
    }
}
