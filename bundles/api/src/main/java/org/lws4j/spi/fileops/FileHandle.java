package org.lws4j.spi.fileops;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/** An open file: lws's {@code lws_fop_fd_t} with its operations. Used by one thread at a time. */
@ConsumerType
public interface FileHandle extends Closeable {
    /** Where {@link #seek} counts from. */
    @ProviderType
    enum Whence { START, CURRENT, END }

    /** Reads into {@code dst}; the count, or -1 at the end. */
    int read(ByteBuffer dst) throws IOException;

    /** Moves the position; returns the new one. */
    long seek(long offset, Whence whence) throws IOException;

    /** The position (lws's tell). */
    long position() throws IOException;

    /** The length of what {@link #read} yields (for a GZIP handle, the gzip stream's length). */
    long length() throws IOException;

    /** Last modification, epoch milliseconds; meaningful only with {@link FileFlag#MOD_TIME_VALID}. */
    long modified();

    /** What the handle is: {@link FileFlag#GZIP}, {@link FileFlag#MOD_TIME_VALID}, {@link FileFlag#VIRTUAL}. */
    Set<FileFlag> flags();

    /**
     * A strong validator for the content, or null to let the core make one from length and
     * modification time.
     */
    default String etag() {
        return null;
    }

    /** The platform file behind the handle, for zero-copy sending; null for virtual handles. */
    default FileChannel channel() {
        return null;
    }
}
