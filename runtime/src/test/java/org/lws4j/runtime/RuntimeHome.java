package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private copy of the assembled distribution (target/lws4j) for one integration test class, run
 * with {@code bin/lws4j run} on a vhost of the test's own in {@code conf/conf.d} on a free port:
 * the way RuntimeIT runs it, without the demo site's fixed ports. The demo (test-server) bundle is
 * taken out of the copy, so the copy never binds 7681 or 7682 and can run beside other tests.
 */
final class RuntimeHome {
    static final String HOST = "127.0.0.1";
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);

    final Path home;
    final Path log;
    final int port;
    private final String name;
    private Process process;

    private RuntimeHome(String name, Path home, Path log, int port) {
        this.name = name;
        this.home = home;
        this.log = log;
        this.port = port;
    }

    /** Copies the distribution for test {@code name}; nothing runs yet. */
    static RuntimeHome copy(String name) throws IOException {
        Path dist = Paths.get(property("lws4j.dist"));
        assertTrue(Files.isDirectory(dist), "no distribution at " + dist + ": run 'mvn verify', which lays it out in package");
        Path itDir = Paths.get(property("lws4j.it.dir"));
        Files.createDirectories(itDir);
        Path home = Files.createTempDirectory(itDir, name + "-");
        copyTree(dist, home);
        try (Stream<Path> jars = Files.list(home.resolve("bundle"))) {
            for (Path jar : jars.filter(p -> p.getFileName().toString().startsWith("org.lws4j.test-server-")).toList()) {
                Files.delete(jar);
            }
        }
        return new RuntimeHome(name, home, itDir.resolve(name + ".log"), freePort());
    }

    /** Writes {@code conf/conf.d/NAME.json}. */
    void config(String file, String json) throws IOException {
        Files.writeString(home.resolve("conf/conf.d").resolve(file), json, StandardCharsets.UTF_8);
    }

    /** The bundle jar of {@code bundle/} whose name starts with {@code prefix} (e.g. "org.lws4j.cgi-"). */
    Path bundleJar(String prefix) throws IOException {
        try (Stream<Path> jars = Files.list(home.resolve("bundle"))) {
            return jars.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + prefix + "*.jar in " + home.resolve("bundle")));
        }
    }

    /** Starts {@code bin/lws4j run -d mask} and waits until the port answers. */
    void start(int logMask) throws Exception {
        Files.deleteIfExists(log);
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/lws4j").toString(), "-d", String.valueOf(logMask), "run")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        System.out.println("[" + name + "] starting " + home + " on port " + port + "; output in " + log);
        process = pb.start();
        // its own log must say it listens there: a free port can be taken by someone else meanwhile
        String mine = "listening on /" + HOST + ":" + port;
        await("the runtime to listen on " + port, BOOT_TIMEOUT, () -> {
            String text = logText();
            if (text.contains("cannot listen on /" + HOST + ":" + port)) {
                fail("port " + port + " was taken between choosing it and binding it; run again");
            }
            if (!text.contains(mine)) {
                return Optional.empty();
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 500);
                return Optional.of(true);
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    /** The server JVM's pid (bin/lws4j execs java). */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops the runtime (SIGTERM, then SIGKILL) and deletes the copy unless {@code keep}. */
    void stop(boolean keep) throws Exception {
        try {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (keep) {
                System.out.println("[" + name + "] kept the runtime's folder for a look: " + home);
            } else {
                deleteTree(home);
            }
        }
    }

    /** The runtime's output so far. */
    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    void dumpLog(String why) {
        String text = logText();
        int max = 200_000;
        if (text.length() > max) {
            text = "... (" + (text.length() - max) + " characters left out) ...\n" + text.substring(text.length() - max);
        }
        System.out.println("[" + name + "] " + why + "; the runtime's output (" + log + "):\n----8<----\n" + text + "\n----8<----");
    }

    /** Polls until {@code probe} gives a value, the runtime dies, or {@code timeout} passes. */
    <T> T await(String what, Duration timeout, Probe<Optional<T>> probe) throws Exception {
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
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @FunctionalInterface
    interface Probe<T> {
        T get() throws Exception;
    }

    static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank() || v.startsWith("${")) {
            fail("system property " + name + " is not set (" + v + "): run this test through Maven failsafe");
        }
        return v;
    }

    /** A port nothing listens on now, other than the demo's 7681 and 7682. */
    static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
                int p = s.getLocalPort();
                if (p != 7681 && p != 7682) {
                    return p;
                }
            }
        }
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
                Files.copy(file, to.resolve(from.relativize(file).toString()),
                        StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    System.out.println("cannot delete " + p + ": " + e);
                }
            });
        }
    }
}
