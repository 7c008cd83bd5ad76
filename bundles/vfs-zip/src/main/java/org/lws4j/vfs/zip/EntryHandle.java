package org.lws4j.vfs.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.ZipException;

import org.lws4j.spi.fileops.FileFlag;
import org.lws4j.spi.fileops.FileHandle;

/**
 * What every handle on a zip entry shares: the container handle it reads through (and closes),
 * the entry's validators and flags, and reads of the entry's stored bytes. Used by one thread at
 * a time, like every {@link FileHandle}.
 */
abstract class EntryHandle implements FileHandle {
    protected final IndexedEntry entry;
    private final FileHandle zip;
    private final long dataStart;
    private final Set<FileFlag> flags;
    private final String etag;
    /** Where the container handle is, or -1 when unknown: seek only when a read starts elsewhere. */
    private long zipPosition = -1;
    private boolean closed;

    /**
     * @param zip the container, positioned anywhere; this handle owns it
     * @param dataStart where the entry's stored bytes start in the container
     * @param gzip whether the handle's bytes are a gzip stream of the entry
     */
    EntryHandle(FileHandle zip, IndexedEntry entry, long dataStart, boolean gzip) {
        this.zip = zip;
        this.entry = entry;
        this.dataStart = dataStart;
        EnumSet<FileFlag> f = EnumSet.of(FileFlag.VIRTUAL);
        if (gzip) {
            f.add(FileFlag.GZIP);
        }
        if (entry.modified() >= 0) {
            f.add(FileFlag.MOD_TIME_VALID);
        }
        this.flags = Collections.unmodifiableSet(f);
        // the CRC names the content; the gzip stream is other bytes, so another tag
        this.etag = String.format("\"%08x-%x-%x%s\"", entry.crc(), entry.size(), Math.max(0, entry.modified()) / 1000,
                gzip ? "-gz" : "");
    }

    /**
     * Reads stored bytes of the entry from {@code offset} (counted from the start of its data)
     * into {@code dst}, at most {@code max} of them; returns how many (at least one).
     *
     * @throws ZipException when the container ends inside the entry
     */
    protected final int readStored(long offset, ByteBuffer dst, long max) throws IOException {
        long at = dataStart + offset;
        if (zipPosition != at) {
            zip.seek(at, Whence.START);
            zipPosition = at;
        }
        ByteBuffer into = dst;
        if (dst.remaining() > max) {
            into = dst.duplicate();
            into.limit(dst.position() + (int) max);
        }
        int n = zip.read(into);
        if (n < 0) {
            throw new ZipException("the zip ends inside entry " + entry.name() + " (truncated?)");
        }
        if (n == 0 && into.hasRemaining()) {
            throw new IOException("the container read returned no bytes inside entry " + entry.name());
        }
        if (into != dst) {
            dst.position(into.position());
        }
        zipPosition += n;
        return n;
    }

    /** A seek target for {@code whence}, clamped to {@code [0, length]}. */
    protected static long target(long offset, Whence whence, long current, long length) {
        long base = whence == Whence.START ? 0 : whence == Whence.CURRENT ? current : length;
        return Math.max(0, Math.min(length, base + offset));
    }

    @Override
    public final long modified() {
        return Math.max(0, entry.modified());
    }

    @Override
    public final Set<FileFlag> flags() {
        return flags;
    }

    @Override
    public final String etag() {
        return etag;
    }

    /** Closes the container handle, once however often it is called. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            zip.close();
        }
    }
}
