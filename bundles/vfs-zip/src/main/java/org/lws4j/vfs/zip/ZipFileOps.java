package org.lws4j.vfs.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipException;

import org.lws4j.api.Context;
import org.lws4j.spi.fileops.FileFlag;
import org.lws4j.spi.fileops.FileHandle;
import org.lws4j.spi.fileops.FileOps;
import org.lws4j.api.LogLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * File ops inside zip files, lws's {@code .zip/} fops: {@code /srv/www/book.zip/ch1.html} opens
 * the entry {@code ch1.html} of {@code /srv/www/book.zip}, which is read through {@code below}.
 *
 * <p>Per open: the container is opened through {@code below}; its index (the central directory,
 * read once per version of the zip, see {@link CentralDirectoryReader}) comes from the cache; the
 * entry's local header is read to find its data. Then:
 * <ul>
 * <li>a DEFLATE entry, when the caller takes gzip ({@link FileFlag#GZIP_ACCEPTABLE}): a
 *     {@link FileFlag#GZIP} handle whose bytes are the stored deflate data in a gzip wrapper;</li>
 * <li>a DEFLATE entry otherwise: inflated as it is read;</li>
 * <li>a STORED entry: its bytes as they are.</li>
 * </ul>
 * A missing entry is a {@link NoSuchFileException}; a damaged zip, an encrypted entry or another
 * compression method an {@link IOException} for that open alone.
 *
 * <p>Thread-safe: any number of service threads open through it at once; each handle is used by
 * one thread at a time and owns its container handle.
 */
@Component(service = FileOps.class, configurationPid = ZipFileOps.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = FileOps.SIGNATURE + "=" + ZipFileOps.SIGNATURE)
@Designate(ocd = ZipFileOps.Config.class)
public final class ZipFileOps implements FileOps {
    static final String PID = "org.lws4j.vfs.zip";
    static final String SIGNATURE = ".zip/";
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int LOCAL_LEN = 30;

    /** How many indexes are kept. */
    @ObjectClassDefinition(name = "lws4j zip file ops", description = "Serving from inside .zip files")
    public @interface Config {
        @AttributeDefinition(description = "Zip indexes (central directories) kept in memory at most")
        int index_cache_zips() default 32;

        @AttributeDefinition(description = "Entries kept in memory at most, over all cached indexes; "
                + "a zip with more entries than this is not served")
        int index_cache_entries() default 250_000;
    }

    private volatile IndexCache cache = new IndexCache(32, 250_000);
    private volatile int maxEntries = 250_000;
    /** Index builds, for tests and the log. */
    final AtomicLong indexReads = new AtomicLong();

    /** Only for log lines. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Context context;

    /** For DS. */
    public ZipFileOps() {
    }

    /** Outside a framework (tests). */
    ZipFileOps(int maxZips, int maxEntries) {
        this.cache = new IndexCache(maxZips, maxEntries);
        this.maxEntries = maxEntries;
    }

    @Activate
    @Modified
    void configure(Config c) {
        maxEntries = Math.max(1, c.index_cache_entries());
        cache = new IndexCache(c.index_cache_zips(), maxEntries);
    }

    @Deactivate
    void deactivate() {
        cache.clear();
    }

    IndexCache cache() {
        return cache;
    }

    @Override
    public FileHandle open(String path, Set<FileFlag> flags, FileOps below) throws IOException {
        int at = path.indexOf(SIGNATURE);
        if (at < 0) {
            return below.open(path, flags, below);
        }
        // the container is the first "x.zip" along the path that opens as one (a folder may be
        // called x.zip too); a failure is reported for the first candidate
        IOException first = null;
        while (at >= 0) {
            try {
                return openEntry(path.substring(0, at + SIGNATURE.length() - 1), path.substring(at + SIGNATURE.length()),
                        flags, below);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
            at = path.indexOf(SIGNATURE, at + 1);
        }
        throw first;
    }

    private FileHandle openEntry(String container, String name, Set<FileFlag> flags, FileOps below) throws IOException {
        FileHandle zip = below.open(container, EnumSet.noneOf(FileFlag.class), below);
        boolean owned = false;
        try {
            ZipIndex index = index(container, zip);
            IndexedEntry e = name.isEmpty() ? null : index.entry(name);
            if (e == null) {
                throw new NoSuchFileException(container + "/" + name, null, "no such entry in the zip");
            }
            FileHandle h;
            try {
                h = handle(zip, index, e, flags.contains(FileFlag.GZIP_ACCEPTABLE));
            } catch (ZipException damaged) {
                cache.remove(container); // read the directory again next time
                throw damaged;
            }
            owned = true;
            return h;
        } finally {
            if (!owned) {
                zip.close();
            }
        }
    }

    private ZipIndex index(String container, FileHandle zip) throws IOException {
        ZipIndex.Stamp stamp = new ZipIndex.Stamp(zip.length(),
                zip.flags().contains(FileFlag.MOD_TIME_VALID) ? zip.modified() : -1, zip.etag());
        IndexCache c = cache;
        ZipIndex index = c.get(container, stamp);
        if (index != null) {
            return index;
        }
        long t0 = System.nanoTime();
        index = CentralDirectoryReader.read(zip, container, stamp, maxEntries, line -> log(LogLevel.WARN, line));
        indexReads.incrementAndGet();
        c.put(container, index);
        log(LogLevel.INFO, String.format("zip %s: indexed %d entries in %d us", container, index.size(),
                (System.nanoTime() - t0) / 1000));
        return index;
    }

    private static FileHandle handle(FileHandle zip, ZipIndex index, IndexedEntry e, boolean gzipOk) throws IOException {
        if (e.encrypted()) {
            throw new IOException("entry " + e.name() + " is encrypted; not served");
        }
        if (e.method() != IndexedEntry.STORED && e.method() != IndexedEntry.DEFLATED) {
            throw new IOException("entry " + e.name() + " uses compression method " + e.method()
                    + "; only STORED (0) and DEFLATE (8) are served");
        }
        if (e.method() == IndexedEntry.STORED && e.compressedSize() != e.size()) {
            throw new ZipException("entry " + e.name() + " is STORED but its sizes differ");
        }
        long dataStart = dataStart(zip, index, e);
        if (e.method() == IndexedEntry.STORED) {
            return new StoredEntryHandle(zip, e, dataStart);
        }
        return gzipOk ? new GzipEntryHandle(zip, e, dataStart) : new InflatingEntryHandle(zip, e, dataStart);
    }

    /** Where the entry's data starts: after its local header, whose name and extra lengths may differ from the directory's. */
    private static long dataStart(FileHandle zip, ZipIndex index, IndexedEntry e) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(LOCAL_LEN).order(ByteOrder.LITTLE_ENDIAN);
        zip.seek(e.localHeaderOffset(), FileHandle.Whence.START);
        while (b.hasRemaining()) {
            int n = zip.read(b);
            if (n <= 0) {
                throw new ZipException("the zip ends inside the local header of " + e.name() + " (truncated?)");
            }
        }
        if (b.getInt(0) != LOCAL_SIG) {
            throw new ZipException("no local header for " + e.name() + " at " + e.localHeaderOffset());
        }
        long start = e.localHeaderOffset() + LOCAL_LEN + (b.getShort(26) & 0xffff) + (b.getShort(28) & 0xffff);
        if (start + e.compressedSize() > index.dataLimit()) {
            throw new ZipException("the data of " + e.name() + " runs into the central directory");
        }
        return start;
    }

    private void log(LogLevel level, String line) {
        Context c = context;
        if (c != null) {
            c.log().log(level, "%s", line);
        } else if (level == LogLevel.WARN || level == LogLevel.ERR) {
            System.err.println("lws4j vfs-zip: " + line);
        }
    }
}
