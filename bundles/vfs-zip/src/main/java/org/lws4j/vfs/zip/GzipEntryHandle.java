package org.lws4j.vfs.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.lws4j.spi.fileops.FileHandle;

/**
 * A DEFLATE entry for a client that takes gzip: a gzip stream (RFC 1952) made of a fixed 10-byte
 * header, the entry's raw deflate bytes exactly as the zip stores them, and a trailer with the
 * CRC-32 and size from the zip's central directory. Nothing is compressed or inflated here.
 */
final class GzipEntryHandle extends EntryHandle {
    /** ID1 ID2, CM=8 (deflate), no flags, MTIME 0 (none), XFL 0, OS 255 (unknown). */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    static final int HEADER_LEN = HEADER.length;
    static final int TRAILER_LEN = 8;

    private final byte[] trailer;
    private final long bodyEnd;
    private final long length;
    private long position;

    GzipEntryHandle(FileHandle zip, IndexedEntry entry, long dataStart) {
        super(zip, entry, dataStart, true);
        this.trailer = ByteBuffer.allocate(TRAILER_LEN).order(ByteOrder.LITTLE_ENDIAN)
                .putInt((int) entry.crc()).putInt((int) entry.size()) // ISIZE: the size modulo 2^32
                .array();
        this.bodyEnd = HEADER_LEN + entry.compressedSize();
        this.length = bodyEnd + TRAILER_LEN;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (position >= length) {
            return -1;
        }
        int start = dst.position();
        if (position < HEADER_LEN && dst.hasRemaining()) {
            position += put(HEADER, (int) position, dst);
        }
        if (position >= HEADER_LEN && position < bodyEnd && dst.hasRemaining()) {
            position += readStored(position - HEADER_LEN, dst, bodyEnd - position);
        }
        if (position >= bodyEnd && position < length && dst.hasRemaining()) {
            position += put(trailer, (int) (position - bodyEnd), dst);
        }
        return dst.position() - start;
    }

    private static int put(byte[] src, int from, ByteBuffer dst) {
        int n = Math.min(src.length - from, dst.remaining());
        dst.put(src, from, n);
        return n;
    }

    @Override
    public long seek(long offset, Whence whence) {
        position = target(offset, whence, position, length);
        return position;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public long length() {
        return length;
    }
}
