package org.lws4j.features;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A stock Apache Karaf (the tar.gz from Maven Central, unpacked by the build into target/karaf)
 * started with {@code bin/start} and driven with {@code bin/client -b}, as an administrator would.
 *
 * <p>Before it starts: the {@code karaf} user is enabled (it ships commented out), SSH and RMI
 * move to free ports, and pax-url resolves {@code mvn:} URLs from the build's
 * {@code target/karaf-repo} (the features' bundles, laid out by karaf-maven-plugin) and Karaf's own
 * {@code system/}, with a local repository inside Karaf and no remote one: nothing comes from
 * {@code ~/.m2} or the network, so a clean {@code mvn verify} tests exactly what it built.
 */
final class Karaf {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");

    final Path home;
    private final int sshPort;

    private Karaf(Path home, int sshPort) {
        this.home = home;
        this.sshPort = sshPort;
    }

    static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            fail("system property " + name + " is not set: run through Maven (mvn verify)");
        }
        return v;
    }

    /** Configures the unpacked Karaf at {@code lws4j.karaf.home}; nothing runs yet. */
    static Karaf prepare() throws IOException {
        Path home = Paths.get(property("lws4j.karaf.home"));
        assertTrue(Files.isExecutable(home.resolve("bin/start")), "no Karaf at " + home + " (mvn verify unpacks it)");
        Path etc = home.resolve("etc");
        Path users = etc.resolve("users.properties");
        Files.writeString(users, Files.readString(users).replace("#karaf = karaf,", "karaf = karaf,")
                .replace("#_g_\\:admingroup", "_g_\\:admingroup"));
        int ssh = freePort();
        replaceLine(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort", "sshPort = " + ssh);
        replaceLine(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort", "rmiRegistryPort = " + freePort());
        replaceLine(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort", "rmiServerPort = " + freePort());
        // the test's .cfg files are the truth: FileInstall's write-back of each update, made when
        // ConfigAdmin's asynchronous event comes, would overwrite an edit saved meanwhile (README)
        replaceLine(etc.resolve("config.properties"), "felix.fileinstall.enableConfigSave",
                "felix.fileinstall.enableConfigSave = false");
        Path repo = Paths.get(property("lws4j.karaf.repo"));
        // later keys win: appended after Karaf's own settings
        Files.writeString(etc.resolve("org.ops4j.pax.url.mvn.cfg"), String.join("\n", List.of("",
                "# lws4j integration test: the build's repository and Karaf's own, nothing else",
                "org.ops4j.pax.url.mvn.localRepository = ${karaf.data}/m2",
                "org.ops4j.pax.url.mvn.defaultRepositories = " + repo.toUri() + "@id=lws4j@snapshots, "
                        + "${karaf.home.uri}system@id=system.repository@snapshots, "
                        + "${karaf.data.uri}kar@id=kar.repository@multi@snapshots",
                "org.ops4j.pax.url.mvn.repositories = ", "")), java.nio.file.StandardOpenOption.APPEND);
        return new Karaf(home, ssh);
    }

    private static void replaceLine(Path file, String key, String line) throws IOException {
        List<String> lines = Files.readAllLines(file);
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().startsWith(key)) {
                lines.set(i, line);
                found = true;
            }
        }
        if (!found) {
            lines.add(line);
        }
        Files.write(file, lines);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code bin/start}, then waits until the shell answers over SSH. */
    void start() throws Exception {
        run(Duration.ofSeconds(30), null, "bin/start");
        await("the Karaf shell to answer", Duration.ofSeconds(90), () -> {
            String out;
            try {
                out = clientOnce(Duration.ofSeconds(30), "bundle:list -t 0 org.apache.karaf.shell.core");
            } catch (org.opentest4j.AssertionFailedError stillStarting) {
                // the first session makes the SSH host key (an RSA key pair: seconds on a busy
                // machine) while the client waits; that client is killed and the next one asks again
                return Optional.empty();
            }
            return out.contains("Active") ? Optional.of(true) : Optional.empty();
        });
    }

    /**
     * Runs shell commands (one per line) through {@code bin/client -b}; the output without colours.
     * A line "Error executing command" fails the test.
     */
    String client(String... commands) throws Exception {
        String out = clientOnce(Duration.ofSeconds(120), commands);
        if (out.contains("Error executing command")) {
            fail("Karaf said: " + out);
        }
        return out;
    }

    String clientOnce(Duration timeout, String... commands) throws Exception {
        String in = String.join("\n", commands) + "\n";
        return run(timeout, in, "bin/client", "-a", Integer.toString(sshPort), "-h", "127.0.0.1", "-u", "karaf",
                "-p", "karaf", "-r", "10", "-d", "1", "-b");
    }

    private String run(Duration timeout, String input, String... argv) throws Exception {
        argv[0] = home.resolve(argv[0]).toString();
        // output to a file, not a pipe: bin/start leaves a JVM behind that would hold a pipe open
        Path out = Files.createTempFile(Files.createDirectories(Paths.get(property("lws4j.it.dir"))), "karaf-", ".out");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("KARAF_OPTS");
        // Karaf's standard output and error (lws4j's log before the OSGi log service is there) to a file
        pb.environment().put("KARAF_REDIRECT", home.resolve("data/karaf.out").toString());
        Process p = pb.start();
        try {
            if (input != null) {
                p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", argv) + " did not end within " + timeout);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            return ANSI.matcher(text).replaceAll("").replace("\r", "");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** data/log/karaf.log so far, then Karaf's standard output and error (data/karaf.out). */
    String log() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("data/log/karaf.log", "data/karaf.out")) {
            Path log = home.resolve(name);
            if (Files.exists(log)) {
                sb.append(Files.readString(log, StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }

    /** {@code bin/stop}, waiting for the JVM to end (killed after 60 s). */
    void stop() throws Exception {
        Path pidFile = home.resolve("karaf.pid");
        Optional<ProcessHandle> jvm = Optional.empty();
        if (Files.exists(pidFile)) {
            jvm = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
        }
        run(Duration.ofSeconds(60), null, "bin/stop");
        if (jvm.isPresent()) {
            ProcessHandle h = jvm.get();
            try {
                h.onExit().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                h.destroyForcibly();
                h.onExit().get(10, TimeUnit.SECONDS);
                fail("Karaf did not stop within 60 s of bin/stop; killed");
            }
        }
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls {@code probe} every 250 ms until it gives a value, or fails after {@code timeout}. */
    static <T> T await(String what, Duration timeout, Probe<Optional<T>> probe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Optional<T> v = probe.get();
                if (v.isPresent()) {
                    return v.get();
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + (last == null ? "" : " (last: " + last + ")"));
    }
}
