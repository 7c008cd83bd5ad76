package org.lws4j.vfs.zip;

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

/** Platform file ops for tests (core's are not exported), counting opens, closes and bytes read. */
final class PlainOps implements FileOps {
    final AtomicLong bytesRead = new AtomicLong();
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();

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
}
