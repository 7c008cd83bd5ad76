package org.lws4j.runtime;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * protocol-post-demo on the real runtime at {@code /formtest}, driven by curl ({@code -d},
 * {@code -F} uploads, chunked uploads) and by a raw socket that uploads part of a body and
 * stops, to see the 413 arrive before the upload is finished. Also checks that the demo site
 * mounts it and that its POST tab posts to it.
 */
class PostDemoIT {
    private static final int UPLOAD_LIMIT = 100 * 1024;

    private static DistRun rt;
    private static Path files;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        rt = DistRun.copy("post-demo-it").withoutDemo();
        files = rt.home.resolve("uploads");
        Files.createDirectories(files);
        rt.config("post-demo-it.json", "{ \"vhosts\": [{ \"name\": \"localhost\", \"port\": \"" + rt.port
                + "\", \"interface\": \"127.0.0.1\", \"mounts\": [{ \"mountpoint\": \"/formtest\","
                + " \"origin\": \"callback://protocol-post-demo\" }] }] }\n");
        rt.start("-d", "15");
        rt.awaitListening(rt.port, DistRun.BOOT_TIMEOUT);
        // listening comes before every bundle is up: wait for the protocol to be bound
        rt.await("/formtest to be served", Duration.ofSeconds(30), () -> {
            try (WireClient c = new WireClient(rt.port, 0)) {
                c.send("GET /formtest HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                return c.readHead().status() == 200 ? Optional.of(true) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    @Test
    void getShowsTheForms() throws Exception {
        Curl r = curl("http://127.0.0.1:" + rt.port + "/formtest");
        assertEquals(200, r.status());
        assertTrue(r.body().contains("<h1>lws4j POST demo</h1>"), r.body());
        assertTrue(r.body().contains("enctype=\"multipart/form-data\""));
        assertTrue(r.body().contains("enctype=\"application/x-www-form-urlencoded\""));
    }

    @Test
    void urlencodedFieldsComeBackEscaped() throws Exception {
        Curl r = curl("-d", "text=%3Cscript%3Ealert(1)%3C%2Fscript%3E&more=caf%C3%A9+%26+cr%C3%A8me&send=send",
                url());
        assertEquals(200, r.status(), r.body());
        assertFalse(r.body().contains("<script>alert"), r.body());
        assertTrue(r.body().contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"), r.body());
        assertTrue(r.body().contains("<code>caf\u00e9 &amp; cr\u00e8me</code>"), r.body());
    }

    @Test
    void curlUploadsAreCountedAndHashed() throws Exception {
        Path small = file("small.bin", 50_000);
        Path exact = file("exact.bin", UPLOAD_LIMIT);
        Curl r = curl("-F", "text=hello <b>", "-F", "file=@" + small + ";filename=small.bin", url());
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("<code>hello &lt;b&gt;</code>"), r.body());
        assertTrue(r.body().contains("<code>small.bin</code>"), r.body());
        assertTrue(r.body().contains("50000 bytes"), r.body());
        assertTrue(r.body().contains(sha256(small)), r.body());

        r = curl("-F", "other=@" + exact + ";type=image/png", url());
        assertEquals(200, r.status(), "exactly the limit is accepted:\n" + r.body());
        assertTrue(r.body().contains("<code>exact.bin</code></td><td><code>image/png</code></td><td>" + UPLOAD_LIMIT
                + " bytes"), r.body());
        assertTrue(r.body().contains(sha256(exact)), r.body());
    }

    @Test
    void uploadsOverTheLimitAre413() throws Exception {
        // Content-Length says so: refused before a byte of the body is read
        assertEquals(413, curl("-F", "file=@" + file("big.bin", 3 << 20), url()).status());
        // Content-Length fits, the upload does not: refused when the parser crosses the limit
        assertEquals(413, curl("-F", "file=@" + file("over.bin", UPLOAD_LIMIT + 5000), url()).status());
        // no Content-Length (chunked): refused when the parser crosses the limit
        assertEquals(413, curl("-H", "Transfer-Encoding: chunked", "-F", "file=@" + file("big2.bin", 2 << 20), url())
                .status());
        // and the server is fine afterwards
        assertEquals(200, curl("-F", "file=@" + file("after.bin", 10), url()).status());
    }

    /** The 413 arrives while the upload is still going: the server does not wait for the rest. */
    @Test
    void the413ArrivesBeforeTheUploadIsFinished() throws Exception {
        String boundary = "lws4jItBoundary";
        try (WireClient c = new WireClient(rt.port, 0)) {
            c.socket.setSoTimeout(10_000);
            c.send("POST /formtest HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n\r\n");
            c.sendChunk(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(ISO_8859_1));
            byte[] piece = new byte[4096];
            int sent = 0;
            while (sent <= UPLOAD_LIMIT + 8192) {
                c.sendChunk(piece);
                sent += piece.length;
            }
            // no more: neither the rest of the file, nor the close delimiter, nor the last chunk
            WireClient.Head h = c.readHead();
            assertEquals(413, h.status());
            String page = new String(c.readBody(h), UTF_8);
            assertTrue(page.contains("100 KiB"), page);
            assertTrue(c.closedByServer(), "the connection is closed after the 413");
        }
    }

    @Test
    void aRawUploadWithHostileNamesIsEscaped() throws Exception {
        String boundary = "b0undary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"<i>field</i>\"\r\n\r\n"
                + "<svg onload=alert(1)>\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"; "
                + "filename=\"\\\"><img src=x onerror=alert(1)>.txt\"\r\nContent-Type: text/<b>\r\n\r\nabc\r\n--"
                + boundary + "--\r\n").getBytes(UTF_8));
        try (WireClient c = new WireClient(rt.port, 0)) {
            c.send("POST /formtest HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary="
                    + boundary + "\r\nContent-Length: " + body.size() + "\r\n\r\n");
            c.send(body.toByteArray());
            WireClient.Head h = c.readHead();
            assertEquals(200, h.status());
            String page = new String(c.readBody(h), UTF_8);
            assertFalse(page.contains("<svg"), page);
            assertFalse(page.contains("<img"), page);
            assertFalse(page.contains("<i>"), page);
            assertFalse(page.contains("text/<b>"), page);
            assertTrue(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.txt"), page);
            assertTrue(page.contains("3 bytes"), page);
        }
    }

    @Test
    void theDemoSiteMountsItAndItsPostTabPostsToIt() throws Exception {
        Path jar = Paths.get(DistRun.property("lws4j.test-server.jar"));
        try (JarFile jf = new JarFile(jar.toFile())) {
            String config = read(jf, "lws4j/test-server.json");
            assertTrue(config.replaceAll("\\s+", "").contains(
                    "\"mountpoint\":\"/formtest\",\"origin\":\"callback://protocol-post-demo\""), config);
            String index = read(jf, "site/index.html");
            assertTrue(index.contains("action=\"/formtest\" enctype=\"multipart/form-data\""), "no upload form posting to /formtest");
            assertTrue(index.contains("action=\"/formtest\" enctype=\"application/x-www-form-urlencoded\""));
            assertFalse(index.contains("action=\"/dyn/post\""), "the POST tab still posts to /dyn/post");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private record Curl(int status, String body, String stderr) {
    }

    private static String url() {
        return "http://127.0.0.1:" + rt.port + "/formtest";
    }

    private static Curl curl(String... args) throws Exception {
        Path out = Files.createTempFile(files, "curl-", ".out");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "-o", out.toString(),
                "-w", "%{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String status = new String(p.getInputStream().readAllBytes(), UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertFalse(status.isEmpty(), "curl said nothing: " + err);
        return new Curl(Integer.parseInt(status), Files.readString(out, UTF_8), err);
    }

    private static Path file(String name, int size) throws IOException {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        Path p = files.resolve(name);
        Files.write(p, b);
        return p;
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    private static String read(JarFile jf, String name) throws IOException {
        var entry = jf.getEntry(name);
        assertNotNull(entry, "no " + name + " in " + jf.getName());
        try (InputStream in = jf.getInputStream(entry)) {
            return new String(in.readAllBytes(), UTF_8);
        }
    }
}
