package org.lws4j.core.mount;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The small regular files of one {@link FileOrigin} kept in memory with what their responses say
 * about them, by the URL path that named them. Every use checks the file first with one
 * {@code stat} of the path as asked for (symlinks followed): a different file (device and inode),
 * size, modification time (to the nanosecond) or permission bits drops the entry, and the request
 * takes the long way (resolving, opening, reading), which puts the new version in. So a file
 * edited, replaced, moved, made unreadable or pointed elsewhere by a symlink is never served from
 * here; what is saved is the path walk, the open, the read and the close of an unchanged file.
 *
 * <p>Bounded: files up to {@link #MAX_FILE} bytes, {@link #MAX_TOTAL} bytes and
 * {@link #MAX_ENTRIES} entries in all (past them nothing more is added until entries drop out).
 * Thread-safe.
 */
public final class SmallFiles {
    public static final int MAX_FILE = 32 * 1024;
    static final long MAX_TOTAL = 8L * 1024 * 1024;
    static final int MAX_ENTRIES = 1024;
    private static final boolean POSIX = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /**
     * A file as it was read: where it was asked for ({@code candidate}), the real path the file ops
     * opened ({@code opsPath}), its identity for the check,
     * its bytes (read-only; {@link #body()} gives each response its own view), and what the
     * response says about it.
     */
    public record Entry(Path candidate, String opsPath, Object fileKey, long size, FileTime modified, Set<PosixFilePermission> mode,
                        ByteBuffer bytes, String type, String etag, String lastModified, long modifiedSecs) {
        /** The bytes for one response. */
        public ByteBuffer body() {
            return bytes.duplicate();
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    /**
     * The key of a request path: its segments, whether it ended with '/', the default document;
     * null for a path {@link FileOrigin} refuses (a segment that is a dot segment or holds '/', '\'
     * or NUL), which never reaches the memory copy ("a%2Fb" is one segment and must stay a 403,
     * not find the entry of "a/b").
     */
    public static String key(List<String> segments, boolean trailingSlash, String defaultDocument) {
        StringBuilder b = new StringBuilder(64);
        for (String s : segments) {
            if (s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0 || s.indexOf('\0') >= 0) {
                return null;
            }
            b.append('/').append(s);
        }
        if (trailingSlash) {
            b.append('/');
        }
        return b.append('\0').append(defaultDocument == null ? "" : defaultDocument).toString();
    }

    /** The entry for {@code key} if its file is unchanged since it was read; null otherwise. */
    public Entry get(String key) {
        if (key == null) {
            return null;
        }
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        BasicFileAttributes a;
        try {
            a = attributes(e.candidate());
        } catch (IOException | SecurityException x) {
            drop(key, e);
            return null;
        }
        if (!a.isRegularFile() || a.size() != e.size() || !a.lastModifiedTime().equals(e.modified())
                || !Objects.equals(a.fileKey(), e.fileKey()) || !Objects.equals(mode(a), e.mode())) {
            drop(key, e);
            return null;
        }
        return e;
    }

    /**
     * Keeps a file just read under {@code key}, when it is small, {@code attrs} (taken before it was
     * opened) identify it, and there is room. {@code body} is copied.
     */
    public Entry put(String key, Path candidate, String opsPath, BasicFileAttributes attrs, ByteBuffer body, String type, String etag,
                     String lastModified, long modifiedSecs) {
        int n = body.remaining();
        if (key == null || n > MAX_FILE || attrs.fileKey() == null || attrs.size() != n) {
            return null; // too big, no identity to check it by, or it changed while being read
        }
        ByteBuffer copy = ByteBuffer.allocateDirect(Math.max(1, n));
        copy.put(body.duplicate()).flip();
        Entry e = new Entry(candidate, opsPath, attrs.fileKey(), attrs.size(), attrs.lastModifiedTime(), mode(attrs),
                copy.asReadOnlyBuffer(), type, etag, lastModified, modifiedSecs);
        if (entries.size() >= MAX_ENTRIES) {
            return null;
        }
        if (bytes.addAndGet(n) > MAX_TOTAL) {
            bytes.addAndGet(-n);
            return null;
        }
        Entry old = entries.put(key, e);
        if (old != null) {
            bytes.addAndGet(-old.size());
        }
        return e;
    }

    /** Bytes held now (for tests and the shell). */
    public long bytes() {
        return bytes.get();
    }

    public int size() {
        return entries.size();
    }

    private void drop(String key, Entry e) {
        if (entries.remove(key, e)) {
            bytes.addAndGet(-e.size());
        }
    }

    /**
     * A file's attributes by one {@code stat}, symlinks followed: POSIX ones (with the permission
     * bits the check compares) where the file system has them.
     */
    public static BasicFileAttributes attributes(Path p) throws IOException {
        return POSIX ? Files.readAttributes(p, PosixFileAttributes.class) : Files.readAttributes(p, BasicFileAttributes.class);
    }

    private static Set<PosixFilePermission> mode(BasicFileAttributes a) {
        return a instanceof PosixFileAttributes p ? p.permissions() : null;
    }
}
