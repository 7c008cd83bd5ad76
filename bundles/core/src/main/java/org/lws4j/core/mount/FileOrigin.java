package org.lws4j.core.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.function.Predicate;

/**
 * The directory (or container file, e.g. a zip) behind a FILE mount, and the one place that turns
 * URL segments into a file under it. Never yields a file outside the directory: segments that are dot segments or hold '/',
 * '\' or NUL are refused, and the real path (symlinks resolved) must stay under the directory's
 * real path. Thread-safe.
 */
public final class FileOrigin {
    /** What a path resolved to. */
    public sealed interface Result permits Found, Container, Redirect, Refused {
    }

    /**
     * The path runs through a regular file under the origin (or the origin is one), e.g.
     * {@code book.zip/chapter1.html}: file-ops layers open what is inside it.
     */
    public record Container(Path file, List<String> inner, boolean trailingSlash) implements Result {
        /** The path for the file ops: the container, then the inner path. */
        public String opsPath(String defaultDocument) {
            StringBuilder b = new StringBuilder(file.toString());
            for (String s : inner) {
                b.append('/').append(s);
            }
            if ((inner.isEmpty() || trailingSlash) && defaultDocument != null) {
                b.append('/').append(defaultDocument);
            }
            return b.toString();
        }
    }

    /**
     * A regular file under the origin: its real path, its attributes, and the path as asked for
     * (symlinks not resolved), which {@link SmallFiles} checks it by.
     */
    public record Found(Path file, BasicFileAttributes attrs, Path asked) implements Result {
    }

    /** A directory asked for without its trailing slash: redirect to the path with one. */
    public record Redirect() implements Result {
    }

    /** Refused with {@code status} (403 or 404) for {@code reason} (logged, not sent). */
    public record Refused(int status, String reason) implements Result {
    }

    private final Path configured;
    private final Predicate<Path> readable;
    private volatile Path root;
    private final SmallFiles smallFiles = new SmallFiles();

    public FileOrigin(Path directory) {
        this(directory, Files::isReadable);
    }

    /** With the operating system's answer to "may this process read it" given (tests running as root). */
    FileOrigin(Path directory, Predicate<Path> readable) {
        this.configured = directory;
        this.readable = readable;
    }

    public Path directory() {
        return configured;
    }

    /** This origin's small files kept in memory (each checked on use). */
    public SmallFiles smallFiles() {
        return smallFiles;
    }

    /**
     * Resolves {@code segments} (decoded, below the mountpoint) to a file.
     *
     * @param trailingSlash whether the URL path ended with '/'
     * @param defaultDocument the file to serve for a directory, or null
     */
    public Result resolve(List<String> segments, boolean trailingSlash, String defaultDocument) {
        for (String s : segments) {
            if (s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0 || s.indexOf('\0') >= 0) {
                return new Refused(403, "path segment not allowed: " + s);
            }
        }
        Path r = root();
        if (r == null) {
            return new Refused(404, "origin directory " + configured + " does not exist");
        }
        if (Files.isRegularFile(r)) {
            return new Container(r, segments, trailingSlash); // the origin itself is a container
        }
        Path candidate = r;
        for (String seg : segments) {
            candidate = candidate.resolve(seg);
        }
        Result first = check(r, candidate);
        if (first instanceof Refused && ((Refused) first).status() == 404) {
            // not a file: perhaps the path runs through one (book.zip/chapter1.html)
            Result c = container(r, segments, trailingSlash);
            return c != null ? c : first;
        }
        if (!(first instanceof Found)) {
            return first;
        }
        Found f = (Found) first;
        if (!f.attrs().isDirectory()) {
            // "book.zip/": a file asked for as a folder is left to the file ops layers
            return trailingSlash && !segments.isEmpty() ? new Container(f.file(), List.of(), true) : regular(f);
        }
        if (!trailingSlash && !segments.isEmpty()) {
            return new Redirect();
        }
        if (defaultDocument == null || defaultDocument.isEmpty()) {
            return new Refused(403, "directory without a default document: " + candidate);
        }
        Result doc = check(r, candidate.resolve(defaultDocument));
        return doc instanceof Found ? regular((Found) doc) : doc;
    }

    /** The first regular file along {@code segments} with segments after it, as a container; or null. */
    private static Result container(Path root, List<String> segments, boolean trailingSlash) {
        Path p = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            p = p.resolve(segments.get(i));
            if (Files.isRegularFile(p)) {
                Result c = check(root, p);
                return c instanceof Found
                        ? new Container(((Found) c).file(), segments.subList(i + 1, segments.size()), trailingSlash) : c;
            }
            if (!Files.isDirectory(p)) {
                return null;
            }
        }
        return null;
    }

    private Result regular(Found f) {
        if (!f.attrs().isRegularFile()) {
            return new Refused(403, "not a regular file: " + f.file());
        }
        if (!readable.test(f.file())) {
            return new Refused(403, "not readable: " + f.file());
        }
        return f;
    }

    private static Result check(Path root, Path candidate) {
        BasicFileAttributes attrs;
        Path real;
        try {
            attrs = SmallFiles.attributes(candidate);
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            return new Refused(404, "no such file: " + candidate);
        } catch (IOException | SecurityException e) {
            return new Refused(404, "cannot read " + candidate + ": " + e);
        }
        if (!real.startsWith(root)) {
            return new Refused(403, "resolves outside the origin: " + candidate + " -> " + real);
        }
        return new Found(real, attrs, candidate);
    }

    /** The origin's real path (a directory, or the container file itself); null while it does not exist. */
    public Path root() {
        Path r = root;
        if (r == null) {
            try {
                if (Files.isDirectory(configured) || Files.isRegularFile(configured)) {
                    r = configured.toRealPath();
                    root = r;
                }
            } catch (IOException e) {
                return null;
            }
        }
        return r;
    }
}
