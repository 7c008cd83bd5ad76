package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A copy of the assembled distribution (target/lws4j) under target/it, run with
 * {@code bin/lws4j run}, for integration tests that drive it from outside with real tools
 * (openssl, curl). The copy can be changed before the start (conf.d files, bundles moved); the
 * output goes to a log file that is printed when a check fails. The copy is deleted after a clean
 * run and kept after a failed one. Every wait is bounded.
 */
final class DistRun implements AutoCloseable {
    static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    final Path home;
    final Path log;
    private final String name;
    private Process process;
    private boolean failed;

    private DistRun(String name, Path home, Path log) {
        this.name = name;
        this.home = home;
        this.log = log;
    }

    /** A fresh copy of the distribution, not started. */
    static DistRun copy(String name) throws IOException {
        Path dist = Paths.get(property("lws4j.dist"));
        assertTrue(Files.isDirectory(dist), "no distribution at " + dist + ": run 'mvn verify', which lays it out in package");
        Path itDir = Paths.get(property("lws4j.it.dir"));
        Files.createDirectories(itDir);
        Path home = Files.createTempDirectory(itDir, name + "-");
        copyTree(dist, home);
        assertTrue(Files.isExecutable(home.resolve("bin/lws4j")), "the copy lost the executable bit of bin/lws4j");
        return new DistRun(name, home, itDir.resolve(name + ".log"));
    }

    /** Starts {@code bin/lws4j run}; output to {@link #log}. */
    void start() throws IOException {
        Files.deleteIfExists(log);
        launch();
    }

    /**
     * Stops the runtime the way Ctrl-C does (SIGTERM) and waits for the JVM to end; the copy and
     * its log stay, for {@link #restart()}. Returns the exit status.
     */
    int stop(Duration timeout) throws InterruptedException {
        assertTrue(process != null && process.isAlive(), "the runtime is not running");
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the runtime did not stop within " + timeout.toSeconds() + " s of SIGTERM");
        }
        return process.exitValue();
    }

    /** Starts the same copy again after {@link #stop}; output appended to the same log. */
    void restart() throws IOException {
        assertTrue(process != null && !process.isAlive(), "stop the runtime before starting it again");
        launch();
    }

    private void launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/lws4j").toString(), "run")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        System.out.println("[" + name + "] starting " + home.resolve("bin/lws4j") + " run; output in " + log);
        process = pb.start();
    }

    /** Marks the run failed: the log is printed and the copy kept. */
    void failed(String why) {
        failed = true;
        String text = logText(0);
        int max = 200_000;
        if (text.length() > max) {
            text = "... (" + (text.length() - max) + " characters left out) ...\n" + text.substring(text.length() - max);
        }
        System.out.println("[" + name + "] " + why + "; the runtime's output (" + log + "):\n----8<----\n" + text
                + "\n----8<----");
    }

    @Override
    public void close() throws Exception {
        try {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (failed) {
                System.out.println("[" + name + "] kept the runtime's folder for a look: " + home);
            } else {
                deleteTree(home);
            }
        }
    }

    /** The log from byte {@code from} on. */
    String logText(long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(from, all.length);
            return new String(all, start, all.length - start, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    long logSize() throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** Polls until {@code probe} gives a value, the runtime dies, or {@code timeout} passes. */
    <T> T await(String what, Duration timeout, Probe<T> probe) throws Exception {
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
            Thread.sleep(200);
        }
    }

    @FunctionalInterface
    interface Probe<T> {
        Optional<T> get() throws Exception;
    }

    /** A command's exit status and output (stdout and stderr together). */
    record Run(int status, String out) {
    }

    /** Runs {@code cmd} with {@code input} on its standard input; bounded by {@code timeout}. */
    static Run run(Duration timeout, String input, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("(output lost: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            fail("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", cmd));
        }
        reader.join(5000);
        return new Run(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    }

    /** Fails unless {@code tool} runs ({@code tool version} or {@code --version}). */
    static void requireTool(String... versionCommand) throws Exception {
        try {
            Run r = run(Duration.ofSeconds(20), null, versionCommand);
            assertTrue(r.status() == 0, versionCommand[0] + " does not run: " + r.out());
        } catch (IOException e) {
            fail(versionCommand[0] + " is needed by this test and is not installed (.ci/run installs it): " + e.getMessage());
        }
    }

    /** Ports nothing listens on now. */
    static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        List<Integer> out = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                out.add(s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return out;
    }

    static void assertPortFree(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            fail("something already listens on 127.0.0.1:" + port + "; stop it before running this test");
        } catch (ConnectException expected) {
            // free
        } catch (IOException e) {
            fail("cannot tell whether 127.0.0.1:" + port + " is free: " + e);
        }
    }

    static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank() || v.startsWith("${")) {
            fail("system property " + name + " is not set (" + v + "): run this test through Maven failsafe");
        }
        return v;
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

    private static void deleteTree(Path root) throws IOException {
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
