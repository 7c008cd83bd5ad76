package org.lws4j.runtime;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cgi bundle on the real runtime, with real CGI programs (sh and python3) written by the test
 * and real sockets: meta-variables, request bodies on stdin (with back-pressure), Status and
 * Location, bad programs (garbage headers, non-zero exit, missing, not executable),
 * {@code cgi-timeout} killing the whole process group (504 before the head, a cut connection
 * after), a client leaving mid-output killing its program, a slow client holding a program with
 * megabytes of output blocked instead of the server buffering it, and hot-plug of the bundle
 * through deploy/.
 *
 * <p>The runtime is a private copy (see {@link DistRun}) with a vhost on a free port; the
 * cgi bundle is moved from bundle/ to deploy/ so that the test can unplug and replug it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CgiIT {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final int BIG_OUTPUT = 64 << 20;

    private static DistRun rt;
    private static Path scripts;
    private static Path deployed;
    private static Path cgiJar;
    private static HttpClient http;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        rt = DistRun.copy("cgi-it").withoutDemo();
        scripts = rt.home.resolve("cgi");
        Files.createDirectories(scripts);
        writeScripts();

        // the cgi bundle is plugged in through deploy/, so that deleting it there unplugs it
        deployed = rt.toDeploy("org.lws4j.cgi-", "org.lws4j.cgi.jar");
        cgiJar = rt.home.resolve("cgi.jar.keep");
        Files.copy(deployed, cgiJar);

        rt.config("cgi-it.json", config());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        rt.start("-d", "15");
        rt.awaitListening(rt.port, DistRun.BOOT_TIMEOUT);
        rt.await("the cgi mounts to serve", Duration.ofSeconds(30), () -> {
            HttpResponse<String> r = tryGet("/cgi-bin/env");
            return r != null && r.statusCode() == 200 ? Optional.of(true) : Optional.empty();
        });
    }

    // ---- the programs ----------------------------------------------------------------------------

    private static void writeScripts() throws IOException {
        script("env.sh", """
                #!/bin/sh
                printf 'Content-Type: text/plain\\r\\nX-Cgi: env\\r\\n\\r\\n'
                env | sort
                """);
        script("query.py", """
                #!/usr/bin/python3
                import os, sys, urllib.parse
                q = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
                out = "Content-Type: text/plain; charset=utf-8\\n\\n"
                out += "x=" + ",".join(q.get("x", [])) + "\\n"
                out += "name=" + ",".join(q.get("name", [])) + "\\n"
                out += "path_info=" + os.environ.get("PATH_INFO", "(none)") + "\\n"
                sys.stdout.buffer.write(out.encode("utf-8"))
                """);
        // reads its whole stdin (to EOF: chunked requests have no CONTENT_LENGTH) and answers its
        // length and SHA-256; with ?wait it reads nothing until the test creates sum.go
        script("sum.py", """
                #!/usr/bin/python3
                import hashlib, os, sys, time
                if os.environ.get("QUERY_STRING") == "wait":
                    while not os.path.exists("%s"):
                        time.sleep(0.01)
                h = hashlib.sha256()
                n = 0
                while True:
                    b = sys.stdin.buffer.read(65536)
                    if not b:
                        break
                    h.update(b)
                    n += len(b)
                sys.stdout.buffer.write(("Content-Type: text/plain\\n\\n%%d %%s %%s\\n"
                    %% (n, h.hexdigest(), os.environ.get("CONTENT_LENGTH", "-"))).encode())
                """.formatted(scripts.resolve("sum.go")));
        script("teapot.sh", """
                #!/bin/sh
                echo "Status: 418 I'm a teapot"
                echo "Content-Type: text/plain"
                echo "Content-Length: 6"
                echo "X-Brew: tea"
                echo
                printf 'short\\n'
                """);
        script("local-redirect.sh", "#!/bin/sh\necho 'Location: /cgi-bin/env?from=redirect'\necho\n");
        script("redirect.sh", "#!/bin/sh\necho 'Status: 301 Moved'\necho 'Location: https://example.com/moved'\n"
                + "echo 'Content-Type: text/html'\necho\necho '<a href=\"https://example.com/moved\">moved</a>'\n");
        script("garbage.sh", "#!/bin/sh\necho 'this is not a header'\necho\necho 'garbage-body'\n");
        script("fail.sh", "#!/bin/sh\necho 'going wrong' >&2\nexit 3\n");
        script("stderr.sh", "#!/bin/sh\necho 'note from the script' >&2\necho 'Content-Type: text/plain'\necho\necho ok\n");
        // sleeps past its timeout, with a child in its group, before any output
        script("sleep.sh", "#!/bin/sh\necho $$ > " + scripts.resolve("sleep.pids") + "\nsleep 300 &\necho $! >> "
                + scripts.resolve("sleep.pids") + "\nsleep 301\n");
        // sends its head and a little, then hangs past its timeout
        script("hang.sh", "#!/bin/sh\necho $$ > " + scripts.resolve("hang.pids")
                + "\nprintf 'Content-Type: text/plain\\n\\npartial\\n'\nsleep 302\n");
        // output without end, for a client that leaves
        script("forever.sh", "#!/bin/sh\necho $$ > " + scripts.resolve("forever.pids") + "\nsleep 303 &\necho $! >> "
                + scripts.resolve("forever.pids") + "\nprintf 'Content-Type: text/plain\\n\\n'\n"
                + "while :; do echo 'line line line line line line line line line line line line'; done\n");
        // silent for 50 s with a child in its group: only a client that stays would wait for it
        script("silent.sh", "#!/bin/sh\necho $$ > \"$QUERY_STRING\"\nsleep 304 &\necho $! >> \"$QUERY_STRING\"\nsleep 50\n");
        // megabytes of output, reporting how far it got in a file
        script("big.py", """
                #!/usr/bin/python3
                import os, sys
                progress = "%s"
                with open(progress + ".pid", "w") as f:
                    f.write(str(os.getpid()))
                out = sys.stdout.buffer
                out.write(b"Content-Type: application/octet-stream\\n\\n")
                out.flush()
                block = bytes(range(256)) * 256
                written = 0
                while written < %d:
                    out.write(block)
                    out.flush()
                    written += len(block)
                    with open(progress, "w") as f:
                        f.write(str(written))
                """.formatted(scripts.resolve("big.progress"), BIG_OUTPUT));
        Path plain = scripts.resolve("not-executable.sh");
        Files.writeString(plain, "#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho never\n");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void script(String name, String text) throws IOException {
        Path p = scripts.resolve(name);
        Files.writeString(p, text, UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String config() {
        StringBuilder mounts = new StringBuilder();
        String[][] m = {
            {"/cgi-bin/env", "env.sh", "20"},
            {"/cgi-bin/query", "query.py", "20"},
            {"/cgi-bin/sum", "sum.py", "60"},
            {"/cgi-bin/teapot", "teapot.sh", "20"},
            {"/cgi-bin/local-redirect", "local-redirect.sh", "20"},
            {"/cgi-bin/redirect", "redirect.sh", "20"},
            {"/cgi-bin/garbage", "garbage.sh", "20"},
            {"/cgi-bin/fail", "fail.sh", "20"},
            {"/cgi-bin/stderr", "stderr.sh", "20"},
            {"/cgi-bin/sleep", "sleep.sh", "2"},
            {"/cgi-bin/hang", "hang.sh", "2"},
            {"/cgi-bin/forever", "forever.sh", "60"},
            {"/cgi-bin/big", "big.py", "120"},
            {"/cgi-bin/missing", "no-such-script.sh", "20"},
            {"/cgi-bin/silent", "silent.sh", "60"},
            {"/cgi-bin/not-executable", "not-executable.sh", "20"},
        };
        for (String[] e : m) {
            if (mounts.length() > 0) {
                mounts.append(",\n");
            }
            mounts.append("      { \"mountpoint\": \"").append(e[0]).append("\", \"origin\": \"cgi://")
                    .append(scripts.resolve(e[1])).append("\", \"cgi-timeout\": \"").append(e[2])
                    .append(e[0].equals("/cgi-bin/silent") ? "\", \"cgi-max-processes\": \"" + SILENT_MAX : "")
                    .append("\", \"cgi-env\": [{ \"SECRET\": \"s3cret\" }, { \"LANG\": \"C.UTF-8\" }] }");
        }
        return "{\n  \"vhosts\": [{\n    \"name\": \"localhost\",\n    \"port\": \"" + rt.port
                + "\",\n    \"interface\": \"127.0.0.1\",\n    \"mounts\": [\n" + mounts + "\n    ]\n  }]\n}\n";
    }

    // ---- meta-variables, bodies, heads ---------------------------------------------------------

    @Test
    @Order(1)
    void metaVariablesAndCgiEnv() throws Exception {
        String env;
        try (WireClient c = new WireClient(rt.port, 0)) {
            c.send("GET /cgi-bin/env/a%20b/c?x=1&y=two HTTP/1.1\r\nHost: 127.0.0.1:" + rt.port
                    + "\r\nX-Custom: hello\r\nProxy: http://evil.example:3128\r\n\r\n");
            WireClient.Head h = c.readHead();
            assertEquals(200, h.status());
            assertEquals("env", h.header("x-cgi"));
            assertTrue(h.chunked(), "no length from the program: chunked");
            env = new String(c.readBody(h), UTF_8);
        }
        for (String line : List.of("GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET", "QUERY_STRING=x=1&y=two",
                "PATH_INFO=/a b/c", "SCRIPT_NAME=/cgi-bin/env", "SCRIPT_FILENAME=" + scripts.resolve("env.sh"),
                "SERVER_PROTOCOL=HTTP/1.1", "SERVER_PORT=" + rt.port, "SERVER_NAME=127.0.0.1",
                "SERVER_SOFTWARE=lws4j", "REMOTE_ADDR=127.0.0.1", "HTTP_X_CUSTOM=hello", "SECRET=s3cret",
                "LANG=C.UTF-8", "REQUEST_URI=/cgi-bin/env/a%20b/c?x=1&y=two")) {
            assertTrue(env.lines().anyMatch(line::equals), "no " + line + " in\n" + env);
        }
        assertTrue(env.lines().anyMatch(l -> l.startsWith("REMOTE_PORT=")), env);
        assertFalse(env.contains("HTTP_PROXY"), "httpoxy: a Proxy header must not become HTTP_PROXY\n" + env);
        assertFalse(env.contains("CONTENT_LENGTH"), "no body, no CONTENT_LENGTH\n" + env);
        assertFalse(env.contains("JAVA_HOME"), "the server's environment is not passed on\n" + env);
    }

    @Test
    @Order(2)
    void getWithAQueryInPython() throws Exception {
        HttpResponse<String> r = get("/cgi-bin/query/some/where?x=1&x=2&name=caf%C3%A9+au+lait");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("x=1,2\nname=caf\u00e9 au lait\npath_info=/some/where\n", r.body());
    }

    @Test
    @Order(3)
    void postBodyStreamsToStdin() throws Exception {
        byte[] body = new byte[3 << 20];
        new Random(42).nextBytes(body);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/cgi-bin/sum"))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(body.length + " " + sha256(body) + " " + body.length + "\n", r.body());
    }

    @Test
    @Order(4)
    void chunkedPostReachesStdinWithoutContentLength() throws Exception {
        try (WireClient c = new WireClient(rt.port, 0)) {
            c.send("POST /cgi-bin/sum HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
            c.sendChunk("hello ".getBytes(ISO_8859_1));
            c.sendChunk("world".getBytes(ISO_8859_1));
            c.send("0\r\n\r\n");
            WireClient.Head h = c.readHead();
            assertEquals(200, h.status());
            assertEquals("11 " + sha256("hello world".getBytes(ISO_8859_1)) + " -\n", new String(c.readBody(h), ISO_8859_1));
        }
    }

    /**
     * A program that reads its stdin late: the server must stop reading the client meanwhile
     * (rxFlowControl), not buffer the body; then everything arrives intact.
     */
    @Test
    @Order(5)
    void aProgramThatReadsLateStopsTheUploadInsteadOfBufferingIt() throws Exception {
        int size = 64 << 20;
        AtomicLong sent = new AtomicLong();
        Path go = scripts.resolve("sum.go");
        Files.deleteIfExists(go);
        try (WireClient c = new WireClient(rt.port, 0)) {
            c.socket.setSendBufferSize(64 * 1024);
            c.send("POST /cgi-bin/sum?wait HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + size
                    + "\r\nConnection: close\r\n\r\n");
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] block = new byte[65536];
            new Random(9).nextBytes(block);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = c.out;
                    for (int at = 0; at < size; at += block.length) {
                        out.write(block);
                        sent.addAndGet(block.length);
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int at = 0; at < size; at += block.length) {
                md.update(block);
            }
            writer.start();
            // the program reads nothing until sum.go exists: the upload must stop
            long early = awaitUploadHeldBack(c, writer, sent);
            System.out.println("[CgiIT] sent while the program was not reading: " + early + " of " + size);
            assertTrue(early < 24 << 20, "the server kept reading the body while stdin was full: " + early + " bytes");
            Files.writeString(go, "");
            writer.join(60_000);
            WireClient.Head h = c.readHead();
            assertEquals(200, h.status());
            assertEquals(size + " " + HexFormat.of().formatHex(md.digest()) + " " + size + "\n",
                    new String(c.readBody(h), ISO_8859_1));
        }
    }

    @Test
    @Order(6)
    void statusAndOtherHeadersPassThrough() throws Exception {
        HttpResponse<String> r = get("/cgi-bin/teapot");
        assertEquals(418, r.statusCode());
        assertEquals("text/plain", r.headers().firstValue("content-type").orElse(null));
        assertEquals("tea", r.headers().firstValue("x-brew").orElse(null));
        assertEquals("6", r.headers().firstValue("content-length").orElse(null), "the program's length, not chunked");
        assertEquals("short\n", r.body());
    }

    @Test
    @Order(7)
    void locationRedirects() throws Exception {
        HttpResponse<String> local = get("/cgi-bin/local-redirect");
        assertEquals(302, local.statusCode(), "a local Location (RFC 3875 6.2.2) is sent as lws does: 302");
        assertEquals("/cgi-bin/env?from=redirect", local.headers().firstValue("location").orElse(null));

        HttpResponse<String> abs = get("/cgi-bin/redirect");
        assertEquals(301, abs.statusCode(), "Status given with a client redirect");
        assertEquals("https://example.com/moved", abs.headers().firstValue("location").orElse(null));
        assertTrue(abs.body().contains("moved"));
    }

    // ---- bad programs ------------------------------------------------------------------------

    @Test
    @Order(10)
    void garbageHeadersAre500() throws Exception {
        HttpResponse<String> r = get("/cgi-bin/garbage");
        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains("garbage-body"));
        awaitLog("bad header block: not a header line");
    }

    @Test
    @Order(11)
    void nonZeroExitBeforeAnyOutputIs500AndStderrIsLogged() throws Exception {
        assertEquals(500, get("/cgi-bin/fail").statusCode());
        awaitLog("stderr: going wrong");
        awaitLog("exited with status 3 after 0 bytes of output");
        HttpResponse<String> ok = get("/cgi-bin/stderr");
        assertEquals(200, ok.statusCode());
        assertEquals("ok\n", ok.body());
        awaitLog("stderr: note from the script");
    }

    @Test
    @Order(12)
    void missingProgramIs404AndNotExecutableIs500() throws Exception {
        HttpResponse<String> missing = get("/cgi-bin/missing");
        assertEquals(404, missing.statusCode());
        assertFalse(missing.body().contains(scripts.toString()), "the page does not show server paths");
        awaitLog(scripts.resolve("no-such-script.sh") + ": no such file");
        assertEquals(500, get("/cgi-bin/not-executable").statusCode());
        awaitLog(scripts.resolve("not-executable.sh") + ": not executable");
    }

    // ---- timeouts, clients that leave, slow clients ----------------------------------------------

    @Test
    @Order(20)
    void timeoutBeforeTheHeadIs504AndKillsTheWholeGroup() throws Exception {
        long t0 = System.nanoTime(); // before the request, so before the program and its timeout
        HttpResponse<String> r = get("/cgi-bin/sleep");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(504, r.statusCode());
        assertTrue(ms >= 2000, "504 after " + ms + " ms, before the cgi-timeout of 2 s");
        awaitLog(scripts.resolve("sleep.sh") + ": GET /cgi-bin/sleep: still running after its cgi-timeout of 2 s");
        assertGone(scripts.resolve("sleep.pids"));
    }

    @Test
    @Order(21)
    void timeoutAfterTheHeadClosesTheConnection() throws Exception {
        try (WireClient c = new WireClient(rt.port, 0)) {
            c.send("GET /cgi-bin/hang HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            WireClient.Head h = c.readHead();
            assertEquals(200, h.status());
            assertTrue(h.chunked());
            WireClient.Body b = c.readChunked(true);
            assertEquals("partial\n", new String(b.data(), ISO_8859_1));
            assertFalse(b.complete(), "a body cut by the timeout must not end like a complete one");
        }
        assertGone(scripts.resolve("hang.pids"));
    }

    @Test
    @Order(22)
    void aClientThatLeavesMidOutputKillsTheProgram() throws Exception {
        Files.deleteIfExists(scripts.resolve("forever.pids"));
        try (WireClient c = new WireClient(rt.port, 0)) {
            c.send("GET /cgi-bin/forever HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            WireClient.Head h = c.readHead();
            assertEquals(200, h.status());
            assertEquals(1 << 20, c.readFixed(1 << 20).length);
            List<Long> pids = pids(scripts.resolve("forever.pids"));
            assertEquals(2, pids.size());
            assertTrue(ProcessHandle.of(pids.get(0)).isPresent(), "the program runs while the client reads");
        }
        assertGone(scripts.resolve("forever.pids"));
    }

    /** Programs of /cgi-bin/silent that may run at once. */
    private static final int SILENT_MAX = 2;

    @Test
    @Order(24)
    void aClientThatClosesAtOnceTakesItsProgramWithItWithinASecond() throws Exception {
        Path pids = scripts.resolve("silent-closed.pids");
        Files.deleteIfExists(pids);
        WireClient c = new WireClient(rt.port, 0);
        c.send("GET /cgi-bin/silent?" + pids + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        List<Long> running = pids(pids);
        assertTrue(alive(running.get(0)), "the program runs while its client waits");
        long closed = System.nanoTime();
        c.close();
        for (long pid : running) {
            rt.await("process " + pid + " to be gone after its client closed", Duration.ofSeconds(5),
                    () -> alive(pid) ? Optional.empty() : Optional.of(true));
        }
        long ms = (System.nanoTime() - closed) / 1_000_000;
        System.out.printf("[CgiIT] the program and its child were gone %d ms after the client closed%n", ms);
        assertTrue(ms < 1000, "gone " + ms + " ms after the client closed");
    }

    @Test
    @Order(25)
    void pastCgiMaxProcessesARequestIsAnswered503AndServedAgainOnceOneEnds() throws Exception {
        List<WireClient> holders = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try {
            for (int i = 0; i < SILENT_MAX; i++) {
                Path pids = scripts.resolve("silent-" + i + ".pids");
                Files.deleteIfExists(pids);
                WireClient c = new WireClient(rt.port, 0);
                c.send("GET /cgi-bin/silent?" + pids + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                holders.add(c);
                files.add(pids);
                pids(pids);
            }
            try (WireClient extra = new WireClient(rt.port, 0)) {
                extra.send("GET /cgi-bin/silent?" + scripts.resolve("silent-x.pids") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                WireClient.Head h = extra.readHead();
                assertEquals(503, h.status());
                assertEquals("5", h.header("retry-after"));
                assertTrue(new String(extra.readBody(h), UTF_8).contains("Too many CGI programs"));
            }
            assertFalse(Files.exists(scripts.resolve("silent-x.pids")), "no third program was started");
            awaitLog("programs of this mount run already (cgi-max-processes): 503");
        } finally {
            for (WireClient c : holders) {
                c.close();
            }
        }
        for (Path f : files) {
            assertGone(f);
        }
        // both places are free again: two more run
        rt.await("/cgi-bin/env to answer while silent ones end", Duration.ofSeconds(10), () -> {
            HttpResponse<String> r = tryGet("/cgi-bin/env");
            return r != null && r.statusCode() == 200 ? Optional.of(true) : Optional.empty();
        });
        Path again = scripts.resolve("silent-again.pids");
        Files.deleteIfExists(again);
        try (WireClient c = new WireClient(rt.port, 0)) {
            c.send("GET /cgi-bin/silent?" + again + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertTrue(alive(pids(again).get(0)), "a place was given back when the programs ended");
        }
        assertGone(again);
    }

    /**
     * A client that does not read: the program's output must back up into its pipe and block it,
     * not into the server's memory. 64 MiB of output; the client reads the head and stops; the
     * program's own count of what it wrote stops growing far below that (the pipe, the server's
     * bounded queue and the sockets' buffers); then the client reads everything.
     */
    @Test
    @Order(23)
    void aSlowClientBlocksAProgramWithMegabytesOfOutput() throws Exception {
        Path progress = scripts.resolve("big.progress");
        try (WireClient c = new WireClient(rt.port, 32 * 1024)) {
            c.send("GET /cgi-bin/big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            WireClient.Head h = c.readHead();
            assertEquals(200, h.status());
            assertTrue(h.chunked());

            long first = awaitBlockedWriting(progress);
            System.out.println("[CgiIT] a program with " + (BIG_OUTPUT >> 20) + " MiB to write is blocked after "
                    + first + " bytes; server " + heap());
            assertTrue(first < 24 << 20, "the program wrote " + first + " bytes while the client read nothing");
            long pid = Long.parseLong(Files.readString(progress.resolveSibling("big.progress.pid")).trim());
            String wchan = readQuietly(Path.of("/proc/" + pid + "/wchan"));
            System.out.println("[CgiIT] the program waits in " + wchan);

            WireClient.Body b = c.readChunked(false);
            assertTrue(b.complete());
            assertEquals(BIG_OUTPUT, b.length());
        }
        assertEquals(String.valueOf(BIG_OUTPUT), Files.readString(progress).trim());
    }

    // ---- hot-plug ----------------------------------------------------------------------------------

    @Test
    @Order(30)
    void unpluggingTheBundleKillsRunningProgramsAndMounts503ThenReplugServes() throws Exception {
        Files.deleteIfExists(scripts.resolve("forever.pids"));
        try (WireClient c = new WireClient(rt.port, 0)) {
            c.send("GET /cgi-bin/forever HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertEquals(200, c.readHead().status());
            assertEquals(2, pids(scripts.resolve("forever.pids")).size());

            Files.delete(deployed); // FileInstall stops and uninstalls the bundle
            HttpResponse<String> r = rt.await("GET /cgi-bin/env to answer 503 once the cgi bundle is gone",
                    Duration.ofSeconds(30), () -> {
                        HttpResponse<String> x = tryGet("/cgi-bin/env");
                        return x != null && x.statusCode() == 503 ? Optional.of(x) : Optional.empty();
                    });
            assertTrue(r.headers().firstValue("retry-after").isPresent(), "503 without Retry-After");
            assertGone(scripts.resolve("forever.pids"));
            assertFalse(c.readChunked(false).complete(), "the in-flight response was cut, not completed");
        }
        rt.deploy(cgiJar, deployed.getFileName().toString());
        rt.await("GET /cgi-bin/env to answer 200 again once the cgi bundle is back", Duration.ofSeconds(30), () -> {
            HttpResponse<String> x = tryGet("/cgi-bin/env");
            return x != null && x.statusCode() == 200 ? Optional.of(true) : Optional.empty();
        });
        assertEquals("x=7\nname=\npath_info=(none)\n", get("/cgi-bin/query?x=7").body());
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static URI uri(String path) {
        return URI.create("http://" + DistRun.HOST + ":" + rt.port + path);
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> tryGet(String path) throws InterruptedException {
        try {
            return get(path);
        } catch (IOException e) {
            return null;
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static void awaitLog(String text) throws Exception {
        rt.awaitLog(text, Duration.ofSeconds(10));
    }

    private static List<Long> pids(Path file) throws Exception {
        return rt.await(file.getFileName() + " to name the program's processes", Duration.ofSeconds(10), () -> {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            List<Long> pids = new ArrayList<>();
            for (String l : Files.readAllLines(file)) {
                if (!l.isBlank()) {
                    pids.add(Long.parseLong(l.trim()));
                }
            }
            return pids.size() >= 2 || pids.size() == 1 && file.toString().endsWith("hang.pids")
                    ? Optional.of(pids) : Optional.empty();
        });
    }

    /** Every process named in {@code file} (the program and its children) is gone within 5 s. */
    private static void assertGone(Path file) throws Exception {
        for (long pid : pids(file)) {
            rt.await("process " + pid + " of " + file.getFileName() + " to be gone", Duration.ofSeconds(5),
                    () -> alive(pid) ? Optional.empty() : Optional.of(true));
        }
    }

    /** Alive and not a zombie waiting for its reaper. */
    private static boolean alive(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        String stat = readQuietly(Path.of("/proc/" + pid + "/stat"));
        return stat != null && !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    }

    /**
     * Waits until the upload is held back: the client's writer waits in a socket write, and across
     * a request the server answers on another connection (so its loop has turned) neither the
     * client sent more nor did the server read any of what waits in its socket. A server that went
     * on reading would have taken some of it in that turn. Returns the bytes sent by then.
     */
    private static long awaitUploadHeldBack(WireClient c, Thread writer, AtomicLong sent) throws Exception {
        int clientPort = c.socket.getLocalPort();
        return rt.await("the upload to stop while the program reads nothing", Duration.ofSeconds(60), () -> {
            if (!writer.isAlive()) {
                return Optional.of(sent.get()); // all of it taken: the assertion says so
            }
            long before = sent.get();
            long waiting = serverReceiveQueue(clientPort);
            if (!inSocketWrite(writer) || waiting <= 0) {
                return Optional.empty();
            }
            tryGet("/nothing-here"); // answered by the same service thread
            boolean held = inSocketWrite(writer) && sent.get() == before && serverReceiveQueue(clientPort) == waiting;
            return held ? Optional.of(before) : Optional.empty();
        });
    }

    /**
     * True while {@code t} is inside a socket write: in the native write (blocked on a full send
     * buffer, or about to return) or parked until the socket can take more.
     */
    private static boolean inSocketWrite(Thread t) {
        StackTraceElement[] st = t.getStackTrace();
        boolean socketWrite = false;
        for (StackTraceElement e : st) {
            socketWrite |= e.getClassName().equals("sun.nio.ch.NioSocketImpl") && e.getMethodName().equals("implWrite");
        }
        return socketWrite && st.length > 0 && (st[0].isNativeMethod() || st[0].getMethodName().equals("park")
                || java.util.Arrays.stream(st).anyMatch(e -> e.getMethodName().equals("park")));
    }

    /**
     * Bytes received on the server's side of the connection from {@code clientPort} that the
     * server has not read (rx_queue in Linux's /proc/net/tcp6, or tcp for an IPv4-only JVM); -1
     * when it is not listed.
     */
    private static long serverReceiveQueue(int clientPort) {
        String local = String.format(":%04X", rt.port);
        String peer = String.format(":%04X", clientPort);
        for (String file : List.of("/proc/net/tcp6", "/proc/net/tcp")) {
            String table = readQuietly(Path.of(file));
            for (String line : table == null ? new String[0] : table.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 4 && f[1].endsWith(local) && f[2].endsWith(peer)) {
                    return Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                }
            }
        }
        return -1;
    }

    /**
     * Waits until the program is blocked writing to its full stdout pipe, and still is, with the
     * same count, after the server has answered a request on another connection; returns the
     * count. A server that went on reading the program's output would have let it write on.
     */
    private static long awaitBlockedWriting(Path progress) throws Exception {
        long pid = rt.await("big.py to start", Duration.ofSeconds(30), () -> {
            String s = readQuietly(progress.resolveSibling("big.progress.pid"));
            return s == null || s.isBlank() ? Optional.empty() : Optional.of(Long.parseLong(s.trim()));
        });
        return rt.await("the program to be blocked writing its output", Duration.ofSeconds(60), () -> {
            long before = count(progress);
            if (!inPipeWrite(pid)) {
                return Optional.empty();
            }
            tryGet("/nothing-here");
            return inPipeWrite(pid) && count(progress) == before ? Optional.of(before) : Optional.empty();
        });
    }

    private static long count(Path progress) {
        String s = readQuietly(progress);
        return s == null || s.isBlank() ? 0 : Long.parseLong(s.trim());
    }

    /** True while process {@code pid} sleeps in a pipe write (Linux /proc/PID/wchan, e.g. anon_pipe_write). */
    private static boolean inPipeWrite(long pid) {
        String wchan = readQuietly(Path.of("/proc/" + pid + "/wchan"));
        String stat = readQuietly(Path.of("/proc/" + pid + "/stat"));
        return wchan != null && wchan.contains("pipe") && stat != null && stat.substring(stat.lastIndexOf(')') + 2).startsWith("S");
    }

    private static String heap() {
        try {
            Process p = new ProcessBuilder("jcmd", String.valueOf(rt.pid()), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            p.waitFor();
            return out.lines().filter(l -> l.contains("total") && l.contains("used")).findFirst().orElse("(no heap info)").trim();
        } catch (Exception e) {
            return "(jcmd: " + e.getMessage() + ")";
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return null;
        }
    }
}
