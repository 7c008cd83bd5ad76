package org.lws4j.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The server the Autobahn fuzzing client tests: the real runtime (a copy of target/lws4j) run
 * as its own process with {@code bin/lws4j run}, serving one vhost on 127.0.0.1 whose default
 * WebSocket protocol is {@code lws-echo}. The Autobahn plugin calls {@link #main} with the port
 * on a daemon thread and interrupts that thread when the suite is done; the runtime is then
 * stopped (and also by a shutdown hook, should Maven exit first).
 */
public final class AutobahnServer {
    private AutobahnServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path target = Path.of(AutobahnServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        Path dist = target.resolve("lws4j");
        Path home = target.resolve("autobahn-runtime");
        deleteTree(home);
        copyTree(dist, home);
        // only what the suite needs: no demo site on 7681
        try (Stream<Path> s = Files.list(home.resolve("bundle"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().startsWith("org.lws4j.test-server")) {
                    Files.delete(p);
                }
            }
        }
        Files.writeString(home.resolve("conf/conf.d/autobahn.json"), "{ \"vhosts\": [ { \"name\": \"autobahn\", \"port\": \""
                + port + "\", \"interface\": \"127.0.0.1\", \"mounts\": [], \"ws-protocols\": [ { \"lws-echo\": { \"default\": \"1\" } } ] } ] }\n",
                StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(home.resolve("bin/lws4j").toString(), "run")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(target.resolve("autobahn-runtime.log").toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        waitForEchoBinding(home, port, p);
        try {
            p.waitFor();
        } catch (InterruptedException done) {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    /** Waits until the port answers and the echo protocol is bound, so case 1.1.1 finds it. */
    private static void waitForEchoBinding(Path home, int port, Process p) throws IOException, InterruptedException {
        Path log = home.getParent().resolve("autobahn-runtime.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            boolean bound = Files.exists(log) && Files.readString(log).contains("protocol lws-echo bound");
            if (bound) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    return;
                } catch (IOException notYet) {
                    // keep waiting
                }
            }
            Thread.sleep(100);
        }
        throw new IOException("the runtime did not start serving lws-echo on port " + port + "; see " + log);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path src : (Iterable<Path>) s::iterator) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

}
