package org.lws4j.core.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The directory behind a FILE mount, and the one place that turns URL segments into a file under
 * it. Never yields a file outside the directory: segments that are dot segments or hold '/',
 * '\' or NUL are refused, and the real path (symlinks resolved) must stay under the directory's
 * real path. Thread-safe.
 */
public final class FileOrigin {
    /** What a path resolved to. */
    public sealed interface Result permits Found, Redirect, Refused {
    }

    /** A regular file under the origin. */
    public record Found(Path file, BasicFileAttributes attrs) implements Result {
    }

    /** A directory asked for without its trailing slash: redirect to the path with one. */
    public record Redirect() implements Result {
    }

    /** Refused with {@code status} (403 or 404) for {@code reason} (logged, not sent). */
    public record Refused(int status, String reason) implements Result {
    }

    private final Path configured;
    private volatile Path root;

    public FileOrigin(Path directory) {
        this.configured = directory;
    }

    public Path directory() {
        return configured;
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
        Path candidate = r;
        for (String s : segments) {
            candidate = candidate.resolve(s);
        }
        Result first = check(r, candidate);
        if (!(first instanceof Found)) {
            return first;
        }
        Found f = (Found) first;
        if (!f.attrs().isDirectory()) {
            return regular(f);
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

    private static Result regular(Found f) {
        if (!f.attrs().isRegularFile()) {
            return new Refused(403, "not a regular file: " + f.file());
        }
        if (!Files.isReadable(f.file())) {
            return new Refused(403, "not readable: " + f.file());
        }
        return f;
    }

    private static Result check(Path root, Path candidate) {
        BasicFileAttributes attrs;
        Path real;
        try {
            attrs = Files.readAttributes(candidate, BasicFileAttributes.class);
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            return new Refused(404, "no such file: " + candidate);
        } catch (IOException | SecurityException e) {
            return new Refused(404, "cannot read " + candidate + ": " + e);
        }
        if (!real.startsWith(root)) {
            return new Refused(403, "resolves outside the origin: " + candidate + " -> " + real);
        }
        return new Found(real, attrs);
    }

    private Path root() {
        Path r = root;
        if (r == null) {
            try {
                if (Files.isDirectory(configured)) {
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
