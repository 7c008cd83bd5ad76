package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts the assembled distribution (target/lws4j, copied to a temporary folder) with
 * {@code bin/lws4j run} and checks it from the outside, over HTTP on 127.0.0.1:7681: the demo
 * site of the test-server bundle, hot deployment of the protocol-dynamic bundle through
 * deploy/, and a clean stop on SIGTERM.
 *
 * <p>The methods run in order and share one server. Every wait is bounded; when a check fails
 * the runtime's output (target/it/runtime.log) is printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RuntimeIT {

    private static final String HOST = "127.0.0.1";
    private static final int PORT = 7681;
    private static final URI BASE = URI.create("http://" + HOST + ":" + PORT);

    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(250);

    /** The exit status of a JVM ended by SIGTERM after its shutdown hooks ran: 128 + 15. */
    private static final int EXIT_ON_SIGTERM = 143;

    private static final String DYNAMIC_JAR_NAME = "protocol-dynamic.jar";
    private static final String DYNAMIC_MARK = "<h1>lws4j dynamic content</h1>";

    private static Path home;
    private static Path log;
    private static Process process;
    private static HttpClient http;
    private static boolean failed;

    /** Prints the runtime's output once a check fails. */
    @RegisterExtension
    static final TestWatcher DUMP_LOG_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed = true;
            dumpLog(context.getDisplayName() + " failed");
        }
    };

    @BeforeAll
    static void startRuntime() throws Exception {
        Path dist = Paths.get(requiredProperty("lws4j.dist"));
        assertTrue(Files.isDirectory(dist), "no distribution at " + dist + ": run 'mvn verify', which lays it out in package");
        Path script = dist.resolve("bin/lws4j");
        assertTrue(Files.isExecutable(script), script + " is not executable");

        Path itDir = Paths.get(requiredProperty("lws4j.it.dir"));
        Files.createDirectories(itDir);
        log = itDir.resolve("runtime.log");
        Files.deleteIfExists(log);

        assertPortFree();

        // a copy, so that the run's cache/ and deploy/ changes never touch target/lws4j
        home = Files.createTempDirectory(itDir, "lws4j-");
        copyTree(dist, home);
        assertTrue(Files.isExecutable(home.resolve("bin/lws4j")), "the copy lost the executable bit of bin/lws4j");

        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();

        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/lws4j").toString(), "run")
                .directory(itDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        System.out.println("[RuntimeIT] starting " + home.resolve("bin/lws4j") + " run; output in " + log);
        process = pb.start();

        long t0 = System.nanoTime();
        try {
            await("the runtime to answer GET / on " + BASE, BOOT_TIMEOUT, () -> {
                try {
                    send("/");
                    return Optional.of(true);
                } catch (IOException e) {
                    return Optional.empty();
                }
            });
        } catch (AssertionError e) {
            failed = true;
            dumpLog("start failed");
            throw e;
        }
        System.out.printf("[RuntimeIT] serving after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @AfterAll
    static void stopRuntime() throws Exception {
        try {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (home != null) {
                if (failed) {
                    System.out.println("[RuntimeIT] kept the runtime's folder for a look: " + home);
                } else {
                    deleteTree(home);
                }
            }
        }
    }

    @Test
    @Order(1)
    void indexPageIsServed() throws Exception {
        HttpResponse<byte[]> r = send("/");
        assertEquals(200, r.statusCode(), "GET /");
        String type = r.headers().firstValue("content-type").orElse("");
        assertTrue(type.startsWith("text/html"), "GET / Content-Type: " + type);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("lws4j"), "GET / body does not mention lws4j:\n" + abbreviate(body));
    }

    @Test
    @Order(2)
    void bigFileArrivesWhole() throws Exception {
        byte[] expected = siteFile("big-picture.png");
        assertTrue(expected.length > 1 << 20, "site/big-picture.png in the test-server jar is not over 1 MiB");

        HttpResponse<byte[]> r = send("/big-picture.png");
        assertEquals(200, r.statusCode(), "GET /big-picture.png");
        long length = r.headers().firstValueAsLong("content-length").orElse(-1);
        assertTrue(length > 1 << 20, "Content-Length " + length + " is not over 1 MiB");
        assertEquals(length, r.body().length, "bytes received against Content-Length");
        assertEquals(expected.length, r.body().length, "bytes received against the file in the jar");
        assertArrayEquals(sha256(expected), sha256(r.body()), "SHA-256 of /big-picture.png against the file in the jar");
        r.headers().firstValue("content-type")
                .ifPresent(t -> assertTrue(t.startsWith("image/png"), "Content-Type " + t));
    }

    @Test
    @Order(3)
    void callbackMountWithoutItsProtocolAnswers503() throws Exception {
        HttpResponse<byte[]> r = send("/dyn/hello");
        assertEquals(503, r.statusCode(), "GET /dyn/hello with protocol-dynamic not installed");
        assertTrue(r.headers().firstValue("retry-after").isPresent(), "503 without Retry-After: " + r.headers().map());
    }

    @Test
    @Order(4)
    void bundleDroppedIntoDeployServes() throws Exception {
        Path jar = Paths.get(requiredProperty("lws4j.protocol-dynamic.jar"));
        assertTrue(Files.isRegularFile(jar), "no protocol-dynamic jar at " + jar);
        // whole or not at all: FileInstall must never see a half-written jar
        Path staged = home.resolve(DYNAMIC_JAR_NAME + ".tmp");
        Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, home.resolve("deploy").resolve(DYNAMIC_JAR_NAME), StandardCopyOption.ATOMIC_MOVE);

        String body = await("GET /dyn/hello to answer 200 after deploying " + DYNAMIC_JAR_NAME, DEPLOY_TIMEOUT, () -> {
            HttpResponse<byte[]> r = trySend("/dyn/hello");
            return r != null && r.statusCode() == 200
                    ? Optional.of(new String(r.body(), StandardCharsets.UTF_8)) : Optional.empty();
        });
        assertTrue(body.contains(DYNAMIC_MARK), "GET /dyn/hello body lacks " + DYNAMIC_MARK + ":\n" + abbreviate(body));
    }

    @Test
    @Order(5)
    void bundleDeletedFromDeployGoesAway() throws Exception {
        Path deployed = home.resolve("deploy").resolve(DYNAMIC_JAR_NAME);
        assertTrue(Files.exists(deployed), "nothing deployed to remove (the previous check failed?)");
        Files.delete(deployed);

        HttpResponse<byte[]> r = await("GET /dyn/hello to answer 503 after deleting " + DYNAMIC_JAR_NAME, DEPLOY_TIMEOUT, () -> {
            HttpResponse<byte[]> x = trySend("/dyn/hello");
            return x != null && x.statusCode() == 503 ? Optional.of(x) : Optional.empty();
        });
        assertTrue(r.headers().firstValue("retry-after").isPresent(), "503 without Retry-After: " + r.headers().map());
    }

    @Test
    @Order(6)
    void sigtermStopsCleanly() throws Exception {
        assertTrue(process.isAlive(), "the runtime is not running any more");
        long logged = Files.size(log);

        process.destroy(); // SIGTERM: Felix Main's shutdown hook stops the framework, then the JVM exits
        assertTrue(process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                "the runtime did not exit within " + STOP_TIMEOUT.toSeconds() + " s of SIGTERM");
        assertEquals(EXIT_ON_SIGTERM, process.exitValue(), "exit status after SIGTERM");

        String tail = readLog(logged);
        assertFalse(tail.contains("Error stopping framework"), "Felix failed to stop:\n" + tail);
        assertFalse(tail.contains("Exception"), "an exception while stopping:\n" + tail);
        assertFalse(tail.contains("ERROR"), "an error while stopping:\n" + tail);
        assertPortFree();
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static HttpResponse<byte[]> send(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(BASE.resolve(path)).timeout(REQUEST_TIMEOUT).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The response, or null when the connection failed (the wait goes on). */
    private static HttpResponse<byte[]> trySend(String path) throws InterruptedException {
        try {
            return send(path);
        } catch (IOException e) {
            return null;
        }
    }

    /** Polls until {@code probe} gives a value, the runtime dies, or {@code timeout} passes. */
    private static <T> T await(String what, Duration timeout, ThrowingSupplier<Optional<T>> probe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (process != null && !process.isAlive()) {
                fail("the runtime exited with status " + process.exitValue() + " while waiting for " + what);
            }
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private static void assertPortFree() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, PORT), 1000);
            fail("something already listens on " + HOST + ":" + PORT + "; stop it before running this test");
        } catch (ConnectException expected) {
            // free
        } catch (IOException e) {
            fail("cannot tell whether " + HOST + ":" + PORT + " is free: " + e);
        }
    }

    /** A file of the demo site as the test-server jar holds it ({@code site/NAME}). */
    private static byte[] siteFile(String name) throws IOException {
        Path jar = Paths.get(requiredProperty("lws4j.test-server.jar"));
        try (JarFile jf = new JarFile(jar.toFile())) {
            JarEntry entry = jf.stream()
                    .filter(e -> e.getName().equals("site/" + name) || e.getName().endsWith("/site/" + name))
                    .findFirst()
                    .orElse(null);
            assertNotNull(entry, "no site/" + name + " in " + jar);
            try (InputStream in = jf.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
    }

    private static byte[] sha256(byte[] data) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static String requiredProperty(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank() || v.startsWith("${")) {
            fail("system property " + name + " is not set (" + v + "): run this test through Maven failsafe");
        }
        return v;
    }

    private static String readLog(long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(from, all.length);
            return new String(all, start, all.length - start, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static void dumpLog(String why) {
        if (log == null) {
            return;
        }
        String text = readLog(0);
        int max = 200_000;
        if (text.length() > max) {
            text = "... (" + (text.length() - max) + " characters left out) ...\n" + text.substring(text.length() - max);
        }
        System.out.println("[RuntimeIT] " + why + "; the runtime's output (" + log + "):");
        System.out.println("----8<----");
        System.out.println(text);
        System.out.println("----8<----");
    }

    private static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "...";
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                // COPY_ATTRIBUTES keeps the POSIX permissions, so bin/lws4j stays executable
                Files.copy(file, to.resolve(from.relativize(file).toString()),
                        StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    System.out.println("[RuntimeIT] cannot delete " + p + ": " + e);
                }
            });
        }
    }
}
