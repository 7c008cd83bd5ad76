package org.lws4j.cgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class PumpsTest {

    @Test
    void stdinPausesTheClientAtHighWaterAndResumesOnceDrained() throws Exception {
        Semaphore drained = new Semaphore(0);
        StdinPump pump = new StdinPump(drained::release, e -> { });
        // a "program" that reads nothing until told to
        PipedInputStream programStdin = new PipedInputStream(1024);
        pump.attach(new PipedOutputStream(programStdin));
        Thread writer = new Thread(pump);
        writer.start();

        int offered = 0;
        boolean full = false;
        while (!full) {
            full = pump.offer(ByteBuffer.wrap(new byte[4096]));
            offered += 4096;
        }
        assertTrue(offered >= StdinPump.HIGH_WATER && offered < StdinPump.HIGH_WATER + 4096 + 1024 + 4096,
                "paused after " + offered);
        assertFalse(pump.paused(), "nothing drained yet, so the loop stays paused");
        // the writer is stuck in its first write (4096 bytes into a 1024-byte pipe nobody reads):
        // from here on nothing can drain until the program reads
        awaitBlocked(writer, "java.io.PipedInputStream", "the writer blocked on the full pipe");
        assertFalse(drained.tryAcquire(), "no resume while the program reads nothing");
        assertEquals(offered, pump.waiting(), "nothing written while the program reads nothing");

        // the program reads: the writer drains and tells the loop once
        byte[] got = new byte[offered];
        Thread reader = new Thread(() -> {
            try {
                int at = 0;
                while (at < got.length) {
                    at += programStdin.read(got, at, got.length - at);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        reader.start();
        assertTrue(drained.tryAcquire(5, TimeUnit.SECONDS), "resume posted once drained");
        pump.resumed();
        pump.end();
        reader.join(5000);
        writer.join(5000);
        assertFalse(writer.isAlive());
        assertEquals(0, pump.waiting());
    }

    @Test
    void aProgramThatStopsReadingNeverLeavesTheClientPaused() throws Exception {
        Semaphore drained = new Semaphore(0);
        StdinPump pump = new StdinPump(drained::release, e -> { });
        pump.attach(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        });
        while (!pump.offer(ByteBuffer.wrap(new byte[8192]))) {
            // until full
        }
        pump.paused();
        Thread writer = new Thread(pump);
        writer.start();
        assertTrue(drained.tryAcquire(5, TimeUnit.SECONDS));
        assertFalse(pump.offer(ByteBuffer.wrap(new byte[(int) StdinPump.HIGH_WATER * 2])), "dropped, never full again");
        pump.end();
        writer.join(5000);
    }

    @Test
    void stdoutHeadersThenBoundedBodyThenEnd() throws Exception {
        Semaphore wakes = new Semaphore(0);
        StdoutPump pump = new StdoutPump(wakes::release);
        byte[] body = new byte[StdoutPump.PIECE * 20];
        new java.util.Random(5).nextBytes(body);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes("Content-Type: application/octet-stream\n\n".getBytes(StandardCharsets.ISO_8859_1));
        all.writeBytes(body);
        AtomicLong readSoFar = new AtomicLong();
        InputStream in = new ByteArrayInputStream(all.toByteArray()) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                if (n > 0) {
                    readSoFar.addAndGet(n);
                }
                return n;
            }
        };
        AtomicReference<CgiResponseHead> head = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try {
                pump.run(in, new StdoutPump.Listener() {
                    @Override public void headers(CgiResponseHead h) { head.set(h); }
                    @Override public void malformed(String why) { throw new AssertionError(why); }
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                done.countDown();
            }
        });
        reader.start();
        // nobody takes: the reader stops after DEPTH pieces plus the one it holds, blocked in put
        awaitBlocked(reader, "java.util.concurrent.ArrayBlockingQueue", "the reader blocked on the full queue");
        assertEquals((StdoutPump.DEPTH + 1L) * StdoutPump.PIECE, readSoFar.get(),
                "read while nobody took: the DEPTH pieces queued and the one the reader holds");
        assertTrue(readSoFar.get() <= (StdoutPump.DEPTH + 2L) * StdoutPump.PIECE, "read " + readSoFar.get());
        assertEquals("application/octet-stream", head.get().contentType());

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (true) {
            ByteBuffer b = pump.poll();
            if (b == null) {
                // poll marked the loop starved: the next piece put wakes it, as it posts into the loop
                assertTrue(wakes.tryAcquire(10, TimeUnit.SECONDS), "no wake after poll found nothing");
                continue;
            }
            if (b == StdoutPump.END) {
                break;
            }
            got.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        assertArrayEquals(body, got.toByteArray());
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertNull(pump.poll());
    }

    /**
     * Waits until {@code t} is parked inside a class whose name starts with {@code inside} (a
     * blocking put or write): the event the test needs, not a time.
     */
    private static void awaitBlocked(Thread t, String inside, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!isBlockedIn(t, inside)) {
            assertTrue(t.isAlive(), what + ": the thread ended");
            assertTrue(System.nanoTime() - deadline < 0, what + ": never happened; " + t.getState() + " at "
                    + java.util.Arrays.toString(t.getStackTrace()));
            Thread.sleep(1); // a poll interval: the thread's state is what is waited for
        }
    }

    private static boolean isBlockedIn(Thread t, String inside) {
        Thread.State s = t.getState();
        if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith(inside)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void stdoutGarbageIsReportedAndDrained() throws Exception {
        StdoutPump pump = new StdoutPump(() -> { });
        AtomicReference<String> why = new AtomicReference<>();
        byte[] out = ("garbage\n\n" + "x".repeat(1 << 20)).getBytes(StandardCharsets.ISO_8859_1);
        pump.run(new ByteArrayInputStream(out), new StdoutPump.Listener() {
            @Override public void headers(CgiResponseHead h) { throw new AssertionError(); }
            @Override public void malformed(String w) { why.set(w); }
        });
        assertTrue(why.get().contains("not a header line"));
        assertNull(pump.poll());
    }

    @Test
    void stdoutEndingEarlyIsReported() throws Exception {
        StdoutPump pump = new StdoutPump(() -> { });
        long bytes = pump.run(new ByteArrayInputStream("Content-Type: text/plain\n".getBytes(StandardCharsets.ISO_8859_1)),
                new StdoutPump.Listener() {
                    @Override public void headers(CgiResponseHead h) { throw new AssertionError(); }
                    @Override public void malformed(String w) { throw new AssertionError(w); }
                });
        assertEquals(25, bytes);
        assertSame(null, pump.poll());
    }
}
