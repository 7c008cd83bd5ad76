package org.lws4j.testclient;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One run of the test client in this JVM, as {@code lws4j client ARGS} would run it, with its
 * standard input a pipe the test types into and its output and log captured.
 */
final class ClientRun implements AutoCloseable {
    final Capture out = new Capture();
    final Capture err = new Capture();
    private final PipedOutputStream stdin = new PipedOutputStream();
    private final Thread thread;
    private volatile int status = -1;

    ClientRun(String... args) throws IOException {
        PipedInputStream in = new PipedInputStream(stdin, 1 << 16);
        TestClient c = new TestClient(Options.parse(args), in, new PrintStream(out, true), new PrintStream(err, true));
        thread = new Thread(() -> status = c.run(), "test-client-main");
        thread.start();
    }

    void type(String s) throws IOException {
        stdin.write(s.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    void endInput() throws IOException {
        stdin.close();
    }

    /** The exit status once the run ended within {@code millis}. */
    int awaitExit(long millis) throws InterruptedException {
        thread.join(millis);
        if (thread.isAlive()) {
            fail("the client did not end within " + millis + " ms; its log:\n" + err);
        }
        return status;
    }

    /** Waits until the standard output satisfies {@code p}. */
    String awaitOut(String what, Predicate<String> p, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            String s = out.toString();
            if (p.test(s)) {
                return s;
            }
            Thread.sleep(20);
        }
        fail("no " + what + " on standard output within " + millis + " ms; output:\n" + tail(out.toString()) + "\nlog:\n" + err);
        return null;
    }

    private static String tail(String s) {
        return s.length() < 3000 ? s : "..." + s.substring(s.length() - 3000);
    }

    @Override
    public void close() throws Exception {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // gone already
        }
        thread.join(10_000);
    }

    /** A thread-safe byte sink. */
    static final class Capture extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        synchronized byte[] bytes() {
            return bytes.toByteArray();
        }

        @Override
        public synchronized String toString() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
