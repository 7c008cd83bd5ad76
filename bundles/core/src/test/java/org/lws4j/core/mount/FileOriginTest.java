package org.lws4j.core.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The origin directory of a FILE mount: what each URL path resolves to, and that nothing outside
 * the directory is ever found, whatever the segments or symlinks say.
 */
class FileOriginTest {
    @TempDir
    Path tmp;
    Path www;
    Path secret;
    FileOrigin origin;

    @BeforeEach
    void site() throws IOException {
        www = Files.createDirectory(tmp.resolve("www"));
        Files.writeString(www.resolve("hello.txt"), "hello");
        Files.writeString(www.resolve("index.html"), "<p>index</p>");
        Path sub = Files.createDirectory(www.resolve("sub"));
        Files.writeString(sub.resolve("index.html"), "<p>sub</p>");
        Files.writeString(sub.resolve("a.css"), "a{}");
        Files.createDirectory(www.resolve("nodoc"));
        secret = Files.writeString(tmp.resolve("secret.txt"), "TOP SECRET");
        origin = new FileOrigin(www);
    }

    private FileOrigin.Result resolve(boolean trailingSlash, String... segments) {
        return origin.resolve(List.of(segments), trailingSlash, "index.html");
    }

    private static Path found(FileOrigin.Result r) {
        return assertInstanceOf(FileOrigin.Found.class, r, String.valueOf(r)).file();
    }

    private static int refused(FileOrigin.Result r) {
        return assertInstanceOf(FileOrigin.Refused.class, r, String.valueOf(r)).status();
    }

    private static String content(FileOrigin.Result r) throws IOException {
        return Files.readString(found(r), StandardCharsets.UTF_8);
    }

    @Test
    void servesAFile() throws IOException {
        FileOrigin.Result r = resolve(false, "hello.txt");
        assertEquals("hello", content(r));
        assertEquals(5, ((FileOrigin.Found) r).attrs().size());
        assertTrue(((FileOrigin.Found) r).attrs().isRegularFile());
        assertEquals("a{}", content(resolve(false, "sub", "a.css")));
    }

    @Test
    void rootServesTheDefaultDocument() throws IOException {
        assertEquals("<p>index</p>", content(resolve(true)));
        assertEquals("<p>index</p>", content(resolve(false)));
    }

    @Test
    void directoryWithTrailingSlashServesItsDefaultDocument() throws IOException {
        assertEquals("<p>sub</p>", content(resolve(true, "sub")));
    }

    @Test
    void directoryWithoutSlashRedirects() {
        assertInstanceOf(FileOrigin.Redirect.class, resolve(false, "sub"));
    }

    @Test
    void directoryWithoutDefaultDocument() {
        assertEquals(404, refused(resolve(true, "nodoc")));
        assertEquals(403, refused(origin.resolve(List.of("sub"), true, null)));
        assertEquals(403, refused(origin.resolve(List.of("sub"), true, "")));
    }

    @Test
    void missingIs404() {
        assertEquals(404, refused(resolve(false, "nope.txt")));
        assertEquals(404, refused(resolve(false, "sub", "nope", "deeper.txt")));
    }

    @Test
    void aPathThroughAFileIsAContainerForTheFileOpsLayers() {
        // "hello.txt/x": a file used as a directory is left to the file ops layers (book.zip/x);
        // with none installed for it the HTTP answer is 404 (HttpServerSocketTest)
        FileOrigin.Result r = resolve(false, "hello.txt", "x");
        assertTrue(r instanceof FileOrigin.Container, r.toString());
        FileOrigin.Container c = (FileOrigin.Container) r;
        assertEquals("hello.txt", c.file().getFileName().toString());
        assertEquals(List.of("x"), c.inner());
        assertEquals(c.file() + "/x", c.opsPath("index.html"));
    }

    @Test
    void missingOriginIs404() {
        FileOrigin gone = new FileOrigin(tmp.resolve("does-not-exist"));
        assertEquals(404, refused(gone.resolve(List.of("hello.txt"), false, "index.html")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "a/b", "../secret.txt", "a\\b", "..\\secret.txt", "a\0b", "hello.txt\0.png"})
    void forbiddenSegmentsAre403(String segment) {
        assertEquals(403, refused(resolve(false, segment)));
        assertEquals(403, refused(resolve(false, "sub", segment)));
        assertEquals(403, refused(resolve(true, segment, "x")));
    }

    @Test
    void dotDotNeverReachesTheParent() {
        assertEquals(403, refused(resolve(false, "..", "secret.txt")));
        assertEquals(403, refused(resolve(false, "sub", "..", "..", "secret.txt")));
    }

    @Test
    void symlinkPointingOutsideIs403() throws IOException {
        Files.createSymbolicLink(www.resolve("leak.txt"), secret);
        Files.createSymbolicLink(www.resolve("up"), tmp);
        Files.createSymbolicLink(www.resolve("rel.txt"), Path.of("..", "secret.txt"));
        assertEquals(403, refused(resolve(false, "leak.txt")));
        assertEquals(403, refused(resolve(false, "up", "secret.txt")));
        assertEquals(403, refused(resolve(false, "rel.txt")));
        assertEquals(403, refused(resolve(true, "up")));
    }

    @Test
    void symlinkChainLeavingTheOriginIs403() throws IOException {
        Path hop = Files.createSymbolicLink(www.resolve("hop.txt"), secret);
        Files.createSymbolicLink(www.resolve("chain.txt"), hop);
        assertEquals(403, refused(resolve(false, "chain.txt")));
    }

    @Test
    void symlinkedDefaultDocumentPointingOutsideIs403() throws IOException {
        Path d = Files.createDirectory(www.resolve("trap"));
        Files.createSymbolicLink(d.resolve("index.html"), secret);
        assertEquals(403, refused(resolve(true, "trap")));
    }

    @Test
    void symlinkPointingInsideIsServed() throws IOException {
        Files.createSymbolicLink(www.resolve("alias.txt"), www.resolve("hello.txt"));
        Files.createSymbolicLink(www.resolve("subalias"), Path.of("sub"));
        assertEquals("hello", content(resolve(false, "alias.txt")));
        assertEquals("a{}", content(resolve(false, "subalias", "a.css")));
        assertTrue(found(resolve(false, "alias.txt")).startsWith(www.toRealPath()));
    }

    @Test
    void danglingSymlinkIs404() throws IOException {
        Files.createSymbolicLink(www.resolve("dangling.txt"), www.resolve("nothing-here"));
        assertEquals(404, refused(resolve(false, "dangling.txt")));
    }

    @Test
    void symlinkedOriginDirectoryWorks() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("wwwlink"), www);
        FileOrigin o = new FileOrigin(link);
        assertEquals("hello", Files.readString(found(o.resolve(List.of("hello.txt"), false, null))));
        assertEquals("<p>sub</p>", Files.readString(found(o.resolve(List.of("sub"), true, "index.html"))));
        assertEquals(403, refused(o.resolve(List.of(".."), false, null)));
        // and a link inside it to outside is still refused
        Files.createSymbolicLink(www.resolve("leak.txt"), secret);
        assertEquals(403, refused(o.resolve(List.of("leak.txt"), false, null)));
    }

    @Test
    void originBehindASymlinkedParentStillConfinesToTheTarget() throws IOException {
        // /tmp/alias -> /tmp ; origin /tmp/alias/www ; a link in www to /tmp/secret.txt is outside
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), tmp);
        FileOrigin o = new FileOrigin(alias.resolve("www"));
        Files.createSymbolicLink(www.resolve("leak.txt"), secret);
        assertEquals(403, refused(o.resolve(List.of("leak.txt"), false, null)));
        assertEquals("hello", Files.readString(found(o.resolve(List.of("hello.txt"), false, null))));
    }

    @Test
    void directoryAsDefaultDocumentIsRefused() throws IOException {
        Path d = Files.createDirectory(www.resolve("weird"));
        Files.createDirectory(d.resolve("index.html"));
        int status = refused(resolve(true, "weird"));
        assertTrue(status == 403 || status == 404, "status " + status);
    }

    @Test
    void fifoIsRefusedNotOpened() throws Exception {
        Path fifo = www.resolve("pipe.txt");
        assertTrue(mkfifo(fifo), "mkfifo is needed: apt-get install coreutils");
        assertEquals(403, refused(resolve(false, "pipe.txt")));
        Path d = Files.createDirectory(www.resolve("fifodoc"));
        assertTrue(mkfifo(d.resolve("index.html")), "mkfifo is needed: apt-get install coreutils");
        int status = refused(resolve(true, "fifodoc"));
        assertTrue(status == 403 || status == 404, "status " + status);
    }

    @Test
    void unreadableFileIs403() throws IOException {
        Path f = Files.writeString(www.resolve("private.txt"), "private");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        // root reads anything: the permission check is the operating system's answer, taken as
        // it would be for an ordinary user when the test runs as root
        boolean root = Files.isReadable(f);
        FileOrigin o = root ? new FileOrigin(www, p -> !p.getFileName().toString().equals("private.txt") && Files.isReadable(p))
                : origin;
        assertEquals(403, refused(o.resolve(List.of("private.txt"), false, "index.html")));
        assertTrue(o.resolve(List.of("hello.txt"), false, "index.html") instanceof FileOrigin.Found, "a readable file beside it is served");
    }

    @Test
    void resultsStayInsideTheRealOrigin() throws IOException {
        Path real = www.toRealPath();
        for (String[] segs : new String[][] {{"hello.txt"}, {"sub", "a.css"}, {}}) {
            FileOrigin.Result r = resolve(true, segs);
            if (r instanceof FileOrigin.Found f) {
                assertTrue(f.file().startsWith(real), f.file().toString());
            }
        }
        assertEquals(www, origin.directory());
    }

    private static boolean mkfifo(Path p) {
        try {
            Process pr = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
            return pr.waitFor(5, TimeUnit.SECONDS) && pr.exitValue() == 0 && Files.exists(p);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
