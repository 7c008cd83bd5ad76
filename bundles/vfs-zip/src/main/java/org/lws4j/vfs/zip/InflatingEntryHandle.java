package org.lws4j.vfs.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

import org.lws4j.spi.fileops.FileHandle;

/**
 * A DEFLATE entry for a client that does not take gzip: inflated as it is read, one input
 * buffer of compressed bytes at a time, straight into the caller's buffer. The inflated bytes
 * are checked against the entry's size and CRC-32 as they go, so a damaged entry fails the
 * request. Seeking forward inflates and drops; seeking back starts over.
 */
final class InflatingEntryHandle extends EntryHandle {
    static final int INPUT_BUFFER = 16 * 1024;

    private final Inflater inflater = new Inflater(true);
    private final ByteBuffer input = ByteBuffer.allocate(INPUT_BUFFER);
    private final CRC32 crc = new CRC32();
    /** Compressed bytes handed to the inflater. */
    private long consumed;
    /** Inflated bytes produced: the position. */
    private long position;
    /** zlib may want one byte past raw deflate data to see its end (as java.util.zip feeds it). */
    private boolean padded;

    InflatingEntryHandle(FileHandle zip, IndexedEntry entry, long dataStart) {
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
        ByteBuffer out = dst.duplicate();
        if (out.remaining() > left) {
            out.limit(out.position() + (int) left);
        }
        int from = out.position();
        inflate(out);
        int n = out.position() - from;
        ByteBuffer got = dst.duplicate();
        got.position(from).limit(from + n);
        crc.update(got);
        dst.position(from + n);
        position += n;
        if (position == entry.size() && crc.getValue() != entry.crc()) {
            throw new ZipException("entry " + entry.name() + " does not match its CRC-32 (damaged zip)");
        }
        return n;
    }

    /** Fills {@code out} (never past the entry's size: the caller limits it). */
    private void inflate(ByteBuffer out) throws IOException {
        int start = out.position();
        while (out.hasRemaining()) {
            if (inflater.needsInput()) {
                fill();
            }
            int n;
            try {
                n = inflater.inflate(out);
            } catch (DataFormatException e) {
                throw new ZipException("entry " + entry.name() + ": bad deflate data: " + e.getMessage());
            }
            if (n == 0) {
                if (inflater.finished()) {
                    throw new ZipException("entry " + entry.name() + ": its deflate data ends after "
                            + (position + out.position() - start) + " bytes, not the " + entry.size()
                            + " its directory records (damaged zip)");
                }
                if (inflater.needsDictionary()) {
                    throw new ZipException("entry " + entry.name() + " needs a preset dictionary");
                }
                if (!inflater.needsInput()) {
                    throw new ZipException("entry " + entry.name() + ": the inflater makes no progress");
                }
            }
        }
    }

    /** Hands the next buffer of compressed bytes to the inflater. */
    private void fill() throws IOException {
        long left = entry.compressedSize() - consumed;
        input.clear();
        if (left == 0) {
            if (padded) {
                throw new ZipException("entry " + entry.name() + ": its deflate data ends early (damaged zip)");
            }
            padded = true;
            input.put((byte) 0).flip();
            inflater.setInput(input);
            return;
        }
        consumed += readStored(consumed, input, left);
        input.flip();
        inflater.setInput(input);
    }

    @Override
    public long seek(long offset, Whence whence) throws IOException {
        long to = target(offset, whence, position, entry.size());
        if (to < position) {
            inflater.reset();
            crc.reset();
            consumed = 0;
            position = 0;
            padded = false;
        }
        ByteBuffer drop = ByteBuffer.allocate((int) Math.min(INPUT_BUFFER, Math.max(1, to - position)));
        while (position < to) {
            drop.clear();
            if (drop.remaining() > to - position) {
                drop.limit((int) (to - position));
            }
            read(drop);
        }
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

    @Override
    public void close() throws IOException {
        inflater.end();
        super.close();
    }
}
