package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real peers the permessage-deflate tests run: the npm {@code ws} client and
 * {@code playwright-core} (installed by the test into target/peers with npm), Debian's
 * {@code python3-websockets} (for /usr/bin/python3) and Debian's {@code chromium}. A missing tool
 * fails the test with what to install ({@code .ci/run} installs them all); it never skips.
 */
final class Peers {
    /** Pinned, so every run talks to the same peers. */
    static final List<String> NPM_PACKAGES = List.of("ws@8.23.0", "playwright-core@1.65.1");
    static final String PYTHON = "/usr/bin/python3";
    static final String CHROMIUM = "/usr/bin/chromium";

    private static Path nodeModules;

    private Peers() {
    }

    /** target/peers/node_modules with ws and playwright-core, installed once per build. */
    static synchronized Path nodeModules() throws Exception {
        if (nodeModules != null) {
            return nodeModules;
        }
        requireCommand(List.of("node", "--version"), "node (Node.js 18 or later)", "apt-get install nodejs npm");
        Path dir = Paths.get(DistRun.property("lws4j.peers.dir"));
        Path modules = dir.resolve("node_modules");
        if (!Files.isRegularFile(modules.resolve("ws/package.json"))
                || !Files.isRegularFile(modules.resolve("playwright-core/package.json"))) {
            requireCommand(List.of("npm", "--version"), "npm", "apt-get install npm");
            Files.createDirectories(dir);
            List<String> cmd = new ArrayList<>(List.of("npm", "install", "--prefix", dir.toString(), "--no-audit",
                    "--no-fund", "--loglevel=error"));
            cmd.addAll(NPM_PACKAGES);
            Result r = run("npm install", cmd, Map.of(), Duration.ofMinutes(5), dir.resolve("npm-install.log"));
            if (r.exit != 0 || !Files.isRegularFile(modules.resolve("ws/package.json"))) {
                missing("the npm packages " + NPM_PACKAGES + " (npm install failed with " + r.exit + "):\n" + r.output,
                        "network access to the npm registry");
            }
        }
        nodeModules = modules;
        return modules;
    }

    static void requirePythonWebsockets() throws Exception {
        if (!Files.isExecutable(Paths.get(PYTHON))) {
            missing(PYTHON, "apt-get install python3 python3-websockets");
        }
        Result r = run("python3-websockets check", List.of(PYTHON, "-c",
                "import websockets, sys; sys.exit(0 if int(websockets.__version__.split('.')[0]) >= 10 else 3)"),
                Map.of(), Duration.ofSeconds(30), null);
        if (r.exit != 0) {
            missing("python3-websockets 10 or later for " + PYTHON + " (" + r.output.trim() + ")",
                    "apt-get install python3-websockets");
        }
    }

    static void requireChromium() {
        if (!Files.isExecutable(Paths.get(CHROMIUM))) {
            missing(CHROMIUM, "apt-get install chromium");
        }
    }

    private static void requireCommand(List<String> cmd, String what, String install) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                missing(what, install);
            }
        } catch (IOException e) {
            missing(what + " (" + e.getMessage() + ")", install);
        }
    }

    /** Fails with what to install. */
    static void missing(String what, String install) {
        fail("missing test peer: " + what + " (" + install + "; .ci/run installs every peer)");
    }

    record Result(int exit, String output) {
    }

    /** Runs a peer to its end (bounded), its output echoed to the test's output and kept in {@code logFile}. */
    static Result run(String name, List<String> cmd, Map<String, String> env, Duration timeout, Path logFile)
            throws IOException, InterruptedException {
        Path out = logFile != null ? logFile : Files.createTempFile("peer-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        boolean ended = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (logFile == null) {
            Files.deleteIfExists(out);
        }
        System.out.printf("[%s] %s in %d ms:%n%s%n", name, ended ? "exit " + p.exitValue() : "killed after " + timeout.toSeconds() + " s",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), output.strip());
        return new Result(ended ? p.exitValue() : -1, output);
    }
}
