package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.core.http.RawClient.Response;

/**
 * Small files are served from memory after their first request ({@code SmallFiles}); whatever
 * happens to the file on disk, the next response is what the disk holds now, with validators
 * that match it: each case changes the file in a way a memory copy could miss (same size, the
 * old modification time put back, a new inode behind the same name, a symlink pointed elsewhere).
 */
@Timeout(30)
class SmallFilesSocketTest {
    @TempDir
    Path tmp;
    Path www;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        www = TestServer.writeSite(tmp);
        server = TestServer.start(TestServer.defaults(), TestServer.mounts(www));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Writes {@code text} over {@code name} in place (same inode) and puts {@code mtime} back. */
    private void rewriteInPlace(String name, String text, FileTime mtime) throws IOException {
        Files.writeString(www.resolve(name), text);
        Files.setLastModifiedTime(www.resolve(name), mtime);
    }

    @Test
    void anEditOfTheSameSizeIsServedAtOnce() throws IOException {
        try (RawClient c = server.client()) {
            Response first = c.get("/hello.txt");
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text(), "served twice (the second from memory)");
            String same = "x".repeat(TestServer.HELLO.length());
            FileTime later = FileTime.fromMillis(Files.getLastModifiedTime(www.resolve("hello.txt")).toMillis() + 3_000);
            rewriteInPlace("hello.txt", same, later);
            Response r = c.get("/hello.txt");
            assertEquals(same, r.text());
            assertNotEquals(first.header("ETag"), r.header("ETag"), "the validator follows the file");
            assertEquals(HttpDates.format(later.toMillis() / 1000), r.header("Last-Modified"));
        }
    }

    @Test
    void aFileReplacedByRenameWithTheOldTimeAndSizeIsServedAtOnce() throws IOException {
        Path hello = www.resolve("hello.txt");
        FileTime old = Files.getLastModifiedTime(hello);
        try (RawClient c = server.client()) {
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
            // what deploy tools do: write a new file beside it, give it the old time, rename it over
            String same = "y".repeat(TestServer.HELLO.length());
            Path fresh = Files.writeString(www.resolve(".hello.txt.new"), same);
            Files.setLastModifiedTime(fresh, old);
            Files.move(fresh, hello, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertEquals(same, c.get("/hello.txt").text(), "a new file (inode) behind the same name");
        }
    }

    @Test
    void aSymlinkPointedElsewhereServesItsNewTarget() throws IOException {
        Files.writeString(www.resolve("a.txt"), "version A\n");
        Files.writeString(www.resolve("b.txt"), "version B\n");
        FileTime t = Files.getLastModifiedTime(www.resolve("a.txt"));
        Files.setLastModifiedTime(www.resolve("b.txt"), t);
        Path link = Files.createSymbolicLink(www.resolve("current.txt"), www.resolve("a.txt"));
        try (RawClient c = server.client()) {
            assertEquals("version A\n", c.get("/current.txt").text());
            assertEquals("version A\n", c.get("/current.txt").text());
            Path next = Files.createSymbolicLink(www.resolve(".current.new"), www.resolve("b.txt"));
            Files.move(next, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertEquals("version B\n", c.get("/current.txt").text());
            // and pointed outside the origin: refused, never the old copy, never the secret
            Path out = Files.createSymbolicLink(www.resolve(".current.out"), tmp.resolve("secret.txt"));
            Files.move(out, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Response r = c.get("/current.txt");
            assertEquals(403, r.status());
            assertFalse(r.text().contains(TestServer.SECRET));
            assertFalse(r.text().contains("version"));
        }
    }

    @Test
    void anEncodedSlashStaysRefusedAfterThePathItSpellsWasServed() throws IOException {
        try (RawClient c = server.client()) {
            assertEquals("<h1>sub</h1>\n", c.get("/sub/index.html").text());
            assertEquals("<h1>sub</h1>\n", c.get("/sub/index.html").text());
            assertEquals(403, c.get("/sub%2Findex.html").status(), "one segment holding '/'");
            assertEquals(403, c.get("/sub%2findex.html").status());
        }
    }

    @Test
    void aDeletedFileIs404AndAFileThatReturnsIsServed() throws IOException {
        try (RawClient c = server.client()) {
            assertEquals("body{color:red}\n", c.get("/style.css").text());
            assertEquals("body{color:red}\n", c.get("/style.css").text());
            Files.delete(www.resolve("style.css"));
            assertEquals(404, c.get("/style.css").status());
            Files.writeString(www.resolve("style.css"), "body{color:blue}\n");
            assertEquals("body{color:blue}\n", c.get("/style.css").text());
        }
    }

    @Test
    void theDefaultDocumentOfADirectoryFollowsItsFile() throws IOException {
        try (RawClient c = server.client()) {
            assertEquals("<h1>index</h1>\n", c.get("/").text());
            assertEquals("<h1>index</h1>\n", c.get("/").text());
            Files.writeString(www.resolve("index.html"), "<h1>INDEX</h1>\n");
            Files.setLastModifiedTime(www.resolve("index.html"),
                    FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            assertEquals("<h1>INDEX</h1>\n", c.get("/").text());
            assertEquals("<h1>sub</h1>\n", c.get("/sub/").text(), "another directory, another entry");
        }
    }

    @Test
    void conditionalAndHeadRequestsAnswerFromMemoryAsFromDisk() throws IOException {
        try (RawClient c = server.client()) {
            Response disk = c.get("/hello.txt");
            org.lws4j.core.mount.SmallFiles kept = server.vhost.fileOrigin(server.vhost.config().mounts().get(0)).smallFiles();
            assertEquals(1, kept.size(), "the first GET put it in memory");
            assertEquals(TestServer.HELLO.length(), kept.bytes());
            Response memory = c.get("/hello.txt");
            assertEquals(disk.header("ETag"), memory.header("ETag"));
            assertEquals(disk.header("Last-Modified"), memory.header("Last-Modified"));
            assertEquals(disk.header("Content-Type"), memory.header("Content-Type"));
            assertEquals(disk.header("Content-Length"), memory.header("Content-Length"));
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: " + disk.header("ETag") + "\r\n\r\n");
            assertEquals(304, c.read().status());
            c.send("HEAD /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Response head = c.read(true);
            assertEquals(200, head.status());
            assertEquals(String.valueOf(TestServer.HELLO.length()), head.header("Content-Length"));
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text(), "no body after the HEAD");
        }
    }
}
