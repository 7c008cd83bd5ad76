package org.lws4j.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.lws4j.spi.fileops.FileFlag;
import org.lws4j.spi.fileops.FileHandle;
import org.lws4j.spi.fileops.FileOps;

/**
 * File ops on the platform's files, for tests of what layers on them (a {@code .zip/} provider
 * reads its container through them) and of protocols that read files through
 * {@link org.lws4j.api.Vhost#fileOps()}: each open reads a plain file with a {@link FileChannel},
 * and the ops count what they did ({@link #opens()}, {@link #closes()}, {@link #bytesRead()}), so
 * a test can check that every handle was closed or that little was read. Thread-safe; a handle is
 * used by one thread at a time.
 */
public final class PlainFileOps implements FileOps {
    private final AtomicInteger opens = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private final AtomicLong bytesRead = new AtomicLong();

    @Override
    public FileHandle open(String path, Set<FileFlag> flags, FileOps below) throws IOException {
        Path p = Path.of(path);
        long modified = Files.getLastModifiedTime(p).toMillis();
        FileChannel fc = FileChannel.open(p, StandardOpenOption.READ);
        opens.incrementAndGet();
        return new FileHandle() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                int n = fc.read(dst);
                if (n > 0) {
                    bytesRead.addAndGet(n);
                }
                return n;
            }

            @Override
            public long seek(long offset, Whence whence) throws IOException {
                long base = whence == Whence.START ? 0 : whence == Whence.CURRENT ? fc.position() : fc.size();
                fc.position(Math.max(0, base + offset));
                return fc.position();
            }

            @Override
            public long position() throws IOException {
                return fc.position();
            }

            @Override
            public long length() throws IOException {
                return fc.size();
            }

            @Override
            public long modified() {
                return modified;
            }

            @Override
            public Set<FileFlag> flags() {
                return EnumSet.of(FileFlag.MOD_TIME_VALID);
            }

            @Override
            public void close() throws IOException {
                closes.incrementAndGet();
                fc.close();
            }
        };
    }

    /** Files opened so far. */
    public int opens() {
        return opens.get();
    }

    /** Handles closed so far. */
    public int closes() {
        return closes.get();
    }

    /** Bytes read through {@link FileHandle#read} so far. */
    public long bytesRead() {
        return bytesRead.get();
    }
}
