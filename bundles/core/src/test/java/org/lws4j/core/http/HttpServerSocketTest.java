package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lws4j.core.http.RawClient.Response;

/** FILE and redirect mounts over real sockets: exact bytes, validators, keep-alive, pipelining. */
@Timeout(30)
class HttpServerSocketTest {
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

    private String lastModified(String name) throws IOException {
        return HttpDates.format(Files.getLastModifiedTime(www.resolve(name)).toMillis() / 1000);
    }

    @Test
    void getFileHasExactBodyAndHeaders() throws IOException {
        try (RawClient c = server.client()) {
            Response r = c.get("/hello.txt");
            assertEquals(200, r.status());
            assertEquals("OK", r.reason());
            assertEquals(TestServer.HELLO, r.text());
            assertEquals(String.valueOf(TestServer.HELLO.length()), r.header("Content-Length"));
            assertEquals(1, r.count("Content-Length"));
            assertEquals("text/plain", r.header("Content-Type"));
            assertEquals(lastModified("hello.txt"), r.header("Last-Modified"));
            String etag = r.header("ETag");
            assertNotNull(etag);
            assertTrue(etag.matches("\"[^\"]+\""), "a strong quoted ETag: " + etag);
            assertNotNull(r.header("Date"));
            assertTrue(HttpDates.parse(r.header("Date")) > 0, r.header("Date"));
            assertEquals("lws4j-test", r.header("Server"));
            assertNull(r.header("Connection"));

            Response css = c.get("/style.css");
            assertEquals("text/css", css.header("Content-Type"));
            assertEquals(etag, c.get("/hello.txt").header("ETag"), "the ETag is stable");
        }
    }

    @Test
    void ifNoneMatchGives304WithoutBody() throws IOException {
        try (RawClient c = server.client()) {
            String etag = c.get("/hello.txt").header("ETag");
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: " + etag + "\r\n\r\n");
            Response r = c.read();
            assertEquals(304, r.status());
            assertEquals(etag, r.header("ETag"));
            assertNull(r.header("Transfer-Encoding"));
            // no body came: the next response starts right after the 304's head
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: \"other\", W/" + etag + "\r\n\r\n");
            assertEquals(304, c.read().status(), "a list with a weak match");
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: \"other\"\r\n\r\n");
            assertEquals(200, c.read().status(), "no match");
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: *\r\n\r\n");
            assertEquals(304, c.read().status(), "*");
        }
    }

    @Test
    void ifModifiedSinceGives304() throws IOException {
        String lm = lastModified("hello.txt");
        long mtime = HttpDates.parse(lm);
        try (RawClient c = server.client()) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-Modified-Since: " + lm + "\r\n\r\n");
            Response r = c.read();
            assertEquals(304, r.status());
            assertEquals(0, r.body().length);
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-Modified-Since: "
                    + HttpDates.format(mtime + 3600) + "\r\n\r\n");
            assertEquals(304, c.read().status(), "a later date");
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-Modified-Since: "
                    + HttpDates.format(mtime - 86400) + "\r\n\r\n");
            Response older = c.read();
            assertEquals(200, older.status(), "an earlier date");
            assertEquals(TestServer.HELLO, older.text());
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-Modified-Since: yesterday\r\n\r\n");
            assertEquals(200, c.read().status(), "an unparseable date is ignored");
            // If-None-Match wins over If-Modified-Since
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: \"nope\"\r\nIf-Modified-Since: "
                    + lm + "\r\n\r\n");
            assertEquals(200, c.read().status());
        }
    }

    @Test
    void headHasTheLengthButNoBody() throws IOException {
        try (RawClient c = server.client()) {
            c.send("HEAD /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Response r = c.read(true);
            assertEquals(200, r.status());
            assertEquals(String.valueOf(TestServer.HELLO.length()), r.header("Content-Length"));
            assertEquals("text/plain", r.header("Content-Type"));
            assertNotNull(r.header("ETag"));
            c.send("HEAD /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(String.valueOf(TestServer.BIG_SIZE), c.read(true).header("Content-Length"));
            // had any body bytes come, this would not parse as the next response
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
        }
    }

    @Test
    void bigFileArrivesExactly() throws IOException {
        try (RawClient c = server.client()) {
            Response r = c.get("/big.bin");
            assertEquals(200, r.status());
            assertEquals(String.valueOf(TestServer.BIG_SIZE), r.header("Content-Length"));
            assertEquals("application/octet-stream", r.header("Content-Type"));
            assertArrayEquals(TestServer.bigContent(), r.body());
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text(), "keep-alive after a big file");
        }
    }

    @Test
    void hugeFileToASlowReader() throws Exception {
        byte[] huge = TestServer.writeHuge(www);
        try (RawClient c = new RawClient(server.port, 16 * 1024)) {
            c.send("GET /huge.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            server.awaitOnLoop("the socket full, the server waiting for writeable", t -> TestServer.waitsToWrite(t, c));
            assertArrayEquals(huge, c.read().body());
            assertEquals(TestServer.HELLO, c.read().text(), "the pipelined request after it");
        }
    }

    @Test
    void keepAliveThreeRequestsOnOneSocket() throws IOException {
        try (RawClient c = server.client()) {
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
            assertEquals("<h1>index</h1>\n", c.get("/").text());
            assertEquals("body{color:red}\n", c.get("/style.css").text());
            assertTrue(server.holds(t -> TestServer.isOpen(t, c)), "still open");
        }
    }

    @Test
    void pipelinedRequestsAnsweredInOrder() throws IOException {
        try (RawClient c = server.client()) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /sub/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(TestServer.HELLO, c.read().text());
            assertEquals("body{color:red}\n", c.read().text());
            assertEquals("<h1>sub</h1>\n", c.read().text());
        }
    }

    @Test
    void pipelinedBehindABigFile() throws IOException {
        try (RawClient c = server.client()) {
            c.send("GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "HEAD /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertArrayEquals(TestServer.bigContent(), c.read().body());
            assertEquals(200, c.read(true).status());
            assertEquals(TestServer.HELLO, c.read().text());
        }
    }

    @Test
    void http10ClosesAfterTheResponse() throws IOException {
        try (RawClient c = server.client()) {
            c.send("GET /hello.txt HTTP/1.0\r\n\r\n");
            Response r = c.read();
            assertEquals(200, r.status());
            assertEquals(TestServer.HELLO, r.text());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void http10KeepAliveStaysOpen() throws IOException {
        try (RawClient c = server.client()) {
            c.send("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            Response r = c.read();
            assertEquals(TestServer.HELLO, r.text());
            assertEquals("keep-alive", r.header("Connection"));
            c.send("GET /style.css HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
            assertEquals("body{color:red}\n", c.read().text());
        }
    }

    @Test
    void connectionCloseIsHonoured() throws IOException {
        try (RawClient c = server.client()) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            Response r = c.read();
            assertEquals(TestServer.HELLO, r.text());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void directoryWithoutSlashRedirects() throws IOException {
        try (RawClient c = server.client()) {
            Response r = c.get("/sub");
            assertEquals(301, r.status());
            assertEquals("/sub/", r.header("Location"));
            Response q = c.get("/sub?x=1");
            assertEquals(301, q.status());
            assertEquals("/sub/?x=1", q.header("Location"));
            Response dir = c.get("/sub/");
            assertEquals(200, dir.status());
            assertEquals("<h1>sub</h1>\n", dir.text());
            assertEquals("text/html", dir.header("Content-Type"));
        }
    }

    @Test
    void redirectMount() throws IOException {
        try (RawClient c = server.client()) {
            Response r = c.get("/redir");
            assertEquals(301, r.status());
            assertEquals("https://example.com/moved", r.header("Location"));
            assertEquals(301, c.get("/redir/deeper?q=1").status(), "keep-alive after a redirect");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../secret.txt", "/sub/../hello.txt", "/%2e%2e/secret.txt", "/sub/%2E%2E/hello.txt",
        "/.%2e/secret.txt", "/./hello.txt", "/sub/%2e/index.html", "/sub/..%2fhello.txt", "/..%2Fsecret.txt",
        "/..%5csecret.txt", "/sub\\..\\hello.txt", "/leak.txt"})
    void pathsOutsideOrDottedAre403NeverContent(String path) throws IOException {
        try (RawClient c = server.client()) {
            Response r = c.get(path);
            assertEquals(403, r.status(), path);
            assertFalse(r.text().contains(TestServer.SECRET), path);
            assertFalse(r.text().contains(TestServer.HELLO.trim()), path);
            assertEquals("text/html", r.header("Content-Type"));
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text(), "a 403 keeps the connection");
        }
    }

    @Test
    void missingFileIs404() throws IOException {
        try (RawClient c = server.client()) {
            assertEquals(404, c.get("/nope.txt").status());
            assertEquals(404, c.get("/sub/nope/deeper").status());
            // a file used as a folder, with no file ops layer that opens it as one
            assertEquals(404, c.get("/hello.txt/x").status());
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
        }
    }

    @Test
    void absoluteFormTarget() throws IOException {
        try (RawClient c = server.client()) {
            c.send("GET http://localhost/hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(TestServer.HELLO, c.read().text());
        }
    }

    @Test
    void optionsStar() throws IOException {
        try (RawClient c = server.client()) {
            c.send("OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Response r = c.read();
            assertEquals(204, r.status());
            assertNotNull(r.header("Allow"));
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
        }
    }

    @Test
    void postToAFileIs405() throws IOException {
        try (RawClient c = server.client()) {
            c.send("POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc");
            Response r = c.read();
            assertEquals(405, r.status());
            assertEquals("GET, HEAD", r.header("Allow"));
            // the small body was read and dropped: the connection goes on
            assertEquals(TestServer.HELLO, c.get("/hello.txt").text());
        }
    }

    @Test
    void queryDoesNotChangeTheFile() throws IOException {
        try (RawClient c = server.client()) {
            assertEquals(TestServer.HELLO, c.get("/hello.txt?v=123&x=%20").text());
            assertEquals(TestServer.HELLO, c.get("/hell%6F.txt").text());
        }
    }

    @Test
    void modifiedFileGetsANewEtag() throws Exception {
        try (RawClient c = server.client()) {
            String before = c.get("/hello.txt").header("ETag");
            Files.writeString(www.resolve("hello.txt"), "changed!", StandardCharsets.UTF_8);
            Files.setLastModifiedTime(www.resolve("hello.txt"),
                    java.nio.file.attribute.FileTime.from(java.time.Instant.now().plus(Duration.ofSeconds(5))));
            Response r = c.get("/hello.txt");
            assertEquals("changed!", r.text());
            assertFalse(before.equals(r.header("ETag")));
        }
    }
}
