package org.lws4j.vfs.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.ZipException;

import org.lws4j.spi.fileops.FileHandle;

/**
 * A STORED entry: its bytes as they are in the zip. A read from the start to the end checks
 * them against the entry's CRC-32, so a damaged zip fails the request instead of sending wrong
 * bytes quietly.
 */
final class StoredEntryHandle extends EntryHandle {
    private final CRC32 crc = new CRC32();
    private long position;
    /** How much of the entry, from its start, went through {@link #crc}. */
    private long checked;

    StoredEntryHandle(FileHandle zip, IndexedEntry entry, long dataStart) {
        super(zip, entry, dataStart, false);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        long left = entry.size() - position;
        if (left <= 0) {
            return -1;
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        int from = dst.position();
        int n = readStored(position, dst, left);
        if (position == checked) {
            ByteBuffer got = dst.duplicate();
            got.position(from).limit(from + n);
            crc.update(got);
            checked += n;
            if (checked == entry.size() && crc.getValue() != entry.crc()) {
                throw new ZipException("entry " + entry.name() + " does not match its CRC-32 (damaged zip)");
            }
        }
        position += n;
        return n;
    }

    @Override
    public long seek(long offset, Whence whence) {
        position = target(offset, whence, position, entry.size());
        return position;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public long length() {
        return entry.size();
    }
}
