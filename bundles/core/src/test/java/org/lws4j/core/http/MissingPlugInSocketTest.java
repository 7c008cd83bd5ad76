package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.spi.fileops.FileOps;

/**
 * A mount whose plug-in is away answers 503 with Retry-After, whatever the plug-in: here a file
 * ops layer (as vfs-zip is) for a mount whose origin is a container file, and for paths through
 * containers of a kind a layer served before. A path through a plain file that no layer ever
 * opened is simply not there: 404.
 */
class MissingPlugInSocketTest {
    @TempDir
    Path tmp;

    /** A layer for ".zip/" paths that reads "x.zip/name" from the folder "x" beside the zip. */
    private static final FileOps LAYER = (path, flags, below) -> below.open(path.replace(".zip/", "/"), flags, below);

    @Test
    void containerMountsAnswer503WhileTheirLayerIsAwayAnd404ForPlainFiles() throws IOException {
        Path www = TestServer.writeSite(tmp);
        Path book = Files.createDirectories(tmp.resolve("book"));
        Files.writeString(book.resolve("index.html"), "<h1>book</h1>");
        Files.writeString(tmp.resolve("book.zip"), "not read by the test layer");
        Files.createDirectories(www.resolve("shelf"));
        Files.writeString(www.resolve("shelf/other.zip"), "a zip in a folder mount");
        try (TestServer s = TestServer.start(TestServer.defaults(),
                List.of(TestServer.mount("/", "file://" + www, "index.html"),
                        TestServer.mount("/book", "file://" + tmp.resolve("book.zip"), "index.html")));
             RawClient c = s.client()) {
            // nothing ever served ".zip/" here: the zip mount's plug-in is missing, a path
            // through a zip of the folder mount is just not a file
            assertUnavailable(c.get("/book/index.html"));
            assertEquals(404, c.get("/shelf/other.zip/x.html").status());
            assertEquals(404, c.get("/hello.txt/x").status(), "a path through a plain file");

            s.ctx.addFileOps(".zip/", LAYER, 0, 1);
            RawClient.Response r = c.get("/book/index.html");
            assertEquals(200, r.status(), r.toString());
            assertEquals("<h1>book</h1>", r.text());

            s.ctx.removeFileOps(LAYER);
            assertUnavailable(c.get("/book/index.html"));
            assertUnavailable(c.get("/shelf/other.zip/x.html"));
            assertEquals(404, c.get("/hello.txt/x").status(), "still: no layer ever served plain files");
            assertEquals(200, c.get("/shelf/other.zip").status(), "the zip itself is a file");
        }
    }

    private static void assertUnavailable(RawClient.Response r) {
        assertEquals(503, r.status(), r.toString());
        assertEquals(String.valueOf(HttpServerHandler.RETRY_AFTER_SECS), r.header("Retry-After"), r.toString());
    }
}
