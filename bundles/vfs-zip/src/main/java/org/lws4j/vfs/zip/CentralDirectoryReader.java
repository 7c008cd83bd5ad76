package org.lws4j.vfs.zip;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipException;

import org.lws4j.spi.fileops.FileHandle;

/**
 * Builds a {@link ZipIndex} from a zip's End Of Central Directory record (ZIP64 too) and its
 * central directory, read through the container's handle with seeks: the tail of the file (at
 * most 64 KiB + 22 bytes, to find the record behind a comment), then the central directory a
 * window at a time. Entry data is never read here.
 *
 * <p>Entries that must not be served (see {@link EntryNames}, symbolic links) are left out, each
 * with a line to {@code warn}; directories are left out silently. A zip that is not one, is
 * truncated, spans disks or has more entries than {@code maxEntries} fails with an
 * {@link IOException} ({@link ZipException} when it is malformed).
 */
final class CentralDirectoryReader {
    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CEN_SIG = 0x02014b50;
    private static final int EOCD_LEN = 22;
    private static final int ZIP64_LOCATOR_LEN = 20;
    private static final int ZIP64_EOCD_LEN = 56;
    private static final int CEN_LEN = 46;
    private static final int MAX_COMMENT = 0xffff;
    private static final long MAGIC32 = 0xffffffffL;
    private static final int MAGIC16 = 0xffff;
    private static final int EXTRA_ZIP64 = 0x0001;
    private static final int EXTRA_TIMESTAMP = 0x5455;
    private static final int HOST_UNIX = 3;
    private static final int S_IFMT = 0170000;
    private static final int S_IFLNK = 0120000;
    private static final int WINDOW = 64 * 1024;
    /** Lines about refused entries per zip; the rest are counted. */
    private static final int MAX_WARNINGS = 20;
    private static final Charset CP437 = cp437();

    private final ContainerReader r;
    private final String zipName;
    private final int maxEntries;
    private final Consumer<String> warn;
    private int refused;

    private CentralDirectoryReader(FileHandle zip, String zipName, int maxEntries, Consumer<String> warn) {
        this.r = new ContainerReader(zip, WINDOW);
        this.zipName = zipName;
        this.maxEntries = maxEntries;
        this.warn = warn;
    }

    /**
     * Reads the index of {@code zip}.
     *
     * @param zipName the container's path, for messages
     * @param stamp the container's stamp, kept in the index
     */
    static ZipIndex read(FileHandle zip, String zipName, ZipIndex.Stamp stamp, int maxEntries, Consumer<String> warn)
            throws IOException {
        try {
            return new CentralDirectoryReader(zip, zipName, maxEntries, warn).read(stamp);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new ZipException("malformed zip: " + e);
        }
    }

    /** Where the central directory is, and how many entries it holds. */
    private record Directory(long start, long size, long entries, long shift) {
    }

    private ZipIndex read(ZipIndex.Stamp stamp) throws IOException {
        long length = stamp.length();
        if (length < EOCD_LEN) {
            throw new ZipException("not a zip file: " + length + " bytes is shorter than its end record");
        }
        long eocd = findEndRecord(length);
        Directory dir = directory(eocd);
        if (dir.entries() > maxEntries) {
            throw new IOException("the zip has " + dir.entries() + " entries; the index takes at most " + maxEntries
                    + " (configure index.cache.entries)");
        }
        if (dir.entries() * CEN_LEN > dir.size()) {
            throw new ZipException("the central directory (" + dir.size() + " bytes) is too small for "
                    + dir.entries() + " entries");
        }
        Map<String, IndexedEntry> entries = new HashMap<>((int) Math.min(dir.entries() * 4 / 3 + 1, 1 << 20));
        long pos = dir.start();
        long end = dir.start() + dir.size();
        for (long i = 0; i < dir.entries(); i++) {
            pos = entry(pos, end, dir.shift(), entries);
        }
        if (refused > MAX_WARNINGS) {
            warn.accept(zipName + ": " + (refused - MAX_WARNINGS) + " more entries not served");
        }
        return new ZipIndex(stamp, entries, dir.start());
    }

    /** The position of the End Of Central Directory record: the last one whose comment ends the file. */
    private long findEndRecord(long length) throws IOException {
        int tailLen = (int) Math.min(length, EOCD_LEN + MAX_COMMENT);
        long tailStart = length - tailLen;
        int base = r.at(tailStart, tailLen);
        long loose = -1;
        for (int i = tailLen - EOCD_LEN; i >= 0; i--) {
            if (r.buf().getInt(base + i) == EOCD_SIG) {
                int comment = r.u16(base + i + 20);
                if (i + EOCD_LEN + comment == tailLen) {
                    return tailStart + i;
                }
                if (loose < 0 && i + EOCD_LEN + comment <= tailLen) {
                    loose = tailStart + i; // bytes appended after the zip: the directory check decides
                }
            }
        }
        if (loose >= 0) {
            return loose;
        }
        throw new ZipException("not a zip file, or truncated: no end of central directory record in the last "
                + tailLen + " bytes");
    }

    private Directory directory(long eocd) throws IOException {
        int b = r.at(eocd, EOCD_LEN);
        int disk = r.u16(b + 4);
        int cdDisk = r.u16(b + 6);
        long onDisk = r.u16(b + 8);
        long entries = r.u16(b + 10);
        long size = r.u32(b + 12);
        long offset = r.u32(b + 16);
        long cdEnd = eocd;
        boolean saturated = entries == MAGIC16 || size == MAGIC32 || offset == MAGIC32;
        if (eocd >= ZIP64_LOCATOR_LEN) {
            int l = r.at(eocd - ZIP64_LOCATOR_LEN, ZIP64_LOCATOR_LEN);
            // the locator's signature may also be the last bytes of the last entry's name, extra
            // field or comment: then there is no ZIP64 record behind it, and a zip whose end
            // record needs none is read from its end record, as java.util.zip does
            long z = r.buf().getInt(l) == ZIP64_LOCATOR_SIG
                    ? zip64Record(r.buf().getLong(l + 8), eocd - ZIP64_LOCATOR_LEN) : -1;
            if (z < 0 && saturated) {
                throw new ZipException(r.buf().getInt(r.at(eocd - ZIP64_LOCATOR_LEN, 4)) == ZIP64_LOCATOR_SIG
                        ? "no ZIP64 end of central directory record where the locator points"
                        : "the end record points to ZIP64 fields but there is no ZIP64 locator");
            }
            if (z >= 0) {
                int z64 = r.at(z, ZIP64_EOCD_LEN);
                disk = r.buf().getInt(z64 + 16);
                cdDisk = r.buf().getInt(z64 + 20);
                onDisk = r.u64(z64 + 24);
                entries = r.u64(z64 + 32);
                size = r.u64(z64 + 40);
                offset = r.u64(z64 + 48);
                cdEnd = z;
            }
        } else if (saturated) {
            throw new ZipException("the end record points to ZIP64 fields but there is no ZIP64 locator");
        }
        if (disk != 0 || cdDisk != 0 || onDisk != entries) {
            throw new ZipException("multi-disk (spanned) zips are not supported");
        }
        // a zip behind a prefix (self-extracting stub) records offsets from its own start
        long shift = cdEnd - size - offset;
        if (shift < 0) {
            throw new ZipException("the central directory (" + size + " bytes at " + offset
                    + ") does not fit before its end record at " + cdEnd);
        }
        return new Directory(offset + shift, size, entries, shift);
    }

    /**
     * The ZIP64 end record: where the locator says, or right before the locator (a prefixed zip);
     * -1 when there is none.
     */
    private long zip64Record(long recorded, long locator) throws IOException {
        if (recorded >= 0 && recorded + ZIP64_EOCD_LEN <= locator && signatureAt(recorded) == ZIP64_EOCD_SIG) {
            return recorded;
        }
        long guess = locator - ZIP64_EOCD_LEN;
        if (guess >= 0 && signatureAt(guess) == ZIP64_EOCD_SIG) {
            return guess;
        }
        return -1;
    }

    private int signatureAt(long pos) throws IOException {
        int i = r.at(pos, 4);
        return r.buf().getInt(i);
    }

    /**
     * Reads the central directory record at {@code pos} into {@code out}; returns where the next
     * one starts. {@code shift} is the length of a prefix before the zip proper.
     */
    private long entry(long pos, long end, long shift, Map<String, IndexedEntry> out) throws IOException {
        if (pos + CEN_LEN > end) {
            throw new ZipException("the central directory ends inside an entry record at " + pos);
        }
        int b = r.at(pos, CEN_LEN);
        if (r.buf().getInt(b) != CEN_SIG) {
            throw new ZipException("no central directory entry at " + pos);
        }
        int madeBy = r.u16(b + 4) >> 8;
        int gp = r.u16(b + 8);
        int method = r.u16(b + 10);
        int time = r.u16(b + 12);
        int date = r.u16(b + 14);
        long crc = r.u32(b + 16);
        long csize = r.u32(b + 20);
        long size = r.u32(b + 24);
        int nameLen = r.u16(b + 28);
        int extraLen = r.u16(b + 30);
        int commentLen = r.u16(b + 32);
        int disk = r.u16(b + 34);
        long attrs = r.u32(b + 38);
        long local = r.u32(b + 42);
        long next = pos + CEN_LEN + nameLen + extraLen + commentLen;
        if (next > end) {
            throw new ZipException("a central directory entry at " + pos + " runs past the directory's end");
        }
        b = r.at(pos, CEN_LEN + nameLen + extraLen);
        byte[] raw = new byte[nameLen];
        r.buf().get(b + CEN_LEN, raw);
        String name = new String(raw, (gp & 0x800) != 0 ? StandardCharsets.UTF_8 : CP437);

        long modified = -1;
        // ZIP64 extra: the 64-bit values of exactly the fields that hold 0xffffffff, in this order
        int x = b + CEN_LEN + nameLen;
        int xEnd = x + extraLen;
        while (x + 4 <= xEnd) {
            int id = r.u16(x);
            int len = r.u16(x + 2);
            int d = x + 4;
            if (d + len > xEnd) {
                throw new ZipException("entry " + name + ": an extra field runs past its record");
            }
            if (id == EXTRA_ZIP64) {
                int need = (size == MAGIC32 ? 8 : 0) + (csize == MAGIC32 ? 8 : 0) + (local == MAGIC32 ? 8 : 0);
                if (len < need) {
                    throw new ZipException("entry " + name + ": ZIP64 extra field too short");
                }
                if (size == MAGIC32) {
                    size = r.u64(d);
                    d += 8;
                }
                if (csize == MAGIC32) {
                    csize = r.u64(d);
                    d += 8;
                }
                if (local == MAGIC32) {
                    local = r.u64(d);
                    d += 8;
                }
                if (disk == MAGIC16 && d + 4 <= x + 4 + len) {
                    disk = r.buf().getInt(d);
                }
            } else if (id == EXTRA_TIMESTAMP && len >= 5 && (r.buf().get(d) & 1) != 0) {
                long secs = r.buf().getInt(d + 1); // UTC: better than the zone-less DOS time
                modified = secs >= 0 ? secs * 1000L : -1;
            }
            x += 4 + len;
        }
        if (modified < 0) {
            modified = DosTime.toEpochMillis(date, time);
        }
        if (size == MAGIC32 || csize == MAGIC32 || local == MAGIC32) {
            throw new ZipException("entry " + name + ": 32-bit fields saturated but no ZIP64 extra field");
        }
        if (disk != 0) {
            throw new ZipException("multi-disk (spanned) zips are not supported");
        }
        if (name.endsWith("/")) {
            return next; // a folder: nothing to serve
        }
        String problem = EntryNames.problem(name);
        if (problem == null && madeBy == HOST_UNIX && ((attrs >>> 16) & S_IFMT) == S_IFLNK) {
            problem = "symbolic link";
        }
        if (problem != null) {
            refuse(name, problem);
            return next;
        }
        IndexedEntry e = new IndexedEntry(name, method, gp, crc, csize, size, local + shift, modified);
        if (out.putIfAbsent(name, e) != null) {
            refuse(name, "a second entry of the same name (the first is served)");
        }
        return next;
    }

    private void refuse(String name, String why) {
        if (++refused <= MAX_WARNINGS) {
            warn.accept(zipName + ": entry \"" + printable(name) + "\" not served: " + why);
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    private static Charset cp437() {
        try {
            return Charset.forName("IBM437");
        } catch (IllegalArgumentException e) {
            return StandardCharsets.ISO_8859_1; // same for ASCII names, which is nearly all of them
        }
    }
}
