package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A copy of the built distribution (target/lws4j) for the permessage-deflate tests, started with
 * {@code bin/lws4j run} as RuntimeIT does, on a port of its own: the demo site's bundle is taken
 * out (it listens on 7681), and a conf.d vhost on 127.0.0.1 serves {@code www/} (the browser
 * test's page) with {@code lws-echo} as the default WebSocket protocol. Global settings (such as
 * {@code ws-max-message-size}) go into the same file. Optionally the ext-deflate jar is moved from
 * bundle/ to deploy/, so a test can take it away and bring it back through FileInstall.
 *
 * <p>The JVM runs with a small heap (-Xmx256m): a decompression bomb inflated whole would not fit.
 */
final class DeflateRuntime implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);

    final int port;
    final Path home;
    final Path log;
    private final Process process;
    private boolean keep;

    private DeflateRuntime(int port, Path home, Path log, Process process) {
        this.port = port;
        this.home = home;
        this.log = log;
        this.process = process;
    }

    /**
     * Lays out and starts a runtime named {@code name} under target/it.
     *
     * @param global JSON members of the "global" section, e.g. {@code "ws-max-message-size": "1000"}, or ""
     * @param deflateInDeploy put the ext-deflate jar in deploy/ instead of bundle/
     */
    static DeflateRuntime start(String name, int port, String global, boolean deflateInDeploy) throws Exception {
        Path dist = Paths.get(property("lws4j.dist"));
        assertTrue(Files.isDirectory(dist), "no distribution at " + dist + ": run 'mvn verify', which lays it out in package");
        Path itDir = Paths.get(property("lws4j.it.dir"));
        Files.createDirectories(itDir);
        assertPortFree(port);
        Path home = itDir.resolve(name);
        deleteTree(home);
        copyTree(dist, home);
        try (Stream<Path> s = Files.list(home.resolve("bundle"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String f = p.getFileName().toString();
                if (f.startsWith("org.lws4j.test-server")) {
                    Files.delete(p);
                } else if (deflateInDeploy && f.startsWith("org.lws4j.ext-deflate")) {
                    Files.move(p, home.resolve("deploy").resolve(f));
                }
            }
        }
        Path www = Files.createDirectories(home.resolve("www"));
        Files.copy(Paths.get(property("lws4j.peers.scripts")).resolve("deflate-echo.html"), www.resolve("deflate-echo.html"));
        Files.writeString(home.resolve("conf/conf.d/deflate-it.json"), "{ \"global\": { " + global + " },\n"
                + "  \"vhosts\": [ { \"name\": \"" + name + "\", \"port\": \"" + port + "\", \"interface\": \"" + HOST + "\",\n"
                + "    \"mounts\": [ { \"mountpoint\": \"/\", \"origin\": \"" + www.toUri() + "\", \"default\": \"deflate-echo.html\" } ],\n"
                + "    \"ws-protocols\": [ { \"lws-echo\": { \"default\": \"1\" } } ] } ] }\n", StandardCharsets.UTF_8);

        Path log = itDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/lws4j").toString(), "run")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", "-Xmx256m");
        System.out.println("[" + name + "] starting " + home.resolve("bin/lws4j") + " run on port " + port + "; output in " + log);
        DeflateRuntime rt = new DeflateRuntime(port, home, log, pb.start());
        try {
            rt.awaitLog("protocol lws-echo bound", BOOT_TIMEOUT);
            if (!deflateInDeploy) {
                rt.awaitLog("extension permessage-deflate available", BOOT_TIMEOUT);
            }
            rt.awaitPort(BOOT_TIMEOUT);
        } catch (AssertionError | Exception e) {
            rt.failed("start failed");
            rt.close();
            throw e;
        }
        return rt;
    }

    URI http(String path) {
        return URI.create("http://" + HOST + ":" + port + path);
    }

    String ws() {
        return "ws://" + HOST + ":" + port + "/";
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    void awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                fail("the runtime exited with " + process.exitValue() + " while waiting for \"" + text + "\"");
            }
            if (System.nanoTime() > deadline) {
                fail("no \"" + text + "\" in the runtime's log within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    private void awaitPort(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    fail("nothing listens on " + HOST + ":" + port + " after " + timeout.toSeconds() + " s");
                }
                Thread.sleep(100);
            }
        }
    }

    /** Prints the runtime's output and keeps its folder for a look. */
    void failed(String why) {
        keep = true;
        String text = log();
        int max = 100_000;
        if (text.length() > max) {
            text = "... (" + (text.length() - max) + " characters left out) ...\n" + text.substring(text.length() - max);
        }
        System.out.println("[" + home.getFileName() + "] " + why + "; the runtime's output (" + log + "):\n----8<----\n"
                + text + "\n----8<----");
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                System.out.println("[" + home.getFileName() + "] did not stop within 20 s of SIGTERM; killing it");
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (!keep) {
            deleteTree(home);
        } else {
            System.out.println("[" + home.getFileName() + "] kept the runtime's folder: " + home);
        }
    }

    static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank() || v.startsWith("${")) {
            fail("system property " + name + " is not set (" + v + "): run this test through Maven failsafe");
        }
        return v;
    }

    private static void assertPortFree(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 1000);
            fail("something already listens on " + HOST + ":" + port + "; stop it before running this test");
        } catch (ConnectException expected) {
            // free
        } catch (IOException e) {
            fail("cannot tell whether " + HOST + ":" + port + " is free: " + e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path src : (Iterable<Path>) s::iterator) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    // COPY_ATTRIBUTES keeps bin/lws4j executable
                    Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
