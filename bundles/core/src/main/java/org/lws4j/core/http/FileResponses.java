package org.lws4j.core.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.EnumSet;
import java.util.List;

import org.lws4j.spi.fileops.FileFlag;
import org.lws4j.spi.fileops.FileHandle;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.LogLevel;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.mount.FileOrigin;
import org.lws4j.core.mount.MimeTypes;
import org.lws4j.core.mount.PlatformFileOps;
import org.lws4j.core.mount.SmallFiles;
import org.lws4j.core.vhost.VhostImpl;

/**
 * Answers a FILE mount request: resolves the path under the origin, answers 304 when the
 * client's copy is current (ETag, then Last-Modified), and sends the file with its type, length,
 * validators and the mount's Cache-Control.
 */
final class FileResponses {
    private FileResponses() {
    }

    static void serve(HttpServerHandler h, ConnectionImpl conn, VhostImpl vhost, MountConfig mount,
                      List<String> segments, boolean trailingSlash) {
        Exchange ex = h.exchange();
        FileOrigin origin = vhost.fileOrigin(mount);
        String smallKey = SmallFiles.key(segments, trailingSlash, mount.defaultDocument());
        SmallFiles.Entry small = origin.smallFiles().get(smallKey);
        if (small != null && vhost.noLayerFor(small.opsPath())) {
            sendSmall(h, conn, ex, mount, small);
            return;
        }
        FileOrigin.Result r = origin.resolve(segments, trailingSlash, mount.defaultDocument());
        if (r instanceof FileOrigin.Refused) {
            FileOrigin.Refused no = (FileOrigin.Refused) r;
            h.refuse(no.status(), no.reason());
            return;
        }
        if (r instanceof FileOrigin.Redirect) {
            String q = ex.head.query();
            h.redirectTo(301, ex.head.rawPath() + "/" + (q == null ? "" : "?" + q));
            return;
        }
        String path;
        String name;
        if (r instanceof FileOrigin.Container) {
            FileOrigin.Container c = (FileOrigin.Container) r;
            path = c.opsPath(mount.defaultDocument());
            if (vhost.noLayerFor(path)) {
                if (vhost.layerMissing(mount, c.file(), path)) {
                    // its plug-in is away (a bundle update, or not installed yet): as for a
                    // callback mount whose protocol is away
                    h.unavailable("no file ops layer opens " + c.file().getFileName() + " now");
                } else {
                    // nothing here ever opened this kind of file as a folder: there is no such file
                    h.refuse(404, "no file ops layer opens " + c.file().getFileName() + " as a container");
                }
                return;
            }
        } else {
            path = ((FileOrigin.Found) r).file().toString();
        }
        // the type comes from the name asked for, not from where a symlink leads
        name = path.substring(path.lastIndexOf('/') + 1);
        if (r instanceof FileOrigin.Found && !segments.isEmpty() && !trailingSlash) {
            name = segments.get(segments.size() - 1);
        }
        boolean gzipOk = acceptsGzip(ex.head);
        FileHandle fh;
        try {
            fh = vhost.fileOps().open(path, gzipOk ? EnumSet.of(FileFlag.GZIP_ACCEPTABLE) : EnumSet.noneOf(FileFlag.class),
                    PlatformFileOps.INSTANCE);
        } catch (NoSuchFileException e) {
            h.refuse(404, "no such file: " + path);
            return;
        } catch (IOException | RuntimeException e) {
            conn.log(LogLevel.WARN, "%s: cannot open %s: %s", conn, path, e);
            h.respondError(500, "the file could not be read", false);
            return;
        }
        // a plain file the platform opened, small enough to keep: read, kept, and sent from memory
        SmallFiles.Entry keep = null;
        if (r instanceof FileOrigin.Found f && vhost.noLayerFor(path)) {
            keep = keepSmall(origin, smallKey, f, fh, name, mount);
        }
        if (keep != null) {
            closeQuietly(fh);
            sendSmall(h, conn, ex, mount, keep);
            return;
        }
        try {
            send(h, conn, ex, mount, fh, name, r instanceof FileOrigin.Container);
        } catch (IOException e) {
            closeQuietly(fh);
            if (ex.responseStarted) {
                conn.closeNow("file read failed: " + e.getMessage());
            } else {
                conn.log(LogLevel.WARN, "%s: cannot read %s: %s", conn, path, e);
                h.respondError(500, "the file could not be read", false);
            }
        }
    }

    private static void send(HttpServerHandler h, ConnectionImpl conn, Exchange ex, MountConfig mount, FileHandle fh,
                             String name, boolean layered) throws IOException {
        long size = fh.length();
        boolean timeValid = fh.flags().contains(FileFlag.MOD_TIME_VALID);
        long mtimeMillis = timeValid ? fh.modified() : 0;
        String etag = etag(fh, size, mtimeMillis);
        String lastModified = timeValid ? HttpDates.format(mtimeMillis / 1000) : null;
        String cacheControl = cacheControl(mount);
        boolean gzip = fh.flags().contains(FileFlag.GZIP);

        if (notModified(ex.head, etag, timeValid ? mtimeMillis / 1000 : -1)) {
            closeQuietly(fh);
            respondNotModified(h, etag, lastModified, cacheControl, layered);
            return;
        }
        HttpResponse ok = HttpResponse.of(200)
                .contentType(MimeTypes.forName(name, mount.extraMimeTypes()))
                .header("ETag", etag);
        if (gzip) {
            ok.header("Content-Encoding", "gzip");
        }
        decorate(ok, lastModified, cacheControl, layered);
        if (ex.isHead) {
            closeQuietly(fh);
            conn.send(h.head(ok, size));
            h.responseDone();
            return;
        }
        FileSender sender = new FileSender(fh, size);
        if (size <= FileSender.SMALL) {
            ByteBuffer body;
            try {
                body = sender.readAll();
            } finally {
                sender.close();
            }
            conn.send(h.head(ok, size), body);
            h.responseDone();
            return;
        }
        ex.file = sender;
        conn.send(h.head(ok, size));
        pump(h, conn, ex);
    }

    /** Reads a small platform file into the origin's {@link SmallFiles}; null when it is not kept. */
    private static SmallFiles.Entry keepSmall(FileOrigin origin, String key, FileOrigin.Found f, FileHandle fh, String name,
                                              MountConfig mount) {
        try {
            long size = fh.length();
            if (size > SmallFiles.MAX_FILE || size != f.attrs().size() || !fh.flags().contains(FileFlag.MOD_TIME_VALID)
                    || fh.flags().contains(FileFlag.GZIP)) {
                return null;
            }
            long mtimeMillis = fh.modified();
            ByteBuffer body = new FileSender(fh, size).readAll();
            return origin.smallFiles().put(key, f.asked(), f.file().toString(), f.attrs(), body,
                    MimeTypes.forName(name, mount.extraMimeTypes()), etag(fh, size, mtimeMillis),
                    HttpDates.format(mtimeMillis / 1000),
                    mtimeMillis / 1000);
        } catch (IOException e) {
            return null; // the long way says what went wrong
        }
    }

    /** A small file from memory: the same answers as {@link #send} gives for it from disk. */
    private static void sendSmall(HttpServerHandler h, ConnectionImpl conn, Exchange ex, MountConfig mount,
                                  SmallFiles.Entry e) {
        String cacheControl = cacheControl(mount);
        if (notModified(ex.head, e.etag(), e.modifiedSecs())) {
            respondNotModified(h, e.etag(), e.lastModified(), cacheControl, false);
            return;
        }
        HttpResponse ok = HttpResponse.of(200).contentType(e.type()).header("ETag", e.etag());
        decorate(ok, e.lastModified(), cacheControl, false);
        if (ex.isHead) {
            conn.send(h.head(ok, e.size()));
        } else {
            conn.send(h.head(ok, e.size()), e.body());
        }
        h.responseDone();
    }

    /** The file's own ETag if its file ops give one, else one made of its size and modification time. */
    private static String etag(FileHandle fh, long size, long mtimeMillis) {
        return fh.etag() != null ? fh.etag() : "\"" + Long.toHexString(size) + "-" + Long.toHexString(mtimeMillis) + "\"";
    }

    /** 304 with the validators and caching headers the 200 would carry, no body. */
    private static void respondNotModified(HttpServerHandler h, String etag, String lastModified, String cacheControl,
                                           boolean layered) {
        HttpResponse nm = HttpResponse.of(304).header("ETag", etag);
        decorate(nm, lastModified, cacheControl, layered);
        h.respondNow(nm, ByteBuffer.allocate(0));
    }

    private static void decorate(HttpResponse r, String lastModified, String cacheControl, boolean layered) {
        if (lastModified != null) {
            r.header("Last-Modified", lastModified);
        }
        if (cacheControl != null) {
            r.header("Cache-Control", cacheControl);
        }
        if (layered) {
            r.header("Vary", "Accept-Encoding"); // a layer may answer gzip or not by what the client takes
        }
    }

    /** True when the client takes gzip (Accept-Encoding names it without q=0). */
    static boolean acceptsGzip(RequestHead head) {
        for (String v : head.headers("accept-encoding")) {
            for (String part : v.split(",")) {
                String[] p = part.trim().split(";");
                String coding = p[0].trim();
                if (coding.equalsIgnoreCase("gzip") || coding.equals("*")) {
                    boolean zero = false;
                    for (int i = 1; i < p.length; i++) {
                        String q = p[i].trim();
                        if (q.startsWith("q=") && q.substring(2).trim().matches("0(\\.0{0,3})?")) {
                            zero = true;
                        }
                    }
                    if (!zero) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void closeQuietly(FileHandle fh) {
        try {
            fh.close();
        } catch (IOException ignored) {
            // read-only; nothing lost
        }
    }

    /** Sends more of the file; completes the response when it is all out. */
    static void pump(HttpServerHandler h, ConnectionImpl conn, Exchange ex) {
        try {
            if (ex.file.pump(conn)) {
                h.responseDone();
            } else if (conn.isOpen()) {
                conn.requestWriteable();
            }
        } catch (IOException e) {
            conn.closeNow("sending file failed: " + e.getMessage());
        }
    }

    private static boolean notModified(RequestHead head, String etag, long mtimeSecs) {
        if (mtimeSecs < 0 && head.header("if-none-match") == null) {
            return false;
        }
        String inm = head.header("if-none-match");
        if (inm != null) {
            for (String t : inm.split(",")) {
                String tag = t.trim();
                if (tag.startsWith("W/")) {
                    tag = tag.substring(2);
                }
                if (tag.equals("*") || tag.equals(etag)) {
                    return true;
                }
            }
            return false; // If-None-Match wins over If-Modified-Since (RFC 9110 section 13.1.3)
        }
        long ims = HttpDates.parse(head.header("if-modified-since"));
        return ims >= 0 && mtimeSecs <= ims;
    }

    /** lws's cache-max-age / cache-reuse / cache-revalidate / cache-intermediaries as Cache-Control. */
    static String cacheControl(MountConfig m) {
        var o = m.options();
        if (!o.containsKey("cache-max-age") && !o.containsKey("cache-reuse")
                && !o.containsKey("cache-revalidate") && !o.containsKey("cache-intermediaries")) {
            return null;
        }
        if (!m.flagOption("cache-reuse", false)) {
            return "no-store";
        }
        StringBuilder b = new StringBuilder(m.flagOption("cache-intermediaries", false) ? "public" : "private");
        int age = m.intOption("cache-max-age", 0);
        b.append(age > 0 ? ", max-age=" + age : ", no-cache");
        if (m.flagOption("cache-revalidate", false)) {
            b.append(", must-revalidate");
        }
        return b.toString();
    }
}
