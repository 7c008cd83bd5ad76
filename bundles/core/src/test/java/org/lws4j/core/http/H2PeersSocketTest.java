package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real HTTP/2 peers against the server with prior knowledge (h2c): curl, nghttp and h2load
 * (Debian packages curl and nghttp2-client). A missing peer fails the test, naming its package.
 */
@Timeout(120)
class H2PeersSocketTest {
    @TempDir
    Path tmp;
    TestServer server;
    String base;

    @BeforeEach
    void start() throws IOException {
        Path www = TestServer.writeSite(tmp);
        Files.write(www.resolve("page.bin"), new byte[7205]); // the size of lws's test.html
        server = TestServer.start(TestServer.defaults(), TestServer.mounts(www, "dyn"));
        server.ctx.addProtocol("dyn", new TestProtocols.Echo(), 0, 1L);
        base = "http://127.0.0.1:" + server.port;
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Run(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.ISO_8859_1);
        }
    }

    private static Run run(String pkg, String... cmd) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new AssertionError(cmd[0] + " is not installed: install the Debian package " + pkg
                    + " (apt-get install " + pkg + ")", e);
        }
        p.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        if (!p.waitFor(100, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish");
        }
        return new Run(p.exitValue(), out.get(), new String(err.get(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    @Test
    void curlWithPriorKnowledge() throws Exception {
        Run r = run("curl", "curl", "-sS", "--http2-prior-knowledge", "-D", "-", base + "/hello.txt");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.text().startsWith("HTTP/2 200"), r.text());
        assertTrue(r.text().endsWith(TestServer.HELLO), r.text());

        Path body = Files.write(tmp.resolve("body.bin"), "x".repeat(70_000).getBytes(StandardCharsets.US_ASCII));
        Run post = run("curl", "curl", "-sS", "--http2-prior-knowledge", "--data-binary", "@" + body, base + "/dyn/up");
        assertEquals(0, post.exit(), post.err());
        assertEquals("len=70000 sha256=" + TestProtocols.sha256(Files.readAllBytes(body)), post.text());

        Run redirect = run("curl", "curl", "-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                base + "/redir");
        assertEquals("301 https://example.com/moved", redirect.text().trim());
    }

    @Test
    void curlAndNghttpUpgradeToH2c() throws Exception {
        Run r = run("curl", "curl", "-sS", "--http2", "-D", "-", base + "/hello.txt");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.text().startsWith("HTTP/1.1 101"), r.text());
        assertTrue(r.text().contains("\r\nHTTP/2 200"), r.text());
        assertTrue(r.text().endsWith(TestServer.HELLO), r.text());
        Run big = run("nghttp2-client", "nghttp", "-u", base + "/big.bin");
        assertEquals(0, big.exit(), big.err());
        assertArrayEquals(TestServer.bigContent(), big.out());
        // a request with a body is not upgraded: it is answered over HTTP/1.1
        Run post = run("curl", "curl", "-sS", "--http2", "-D", "-", "--data-binary", "abc", base + "/dyn/up");
        assertTrue(post.text().startsWith("HTTP/1.1 200"), post.text());
        assertTrue(post.text().endsWith("len=3 sha256=" + TestProtocols.sha256("abc".getBytes(StandardCharsets.US_ASCII))),
                post.text());
    }

    @Test
    void nghttpFetchesABigFileAndSeveralAtOnce() throws Exception {
        Run r = run("nghttp2-client", "nghttp", base + "/big.bin");
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(TestServer.bigContent(), r.out());

        Run many = run("nghttp2-client", "nghttp", "-ns", "-w", "16", "-W", "16", base + "/big.bin", base + "/hello.txt",
                base + "/index.html", base + "/style.css", base + "/dyn/x");
        assertEquals(0, many.exit(), many.err() + many.text());
        long done = many.text().lines().filter(l -> l.contains("/big.bin") || l.contains("/hello.txt")
                || l.contains("/index.html") || l.contains("/style.css") || l.contains("/dyn/x")).count();
        assertEquals(5, done, many.text());
    }

    @Test
    void h2loadGetsEveryRequestAnswered() throws Exception {
        Run r = run("nghttp2-client", "h2load", "-n", "2000", "-c", "4", "-m", "10", base + "/hello.txt");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = new ArrayList<>(r.text().lines().toList());
        String requests = lines.stream().filter(l -> l.startsWith("requests:")).findFirst().orElse(r.text());
        assertTrue(requests.contains("2000 succeeded, 0 failed, 0 errored"), r.text());
        assertTrue(r.text().contains("2000 2xx"), r.text());
    }

    @Test
    void h2loadWithAHundredStreamsFillingTheSocket() throws Exception {
        // 100 responses of 7 KB at once overfill the socket queue: streams wait for WRITEABLE,
        // and none may be forgotten (they were, and then were cut by a timeout: "errored")
        Run r = run("nghttp2-client", "h2load", "-n", "3000", "-c", "1", "-m", "100", base + "/page.bin");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.text().contains("3000 succeeded, 0 failed, 0 errored"), r.text());
    }
}
