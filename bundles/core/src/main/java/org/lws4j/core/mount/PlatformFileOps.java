package org.lws4j.core.mount;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

import org.lws4j.spi.fileops.FileFlag;
import org.lws4j.spi.fileops.FileHandle;
import org.lws4j.spi.fileops.FileOps;

/** The platform's file operations: plain files, read through a {@link FileChannel}. */
public final class PlatformFileOps implements FileOps {
    public static final PlatformFileOps INSTANCE = new PlatformFileOps();

    private PlatformFileOps() {
    }

    @Override
    public FileHandle open(String path, Set<FileFlag> flags, FileOps below) throws IOException {
        Path p = Path.of(path);
        long modified = Files.getLastModifiedTime(p).toMillis();
        return new Handle(FileChannel.open(p, StandardOpenOption.READ), modified);
    }

    private static final class Handle implements FileHandle {
        private final FileChannel fc;
        private final long modified;

        Handle(FileChannel fc, long modified) {
            this.fc = fc;
            this.modified = modified;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return fc.read(dst);
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
        public FileChannel channel() {
            return fc;
        }

        @Override
        public void close() throws IOException {
            fc.close();
        }
    }
}
