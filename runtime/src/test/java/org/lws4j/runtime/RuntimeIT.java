package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    /** The exit status of a JVM ended by SIGTERM after its shutdown hooks ran: 128 + 15. */
    private static final int EXIT_ON_SIGTERM = 143;

    private static final String DYNAMIC_JAR_NAME = "protocol-dynamic.jar";
    private static final String DYNAMIC_MARK = "<h1>lws4j dynamic content</h1>";

    private static DistRun rt;
    private static HttpClient http;

    /** Prints the runtime's output once a check fails. */
    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void startRuntime() throws Exception {
        Path script = Paths.get(DistRun.property("lws4j.dist")).resolve("bin/lws4j");
        assertTrue(Files.isExecutable(script), script + " is not executable");
        DistRun.assertPortFree(PORT);

        // a copy, so that the run's cache/ and deploy/ changes never touch target/lws4j
        rt = DistRun.copy("runtime");

        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();

        long t0 = System.nanoTime();
        rt.start();
        rt.await("the runtime to answer GET / on " + BASE, BOOT_TIMEOUT, () -> {
            try {
                send("/");
                return Optional.of(true);
            } catch (IOException e) {
                return Optional.empty();
            }
        });
        System.out.printf("[RuntimeIT] serving after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
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
        Path jar = Paths.get(DistRun.property("lws4j.protocol-dynamic.jar"));
        assertTrue(Files.isRegularFile(jar), "no protocol-dynamic jar at " + jar);
        rt.deploy(jar, DYNAMIC_JAR_NAME);

        String body = rt.await("GET /dyn/hello to answer 200 after deploying " + DYNAMIC_JAR_NAME, DEPLOY_TIMEOUT, () -> {
            HttpResponse<byte[]> r = trySend("/dyn/hello");
            return r != null && r.statusCode() == 200
                    ? Optional.of(new String(r.body(), StandardCharsets.UTF_8)) : Optional.empty();
        });
        assertTrue(body.contains(DYNAMIC_MARK), "GET /dyn/hello body lacks " + DYNAMIC_MARK + ":\n" + abbreviate(body));
    }

    @Test
    @Order(5)
    void bundleDeletedFromDeployGoesAway() throws Exception {
        Path deployed = rt.home.resolve("deploy").resolve(DYNAMIC_JAR_NAME);
        assertTrue(Files.exists(deployed), "nothing deployed to remove (the previous check failed?)");
        Files.delete(deployed);

        HttpResponse<byte[]> r = rt.await("GET /dyn/hello to answer 503 after deleting " + DYNAMIC_JAR_NAME, DEPLOY_TIMEOUT, () -> {
            HttpResponse<byte[]> x = trySend("/dyn/hello");
            return x != null && x.statusCode() == 503 ? Optional.of(x) : Optional.empty();
        });
        assertTrue(r.headers().firstValue("retry-after").isPresent(), "503 without Retry-After: " + r.headers().map());
    }

    @Test
    @Order(6)
    void sigtermStopsCleanly() throws Exception {
        assertTrue(rt.isAlive(), "the runtime is not running any more");
        long logged = rt.logSize();

        // SIGTERM: Felix Main's shutdown hook stops the framework, then the JVM exits
        int status = rt.stop(STOP_TIMEOUT);
        assertEquals(EXIT_ON_SIGTERM, status, "exit status after SIGTERM");

        String tail = rt.logText(logged);
        assertFalse(tail.contains("Error stopping framework"), "Felix failed to stop:\n" + tail);
        assertFalse(tail.contains("Exception"), "an exception while stopping:\n" + tail);
        assertFalse(tail.contains("ERROR"), "an error while stopping:\n" + tail);
        DistRun.assertPortFree(PORT);
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

    /** A file of the demo site as the test-server jar holds it ({@code site/NAME}). */
    private static byte[] siteFile(String name) throws IOException {
        Path jar = Paths.get(DistRun.property("lws4j.test-server.jar"));
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

    private static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "...";
    }
}
