package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A copy of the assembled distribution (target/lws4j) in target/it, without the demo site's
 * bundle (so nothing takes 7681 or 7682), with the test's own vhosts in conf/conf.d, started with
 * {@code bin/lws4j run}. Its output is {@link #log()}.
 */
final class ServerHome implements AutoCloseable {
    final Path home;
    final Path dir;
    private Command server;

    /** Copies the distribution into a new folder of target/it named after {@code prefix}. */
    ServerHome(String prefix) throws IOException {
        Path dist = Paths.get(property("lws4j.dist"));
        assertTrue(Files.isDirectory(dist), "no distribution at " + dist + ": run 'mvn verify', which lays it out in package");
        Path itDir = Paths.get(property("lws4j.it.dir"));
        Files.createDirectories(itDir);
        dir = Files.createTempDirectory(itDir, prefix + "-");
        home = dir.resolve("lws4j");
        copyTree(dist, home);
        try (Stream<Path> s = Files.list(home.resolve("bundle"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().startsWith("org.lws4j.test-server")) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Adds conf/conf.d/{@code name} with {@code json}. */
    void config(String name, String json) throws IOException {
        Files.writeString(home.resolve("conf/conf.d").resolve(name), json, StandardCharsets.UTF_8);
    }

    /** True when the distribution carries a bundle whose file name starts with {@code prefix}. */
    boolean hasBundle(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(home.resolve("bundle"))) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        }
    }

    /** Starts the server and waits until {@code port} accepts connections. */
    void start(int port) throws Exception {
        server = Command.start(dir, "runtime", List.of(home.resolve("bin/lws4j").toString(), "run"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!server.isAlive()) {
                fail("the runtime exited while starting\n" + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    fail("the runtime did not listen on 127.0.0.1:" + port + " within 60 s\n" + log());
                }
                Thread.sleep(200);
            }
        }
    }

    /** Waits until the server's log contains {@code text}; returns the log. */
    String awaitLog(String text, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            String l = log();
            if (l.contains(text)) {
                return l;
            }
            if (System.nanoTime() > deadline) {
                fail("no \"" + text + "\" in the runtime's log within " + millis + " ms\n" + Command.tail(l));
            }
            Thread.sleep(100);
        }
    }

    /** Everything the server printed so far. */
    String log() {
        return server == null ? "" : Command.read(server.out) + Command.read(server.err);
    }

    /** The path of {@code bin/lws4j}. */
    String script() {
        return home.resolve("bin/lws4j").toString();
    }

    /** Starts {@code bin/lws4j client ARGS}. */
    Command client(String name, String... args) throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of(script(), "client"));
        argv.addAll(List.of(args));
        return Command.start(dir, name, argv);
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Removes the copy (kept when a test failed, for a look). */
    void delete() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    System.out.println("cannot delete " + p + ": " + e);
                }
            });
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
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
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                // COPY_ATTRIBUTES keeps the POSIX permissions, so bin/lws4j stays executable
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
