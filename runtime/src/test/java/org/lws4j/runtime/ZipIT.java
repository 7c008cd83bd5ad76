package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Serving from inside zip files on the real runtime, checked with curl and headless Chromium: the
 * demo's {@code book.zip} (from the test-server jar) through a mount whose origin is the zip
 * ({@code /book}) and through a directory mount ({@code /book.zip/...}), on a vhost of its own
 * (conf.d, a free port); the demo vhost's {@code /ziptest} too.
 *
 * <p>The vfs-zip bundle is moved from bundle/ to deploy/ before the start, so the last test can
 * unplug it (delete the jar: FileInstall uninstalls it) and plug it back.
 *
 * <p>Needs curl; for the browser check node, npm and Debian's chromium ({@link Peers} installs
 * playwright-core into target/peers; a missing peer fails the test, naming what to install). Ports
 * 7681 and 7682 must be free (the demo vhosts).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZipIT {
    static final Duration CMD = Duration.ofSeconds(30);
    static final String VFS_JAR = "org.lws4j.vfs-zip.jar";
    static DistRun rt;
    static int port;
    static Path www;
    static Path book;
    static Path curlDir;
    static Path vfsJar;
    static Map<String, byte[]> entries;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        Command.requireTool("curl", "--version");
        DistRun.assertPortFree(7681);
        DistRun.assertPortFree(7682);
        rt = DistRun.copy("zip-it");
        port = rt.port;

        // vfs-zip into deploy/, where FileInstall installs it and a delete uninstalls it
        vfsJar = rt.home.resolve("it-vfs-zip.jar.keep");
        Files.copy(rt.toDeploy("org.lws4j.vfs-zip-", VFS_JAR), vfsJar);

        www = Files.createDirectories(rt.home.resolve("it-www"));
        curlDir = Files.createDirectories(rt.home.resolve("it-curl"));
        book = www.resolve("book.zip");
        try (JarFile jar = new JarFile(DistRun.property("lws4j.test-server.jar"))) {
            ZipEntry e = jar.getEntry("site/book.zip");
            assertNotNull(e, "no site/book.zip in the test-server jar");
            Files.copy(jar.getInputStream(e), book);
        }
        entries = new LinkedHashMap<>();
        try (ZipFile zf = new ZipFile(book.toFile())) {
            for (ZipEntry e : zf.stream().filter(e -> !e.isDirectory()).toList()) {
                entries.put(e.getName(), zf.getInputStream(e).readAllBytes());
            }
        }
        assertTrue(entries.keySet().containsAll(List.of("index.html", "css/book.css", "images/cover.jpg", "images/network.png")),
                "book.zip holds " + entries.keySet());
        writeBadZips();

        String json = """
                {
                  "vhosts": [
                    { "name": "zip.test", "port": "%1$d", "interface": "127.0.0.1",
                      "mounts": [
                        { "mountpoint": "/", "origin": "file://%2$s", "default": "index.html" },
                        { "mountpoint": "/book", "origin": "file://%2$s/book.zip", "default": "index.html" }
                      ] }
                  ]
                }
                """.formatted(port, www);
        rt.config("zip-it.json", json);
        rt.start();
        rt.await("GET /book/index.html to answer 200 (vfs-zip installed from deploy/)", DistRun.BOOT_TIMEOUT, () -> {
            Fetch f = tryGet("/book/index.html");
            return f != null && f.status() == 200 ? Optional.of(true) : Optional.empty();
        });
    }

    /** evil.zip (names that must never be served), truncated.zip, garbage.zip and damaged.zip (bad entry data). */
    static void writeBadZips() throws IOException {
        try (OutputStream out = Files.newOutputStream(www.resolve("evil.zip")); ZipOutputStream z = new ZipOutputStream(out)) {
            for (String name : List.of("../evil.html", "/abs.html", "a\\b.html", "dir/../../evil2.html", "./dot.html", "ok.html")) {
                z.putNextEntry(new ZipEntry(name));
                z.write((name.equals("ok.html") ? "fine" : "EVIL " + name).getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        byte[] good = Files.readAllBytes(book);
        Files.write(www.resolve("truncated.zip"), Arrays.copyOf(good, good.length - 40));
        byte[] garbage = new byte[20_000];
        new java.util.Random(1).nextBytes(garbage);
        Files.write(www.resolve("garbage.zip"), garbage);
        byte[] damaged = good.clone();
        byte[] raw = storedBytes("index.html");
        int at = indexOf(good, raw) + raw.length / 2;
        damaged[at] ^= 0x5a;
        damaged[at + 1] ^= 0x5a;
        Files.write(www.resolve("damaged.zip"), damaged);
    }

    @Test
    @Order(1)
    void entriesGoOutAsTheZipHoldsThemToClientsWithoutGzip() throws Exception {
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            Fetch f = get("/book/" + e.getKey());
            assertEquals(200, f.status(), e.getKey());
            assertEquals(null, f.header("content-encoding"), e.getKey());
            assertEquals(String.valueOf(e.getValue().length), f.header("content-length"), e.getKey());
            assertArrayEquals(e.getValue(), f.body(), e.getKey());
            assertEquals("Accept-Encoding", f.header("vary"), e.getKey());
            assertNotNull(f.header("etag"), e.getKey());
            assertNotNull(f.header("last-modified"), e.getKey());
        }
        assertTrue(get("/book/index.html").header("content-type").startsWith("text/html"));
        assertTrue(get("/book/css/book.css").header("content-type").startsWith("text/css"));
        assertEquals("image/jpeg", get("/book/images/cover.jpg").header("content-type"));
        assertEquals("image/png", get("/book/images/network.png").header("content-type"));
    }

    @Test
    @Order(2)
    void gzipClientsGetTheZipsCompressedBytesAsTheyAre() throws Exception {
        try (ZipFile zf = new ZipFile(book.toFile())) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = zf.getEntry(e.getKey());
                Fetch f = get("/book/" + e.getKey(), "-H", "Accept-Encoding: gzip");
                assertEquals(200, f.status(), e.getKey());
                if (ze.getMethod() == ZipEntry.STORED) {
                    assertEquals(null, f.header("content-encoding"), "a STORED entry goes out as it is: " + e.getKey());
                    assertArrayEquals(e.getValue(), f.body(), e.getKey());
                    continue;
                }
                assertEquals("gzip", f.header("content-encoding"), e.getKey());
                byte[] raw = storedBytes(e.getKey());
                assertEquals(10 + raw.length + 8, f.body().length, "gzip header + the zip's compressed bytes + trailer: " + e.getKey());
                assertEquals(String.valueOf(f.body().length), f.header("content-length"), e.getKey());
                assertArrayEquals(raw, Arrays.copyOfRange(f.body(), 10, 10 + raw.length),
                        "the body holds exactly the zip's compressed bytes: " + e.getKey());
                ByteBuffer trailer = ByteBuffer.wrap(f.body(), f.body().length - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(ze.getCrc(), trailer.getInt() & 0xffffffffL, "trailer CRC-32 from the zip: " + e.getKey());
                assertEquals(ze.getSize(), trailer.getInt() & 0xffffffffL, "trailer size from the zip: " + e.getKey());
                assertArrayEquals(e.getValue(), gunzip(f.body()), "gunzipped: " + e.getKey());

                Fetch c = get("/book/" + e.getKey(), "--compressed");
                assertEquals("gzip", c.header("content-encoding"), e.getKey());
                assertArrayEquals(e.getValue(), c.body(), "curl --compressed: " + e.getKey());
            }
        }
    }

    @Test
    @Order(3)
    void validatorsAnd304() throws Exception {
        Fetch plain = get("/book/index.html");
        Fetch gz = get("/book/index.html", "-H", "Accept-Encoding: gzip");
        String tag = plain.header("etag");
        String gzTag = gz.header("etag");
        assertNotEquals(tag, gzTag, "the gzip bytes and the identity bytes must not share an ETag");
        assertEquals(plain.header("last-modified"), gz.header("last-modified"));

        Fetch nm = get("/book/index.html", "-H", "If-None-Match: " + tag);
        assertEquals(304, nm.status());
        assertEquals(tag, nm.header("etag"));
        assertEquals(0, nm.body().length);
        assertEquals(304, get("/book/index.html", "-H", "Accept-Encoding: gzip", "-H", "If-None-Match: " + gzTag).status());
        assertEquals(200, get("/book/index.html", "-H", "If-None-Match: " + gzTag).status(),
                "a cached gzip copy is no good to a client that cannot take gzip");
        assertEquals(304, get("/book/index.html", "-H", "If-Modified-Since: " + plain.header("last-modified")).status());
        assertEquals(304, get("/book/images/cover.jpg", "-H", "If-None-Match: " + get("/book/images/cover.jpg").header("etag")).status());
    }

    @Test
    @Order(4)
    void aZipUnderADirectoryMountServesToo() throws Exception {
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            Fetch f = get("/book.zip/" + e.getKey(), "--compressed");
            assertEquals(200, f.status(), e.getKey());
            assertArrayEquals(e.getValue(), f.body(), e.getKey());
        }
        Fetch root = get("/book");
        assertEquals(301, root.status());
        assertEquals("/book/", root.header("location"));
        assertArrayEquals(entries.get("index.html"), get("/book/").body(), "the default document");
        assertArrayEquals(Files.readAllBytes(book), get("/book.zip").body(), "the zip itself is a plain file");
        assertEquals(404, get("/book/missing.html").status());
        assertEquals(404, get("/book.zip/images/").status(), "a folder of the zip without a default document in it");
    }

    @Test
    @Order(5)
    void entriesWithEvilNamesAreNeverServed() throws Exception {
        for (String path : List.of("/evil.zip/../evil.html", "/evil.zip/%2e%2e/evil.html", "/evil.zip/evil.html",
                "/evil.zip//abs.html", "/evil.zip/abs.html", "/evil.zip/%2fabs.html", "/evil.zip/a%5cb.html",
                "/evil.zip/dir/../../evil2.html", "/evil.zip/dir/%2e%2e/%2e%2e/evil2.html", "/evil.zip/evil2.html",
                "/evil.zip/./dot.html", "/evil.zip/dot.html")) {
            Fetch f = get(path, "--path-as-is");
            assertTrue(f.status() == 403 || f.status() == 404, path + " answered " + f.status());
            assertFalse(new String(f.body(), StandardCharsets.UTF_8).contains("EVIL"), path + " leaked an entry");
        }
        Fetch ok = get("/evil.zip/ok.html");
        assertEquals(200, ok.status());
        assertEquals("fine", new String(ok.body(), StandardCharsets.UTF_8));
        String log = rt.logText(0);
        assertTrue(log.contains("entry \"../evil.html\" not served: '..' segment"), "no log line for ../evil.html:\n" + log);
        assertTrue(log.contains("entry \"a\\b.html\" not served: name holds a backslash"), "no log line for a\\b.html");
    }

    @Test
    @Order(6)
    void aCorruptZipFailsItsRequestAndNothingElse() throws Exception {
        for (String path : List.of("/truncated.zip/index.html", "/garbage.zip/index.html", "/damaged.zip/index.html")) {
            assertEquals(500, get(path).status(), path);
            Fetch next = get("/book/index.html");
            assertEquals(200, next.status(), "the request after " + path);
            assertArrayEquals(entries.get("index.html"), next.body());
        }
        // two requests on one connection: the failing one first
        Command.Run r = Command.run(CMD, null, "curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-o", "/dev/null",
                "-w", "%{http_code} %{num_connects}\n", url("/truncated.zip/index.html"), url("/book/css/book.css"));
        assertTrue(r.out().contains("500") && r.out().contains("200 "), r.out());
        assertTrue(rt.logText(0).contains("truncated.zip"), "the failure is logged with the zip's name");
    }

    @Test
    @Order(7)
    void theDemoSiteServesTheBookAtZiptest() throws Exception {
        Command.Run r = Command.run(CMD, null, "curl", "-sS", "--max-time", "10", "--compressed", "http://127.0.0.1:7681/ziptest/");
        assertTrue(r.out().contains("<h1>The Gateway on Harbour Street</h1>"), r.out());
        Command.Run redirect = Command.run(CMD, null, "curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-w",
                "%{http_code} %{redirect_url}", "http://127.0.0.1:7681/ziptest");
        assertEquals("301 http://127.0.0.1:7681/ziptest/", redirect.out().trim());
        Command.Run index = Command.run(CMD, null, "curl", "-sS", "--max-time", "10", "http://127.0.0.1:7681/");
        assertTrue(index.out().contains("href=\"/ziptest/\""), "the demo index links to /ziptest/");
    }

    @Test
    @Order(8)
    void chromiumShowsTheBookAndItsPictures() throws Exception {
        Path modules = Peers.nodeModules(); // the permessage-deflate tests' peers: playwright-core in target/peers
        Peers.requireChromium();
        Path script = Paths.get(DistRun.property("lws4j.peers.scripts")).resolve("chromium-zip-book.cjs");
        Path shot = Paths.get(DistRun.property("lws4j.it.dir")).getParent().resolve("ziptest-book.png");
        Files.deleteIfExists(shot);
        Peers.Result r = Peers.run("chromium-zip-book", List.of("node", script.toString(), url("/book/"), shot.toString()),
                Map.of("NODE_PATH", modules.toString()), Duration.ofMinutes(2), null);
        String out = r.output();
        assertEquals(0, r.exit(), "chromium-zip-book.cjs failed:\n" + out);
        String line = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        assertNotNull(line, "no result from the browser:\n" + out);
        JsonNode res = new ObjectMapper().readTree(line);
        System.out.println("[zip-it] " + res.get("browser").asText() + ": " + res.get("images") + "; screenshot " + shot);
        assertEquals(200, res.get("status").asInt());
        assertEquals("The Gateway on Harbour Street", res.get("title").asText());
        assertEquals("640px", res.get("styled").asText(), "the stylesheet from the zip applied (max-width: 40rem)");
        assertEquals(2, res.get("images").size(), res.toString());
        for (JsonNode img : res.get("images")) {
            assertTrue(img.get("complete").asBoolean() && img.get("naturalWidth").asInt() > 0,
                    "image not loaded: " + img);
            assertEquals(640, img.get("naturalWidth").asInt(), img.toString());
        }
        Map<String, String> encodings = new LinkedHashMap<>();
        for (JsonNode resp : res.get("responses")) {
            assertEquals(200, resp.get("status").asInt(), resp.toString());
            encodings.put(resp.get("url").asText().replaceFirst("^http://[^/]+", ""), resp.get("encoding").asText());
        }
        // Chromium takes gzip: the DEFLATE entries came out of the zip as they are
        assertEquals("gzip", encodings.get("/book/"), encodings.toString());
        assertEquals("gzip", encodings.get("/book/css/book.css"), encodings.toString());
        assertEquals("gzip", encodings.get("/book/images/network.png"), encodings.toString());
        assertEquals("", encodings.get("/book/images/cover.jpg"), encodings.toString());
        assertTrue(Files.size(shot) > 10_000, "screenshot " + shot);
    }

    @Test
    @Order(9)
    void withoutVfsZipPathsIntoZipsAnswer503AndServeAgainWhenItComesBack() throws Exception {
        Path deployed = rt.home.resolve("deploy").resolve(VFS_JAR);
        assertTrue(Files.exists(deployed), "vfs-zip is not in deploy/");
        Files.delete(deployed);
        rt.await("GET /book/index.html to answer 503 without vfs-zip", DistRun.STEP_TIMEOUT, () -> {
            Fetch f = tryGet("/book/index.html");
            return f != null && f.status() == 503 ? Optional.of(true) : Optional.empty();
        });
        // the plug-in is away, not the file: 503 with Retry-After, as for a callback mount
        // whose protocol is away, on the zip mount and on a path through a zip of a folder mount
        Fetch away = get("/book/index.html");
        assertEquals("5", away.header("retry-after"), away.headers().toString());
        assertEquals(503, get("/book.zip/index.html").status());
        assertEquals(503, get("/evil.zip/ok.html").status());
        assertArrayEquals(Files.readAllBytes(book), get("/book.zip").body(), "plain files are served as before");
        assertTrue(rt.logText(0).contains("a file ops layer went away"));

        rt.deploy(vfsJar, VFS_JAR);
        rt.await("GET /book/index.html to answer 200 with vfs-zip back", DistRun.STEP_TIMEOUT, () -> {
            Fetch f = tryGet("/book/index.html");
            return f != null && f.status() == 200 ? Optional.of(true) : Optional.empty();
        });
        assertArrayEquals(entries.get("index.html"), get("/book/index.html").body());
        assertEquals("gzip", get("/book/index.html", "-H", "Accept-Encoding: gzip").header("content-encoding"));
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A response as curl saw it: status, headers (names in lower case; the last of each), body bytes. */
    record Fetch(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** GET {@code path} with curl and {@code args}; the body exactly as received (curl decodes only with --compressed). */
    static Fetch get(String path, String... args) throws Exception {
        Path head = curlDir.resolve("head");
        Path body = curlDir.resolve("body");
        Files.deleteIfExists(head);
        Files.deleteIfExists(body);
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-D", head.toString(), "-o",
                body.toString(), "-w", "%{http_code}"));
        cmd.addAll(List.of(args));
        cmd.add(url(path));
        Command.Run r = Command.run(CMD, null, cmd.toArray(new String[0]));
        if (r.status() != 0) {
            throw new IOException("curl " + path + " failed (" + r.status() + "): " + r.out());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l : Files.readAllLines(head, StandardCharsets.ISO_8859_1)) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
        }
        return new Fetch(Integer.parseInt(r.out().trim()), headers, Files.exists(body) ? Files.readAllBytes(body) : new byte[0]);
    }

    static Fetch tryGet(String path) throws Exception {
        try {
            return get(path);
        } catch (IOException e) {
            return null;
        }
    }

    /** The entry's data as book.zip stores it: the compressed bytes, found by its local header. */
    static byte[] storedBytes(String name) throws IOException {
        long csize;
        try (ZipFile zf = new ZipFile(book.toFile())) {
            csize = zf.getEntry(name).getCompressedSize();
        }
        byte[] all = Files.readAllBytes(book);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 30 + n.length <= all.length; i++) {
            if (b.getInt(i) == 0x04034b50 && (b.getShort(i + 26) & 0xffff) == n.length
                    && Arrays.equals(all, i + 30, i + 30 + n.length, n, 0, n.length)) {
                int start = i + 30 + n.length + (b.getShort(i + 28) & 0xffff);
                return Arrays.copyOfRange(all, start, start + (int) csize);
            }
        }
        throw new AssertionError("no local header for " + name + " in " + book);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
