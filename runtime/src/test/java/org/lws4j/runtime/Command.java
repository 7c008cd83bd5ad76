package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process a test starts (bin/lws4j client, nc, lws's test apps): standard input is a pipe the
 * test writes to, standard output and error go to files the test reads as they grow. Every wait
 * is bounded; {@link #close()} ends the process (SIGTERM, then SIGKILL). {@link #run} runs a
 * command (openssl, curl) to its end and gives its status and output.
 */
final class Command implements AutoCloseable {
    final String name;
    final Path out;
    final Path err;
    private final Process process;
    private final OutputStream stdin;

    private Command(String name, Process p, Path out, Path err) {
        this.name = name;
        this.process = p;
        this.out = out;
        this.err = err;
        this.stdin = p.getOutputStream();
    }

    /** Starts {@code argv} with its output in {@code dir}/{@code name}.out and .err. */
    static Command start(Path dir, String name, List<String> argv) throws IOException {
        Files.createDirectories(dir);
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        System.out.println("[" + name + "] " + String.join(" ", argv));
        return new Command(name, pb.start(), out, err);
    }

    /** True if {@code program} is an executable file, or a command on the PATH. */
    static boolean available(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fails unless {@code program} is installed, naming the Debian package that has it: a test
     * whose peer is missing fails, it never skips ({@code .ci/run} installs every peer).
     */
    static void requirePeer(String program, String debianPackage) {
        if (!available(program)) {
            fail(program + " is needed by this test and is not installed: apt-get install " + debianPackage
                    + " (.ci/run installs every peer)");
        }
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

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status of a process that has ended. */
    int exitStatus() {
        return process.exitValue();
    }

    void type(String text) throws IOException {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    void endInput() throws IOException {
        stdin.close();
    }

    /** Sends SIGINT, as Ctrl-C does. */
    void interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
    }

    String out() {
        return read(out);
    }

    String err() {
        return read(err);
    }

    /** Waits until standard output satisfies {@code p}; fails with both outputs otherwise. */
    String awaitOut(String what, Predicate<String> p, long millis) throws InterruptedException {
        return await(what, this::out, p, millis);
    }

    /** Waits until standard output and error together satisfy {@code p}; fails with both otherwise. */
    String awaitOutput(String what, Predicate<String> p, long millis) throws InterruptedException {
        return await(what, () -> out() + err(), p, millis);
    }

    private String await(String what, java.util.function.Supplier<String> output, Predicate<String> p, long millis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            String s = output.get();
            if (p.test(s)) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                fail(name + ": no " + what + " within " + millis + " ms" + (process.isAlive() ? "" : " (it exited with "
                        + process.exitValue() + ")") + "\n" + describe());
            }
            Thread.sleep(50);
        }
    }

    /** The exit status, once the process ended within {@code millis}; fails otherwise. */
    int awaitExit(long millis) throws InterruptedException {
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            fail(name + " did not end within " + millis + " ms\n" + describe());
        }
        return process.exitValue();
    }

    /** Both outputs (their ends), for failure messages. */
    String describe() {
        return "--- " + name + " standard output:\n" + tail(out()) + "\n--- " + name + " standard error:\n" + tail(err());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(cannot read " + p + ": " + e + ")";
        }
    }

    static String tail(String s) {
        return s.length() <= 6000 ? s : "... (" + (s.length() - 6000) + " characters left out) ...\n" + s.substring(s.length() - 6000);
    }
}
