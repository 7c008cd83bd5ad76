package org.lws4j.group.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real broker for tests: {@code redis-server} or {@code nats-server} on 127.0.0.1, on a free port,
 * in a temporary folder, started and awaited by its "ready" log line (never a sleep), killed with
 * SIGKILL to play a crash, and restarted on the same port. A missing program fails the test with the
 * Debian package to install.
 */
public final class ServerProcess implements AutoCloseable {
    private final String program;
    private final String debianPackage;
    private final String readyLine;
    private final Path dir;
    private final int port;
    private Path tlsCert;
    private Path tlsKey;
    private final List<String> output = new ArrayList<>();
    private Process process;

    private ServerProcess(String program, String debianPackage, String readyLine, Path dir, int port) {
        this.program = program;
        this.debianPackage = debianPackage;
        this.readyLine = readyLine;
        this.dir = dir;
        this.port = port;
    }

    /** Starts {@code redis-server} (Debian redis-server) with no persistence. */
    public static ServerProcess redis(Path dir) throws IOException {
        ServerProcess p = new ServerProcess("redis-server", "redis-server", "Ready to accept connections", dir, freePort());
        p.start();
        return p;
    }

    /** Starts {@code nats-server} (Debian nats-server). */
    public static ServerProcess nats(Path dir) throws IOException {
        ServerProcess p = new ServerProcess("nats-server", "nats-server", "Server is ready", dir, freePort());
        p.start();
        return p;
    }

    /** Starts {@code redis-server} answering TLS only, with {@code cert} and {@code key} (PEM). */
    public static ServerProcess redisTls(Path dir, Path cert, Path key) throws IOException {
        ServerProcess p = new ServerProcess("redis-server", "redis-server", "Ready to accept connections", dir, freePort());
        p.tlsCert = cert;
        p.tlsKey = key;
        p.start();
        return p;
    }

    /** Starts {@code nats-server} requiring TLS, with {@code cert} and {@code key} (PEM). */
    public static ServerProcess natsTls(Path dir, Path cert, Path key) throws IOException {
        ServerProcess p = new ServerProcess("nats-server", "nats-server", "Server is ready", dir, freePort());
        p.tlsCert = cert;
        p.tlsKey = key;
        p.start();
        return p;
    }

    /**
     * Makes a self-signed EC certificate for 127.0.0.1 (subjectAltName IP) with openssl, as
     * {@code cert.pem} and {@code key.pem} in {@code dir}; returns the certificate (the key beside it).
     */
    public static Path selfSignedCertificate(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("openssl not found: install the Debian package openssl", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError("openssl req failed: " + out);
        }
        return cert;
    }

    /** The port it listens on (the same after a restart). */
    public int port() {
        return port;
    }

    /** Its process id, for reading its CPU time from /proc. */
    public long pid() {
        return process.pid();
    }

    private List<String> command() {
        List<String> c = new ArrayList<>(List.of(find()));
        if (program.equals("redis-server")) {
            c.addAll(List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    "--client-output-buffer-limit", "pubsub", "0", "0", "0"));
            if (tlsCert == null) {
                c.addAll(List.of("--port", Integer.toString(port)));
            } else {
                c.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port), "--tls-cert-file", tlsCert.toString(),
                        "--tls-key-file", tlsKey.toString(), "--tls-ca-cert-file", tlsCert.toString(),
                        "--tls-auth-clients", "no"));
            }
            return c;
        }
        c.addAll(List.of("-a", "127.0.0.1", "-p", Integer.toString(port), "-m", "0"));
        if (tlsCert != null) {
            c.addAll(List.of("--tls", "--tlscert", tlsCert.toString(), "--tlskey", tlsKey.toString()));
        }
        return c;
    }

    private String find() {
        for (String d : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin")) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(program + " not found: install the Debian package " + debianPackage
                + " (apt-get install -y " + debianPackage + ")");
    }

    /** Starts it (again, on the same port) and returns once it logged that it is ready. */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(program + " is running");
        }
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(command()).directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.contains(readyLine)) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.countDown();
        }, program + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!ready.await(20, TimeUnit.SECONDS) || !p.isAlive()) {
                p.destroyForcibly();
                throw new AssertionError(program + " on port " + port + " did not say \"" + readyLine
                        + "\" in 20 s; its output:\n" + String.join("\n", output()));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        process = p;
    }

    /** Kills it with SIGKILL (a crash: no goodbye to the clients) and waits for it to end. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).inheritIO().start().waitFor();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError(program + " did not die of SIGKILL in 10 s");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** What it printed so far. */
    public List<String> output() {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
