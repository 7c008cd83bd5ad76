package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/**
 * A copy of the assembled distribution (target/lws4j) under target/it, run with
 * {@code bin/lws4j run} (or {@code console}), for integration tests that drive it from outside with
 * real tools and sockets. The copy can be changed before the start: the demo site's bundle taken
 * out (then nothing binds 7681 or 7682 and the copy can run beside other tests), bundles moved to
 * deploy/, conf.d files written for a vhost on {@link #port}. The output goes to target/it/NAME.log,
 * printed when a check fails; the copy is deleted after a clean run and kept after a failed one.
 * Every wait is bounded. {@link Command} runs the tools.
 */
final class DistRun implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    final Path home;
    final Path log;
    /** A port of 127.0.0.1 nothing listened on when the copy was made (never 7681 or 7682). */
    final int port;
    final String name;
    private List<String> options = List.of();
    /** JAVA_OPTS for the runtime's JVM (none unless set), e.g. a small heap. */
    String javaOpts;
    private Process process;
    private boolean failed;

    private DistRun(String name, Path home, Path log, int port) {
        this.name = name;
        this.home = home;
        this.log = log;
        this.port = port;
    }

    /** A fresh copy of the distribution, not started. */
    static DistRun copy(String name) throws IOException {
        return copy(name, Paths.get(property("lws4j.dist")), Paths.get(property("lws4j.it.dir")));
    }

    /** A fresh copy of {@code dist} in a new folder of {@code itDir}; its log is itDir/NAME.log. */
    static DistRun copy(String name, Path dist, Path itDir) throws IOException {
        assertTrue(Files.isDirectory(dist), "no distribution at " + dist + ": run 'mvn verify', which lays it out in package");
        Files.createDirectories(itDir);
        Path home = Files.createTempDirectory(itDir, name + "-");
        copyTree(dist, home);
        assertTrue(Files.isExecutable(home.resolve("bin/lws4j")), "the copy lost the executable bit of bin/lws4j");
        return new DistRun(name, home, itDir.resolve(name + ".log"), freePort());
    }

    /** Takes the demo site's (test-server) bundle out of the copy: nothing binds 7681 or 7682. */
    DistRun withoutDemo() throws IOException {
        Files.delete(bundleJar("org.lws4j.test-server-"));
        return this;
    }

    /** The one jar of bundle/ whose name starts with {@code prefix} (e.g. "org.lws4j.cgi-"). */
    Path bundleJar(String prefix) throws IOException {
        List<Path> found = bundles(prefix);
        assertTrue(!found.isEmpty(), "no " + prefix + "*.jar in " + home.resolve("bundle"));
        assertTrue(found.size() == 1, "more than one " + prefix + "*.jar in " + home.resolve("bundle") + ": " + found);
        return found.get(0);
    }

    /** The jars of bundle/ whose names start with {@code prefix}. */
    List<Path> bundles(String prefix) throws IOException {
        try (Stream<Path> jars = Files.list(home.resolve("bundle"))) {
            return jars.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    /** Moves the bundle jar named by {@code prefix} to deploy/{@code as}, where FileInstall installs it and a delete uninstalls it. */
    Path toDeploy(String prefix, String as) throws IOException {
        return Files.move(bundleJar(prefix), home.resolve("deploy").resolve(as));
    }

    /** Copies {@code jar} to deploy/{@code as} whole or not at all: FileInstall never sees half a jar. */
    Path deploy(Path jar, String as) throws IOException {
        Path staged = home.resolve(as + ".tmp");
        Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(staged, home.resolve("deploy").resolve(as), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes {@code conf/conf.d/FILE}. */
    void config(String file, String json) throws IOException {
        Files.writeString(home.resolve("conf/conf.d").resolve(file), json, StandardCharsets.UTF_8);
    }

    /** Starts {@code bin/lws4j OPTIONS run} (e.g. "-d", "15"); output to a fresh {@link #log}. */
    void start(String... options) throws IOException {
        this.options = List.of(options);
        Files.deleteIfExists(log);
        launch("run");
    }

    /** Starts {@code bin/lws4j console} with a fresh log; returns the shell's standard input. */
    OutputStream console() throws IOException {
        Files.deleteIfExists(log);
        return launch("console").getOutputStream();
    }

    /**
     * Stops the runtime the way Ctrl-C does (SIGTERM) and waits for the JVM to end; the copy and
     * its log stay, for {@link #restart()}. Returns the exit status.
     */
    int stop(Duration timeout) throws InterruptedException {
        assertTrue(isAlive(), "the runtime is not running");
        process.destroy();
        assertTrue(exited(timeout), "the runtime did not exit within " + timeout.toSeconds() + " s of SIGTERM");
        return process.exitValue();
    }

    /** Starts the same copy again after {@link #stop}; output appended to the same log. */
    void restart() throws IOException {
        assertTrue(process != null && !process.isAlive(), "stop the runtime before starting it again");
        launch("run");
    }

    /** {@code bin/lws4j OPTIONS COMMAND}; the console's standard input is a pipe, run's /dev/null. */
    private Process launch(String command) throws IOException {
        List<String> args = new ArrayList<>(options);
        args.add(command);
        ProcessBuilder pb = lws4j(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (command.equals("console")) {
            pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        }
        System.out.println("[" + name + "] starting " + script() + " " + String.join(" ", args) + "; output in " + log);
        process = pb.start();
        return process;
    }

    /** {@code bin/lws4j ARGS} in the copy, with this JVM's Java and standard input from /dev/null. */
    ProcessBuilder lws4j(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(script()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        // each IT runs a fresh copy, whose first stop would record a class archive (tens of MB, at
        // exit) that no later start uses; DaemonIT checks the archive itself (its runs clear LWS4J_*)
        pb.environment().put("LWS4J_CDS", "off");
        if (javaOpts != null) {
            pb.environment().put("JAVA_OPTS", javaOpts);
        }
        return pb;
    }

    /**
     * Starts {@code bin/lws4j client ARGS}, its output in the copy's folder. SIGINT is set back to
     * its default for it (coreutils env): a build started in the background without job control
     * ignores SIGINT, a JVM started with SIGINT ignored never handles it, and Ctrl-C must work
     * however the build was started.
     */
    Command client(String command, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("env", "--default-signal=INT", script(), "client"));
        argv.addAll(List.of(args));
        return Command.start(home, command, argv);
    }

    String script() {
        return home.resolve("bin/lws4j").toString();
    }

    /** The server JVM's pid (bin/lws4j execs java). */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** True once the runtime has ended, within {@code timeout}. */
    boolean exited(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until the log says the runtime listens on {@code port} of 127.0.0.1, and it answers there. */
    void awaitListening(int port, Duration timeout) throws Exception {
        // its own log must say it listens there: a free port can be taken by someone else meanwhile
        String mine = "listening on /" + HOST + ":" + port;
        await("the runtime to listen on " + port, timeout, () -> {
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

    /** Waits until the log contains {@code text}; returns the log. */
    String awaitLog(String text, Duration timeout) throws Exception {
        return await("\"" + text + "\" in the runtime's log", timeout, () -> {
            String l = logText();
            return l.contains(text) ? Optional.of(l) : Optional.empty();
        });
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
            Thread.sleep(100);
        }
    }

    @FunctionalInterface
    interface Probe<T> {
        Optional<T> get() throws Exception;
    }

    /** The runtime's output so far. */
    String logText() {
        return logText(0);
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

    /** Marks the run failed: the log is printed (when the runtime ran) and the copy kept. */
    void failed(String why) {
        failed = true;
        if (process == null) {
            System.out.println("[" + name + "] " + why);
            return;
        }
        String text = logText();
        int max = 200_000;
        if (text.length() > max) {
            text = "... (" + (text.length() - max) + " characters left out) ...\n" + text.substring(text.length() - max);
        }
        System.out.println("[" + name + "] " + why + "; the runtime's output (" + log + "):\n----8<----\n" + text
                + "\n----8<----");
    }

    /**
     * For {@code @RegisterExtension}: a failed test, or a failed (not skipped) {@code @BeforeAll},
     * prints the log of the runtime {@code run} gives and keeps its copy; after the class (and its
     * {@code @AfterAll}) the runtime is closed.
     */
    static final class Watch implements TestWatcher, LifecycleMethodExecutionExceptionHandler, AfterAllCallback {
        private final Supplier<DistRun> run;

        Watch(Supplier<DistRun> run) {
            this.run = run;
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            Optional.ofNullable(run.get()).ifPresent(rt -> rt.failed(context.getDisplayName() + " failed"));
        }

        @Override
        public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
            // a skip (an assumption that does not hold) is no failure
            if (!(t instanceof TestAbortedException)) {
                Optional.ofNullable(run.get()).ifPresent(rt -> rt.failed("start failed"));
            }
            throw t;
        }

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            if (run.get() != null) {
                run.get().close();
            }
        }
    }

    /** Stops the runtime (SIGTERM, then SIGKILL) and deletes the copy, unless the run failed. */
    @Override
    public void close() throws Exception {
        try {
            if (isAlive()) {
                process.destroy();
                if (!exited(Duration.ofSeconds(20))) {
                    process.destroyForcibly();
                    exited(Duration.ofSeconds(10));
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

    /** {@code n} different ports of 127.0.0.1 nothing listens on now, none of them 7681 or 7682. */
    static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        List<Integer> out = new ArrayList<>();
        try {
            while (out.size() < n) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                held.add(s);
                if (s.getLocalPort() != 7681 && s.getLocalPort() != 7682) {
                    out.add(s.getLocalPort());
                }
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return out;
    }

    static int freePort() throws IOException {
        return freePorts(1).get(0);
    }

    static void assertPortFree(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 1000);
            fail("something already listens on " + HOST + ":" + port + "; stop it before running this test");
        } catch (ConnectException expected) {
            // free
        } catch (IOException e) {
            fail("cannot tell whether " + HOST + ":" + port + " is free: " + e);
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
        try (Stream<Path> s = Files.walk(from)) {
            for (Path src : (Iterable<Path>) s::iterator) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dst);
                } else {
                    // COPY_ATTRIBUTES keeps the POSIX permissions, so bin/lws4j stays executable
                    Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
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
