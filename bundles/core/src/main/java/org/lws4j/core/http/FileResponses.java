package org.lws4j.core.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

import org.lws4j.api.HttpResponse;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.loop.ConnectionImpl;
import org.lws4j.core.mount.FileOrigin;
import org.lws4j.core.mount.MimeTypes;
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
        FileOrigin.Found f = (FileOrigin.Found) r;
        BasicFileAttributes a = f.attrs();
        long size = a.size();
        long mtimeMillis = a.lastModifiedTime().toMillis();
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(mtimeMillis) + "\"";
        String lastModified = HttpDates.format(mtimeMillis / 1000);
        String cacheControl = cacheControl(mount);

        if (notModified(ex.head, etag, mtimeMillis / 1000)) {
            HttpResponse nm = HttpResponse.of(304).header("ETag", etag).header("Last-Modified", lastModified);
            if (cacheControl != null) {
                nm.header("Cache-Control", cacheControl);
            }
            h.respondNow(nm, ByteBuffer.allocate(0));
            return;
        }
        HttpResponse ok = HttpResponse.of(200)
                .contentType(MimeTypes.forName(f.file().getFileName().toString(), mount.extraMimeTypes()))
                .header("ETag", etag)
                .header("Last-Modified", lastModified);
        if (cacheControl != null) {
            ok.header("Cache-Control", cacheControl);
        }
        try {
            if (ex.isHead) {
                conn.send(h.head(ok, size));
                h.responseDone();
                return;
            }
            FileSender sender = FileSender.open(f.file(), size);
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
        } catch (IOException e) {
            if (ex.responseStarted) {
                conn.closeNow("file read failed: " + e.getMessage());
            } else {
                h.refuse(404, "cannot open " + f.file() + ": " + e.getMessage());
            }
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
