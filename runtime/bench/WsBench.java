/*
 * WsBench: a small WebSocket load tool for lws4j (a benchmark, not a test). Dependency-free Java
 * 17 with its own NIO client (BenchWs.java: handshake, masking, framing), one selector thread for
 * all connections, talking to 127.0.0.1 only. Every mode stops by itself. ws-bench.sh compiles
 * the two files (javac -d DIR WsBench.java BenchWs.java) and runs:
 *
 *   java -cp DIR WsBench mirror <port> <clients> <seconds>
 *       <clients> connections join /?mirror=bench on lws-mirror-protocol; the first one also sends
 *       small text messages as fast as the server takes them (at most 32 of its own messages in
 *       flight, counted by its own echoes). After a 2 s warm-up, prints messages sent per second
 *       and messages delivered per second summed over all receivers (the sender is one of them),
 *       and checks after a drain that every receiver got every message. Each message carries the
 *       time it was sent: the delivery latency (send to receipt, every receiver) gives p50/p99.
 *       With -Dwsbench.pid=<server pid> it also prints the server's CPU time per delivery
 *       (/proc/PID/stat utime+stime over the window; -Dwsbench.clktck=<getconf CLK_TCK>).
 *
 *   java -cp DIR WsBench idle <port> <connections> <protocol> [trigger-file] [max-seconds]
 *       opens <connections> WebSocket connections on <protocol> (handshake done, then idle,
 *       answering pings), prints "ready <n>", waits for a line on stdin, for [trigger-file] to
 *       exist, or for [max-seconds] (default 600), then closes them all and exits, saying how many
 *       messages they received (compare.sh's listener on the mirror counts lws's C client's circles).
 *
 * System properties: -Dwsbench.size=<bytes> mirror message size (default 24),
 * -Dwsbench.inflight=<n> sender window (default 32), -Dwsbench.concurrent=<n> handshakes under way
 * at once while connecting (default 256).
 */

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

public final class WsBench {
    static final int SIZE = Integer.getInteger("wsbench.size", 24);
    static final int INFLIGHT = Integer.getInteger("wsbench.inflight", 32);
    static final int CONCURRENT = Integer.getInteger("wsbench.concurrent", 256);

    public static void main(String[] a) throws Exception {
        if (a.length >= 4 && a[0].equals("mirror")) {
            mirror(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Double.parseDouble(a[3]));
        } else if (a.length >= 4 && a[0].equals("idle")) {
            idle(Integer.parseInt(a[1]), Integer.parseInt(a[2]), a[3], a.length > 4 ? Path.of(a[4]) : null,
                    a.length > 5 ? Integer.parseInt(a[5]) : 600);
        } else {
            System.err.println("usage: java WsBench mirror <port> <clients> <seconds>\n"
                    + "       java WsBench idle <port> <connections> <protocol> [trigger-file] [max-seconds]");
            System.exit(2);
        }
    }

    // ---- mirror ----------------------------------------------------------------------------------

    static void mirror(int port, int clients, double seconds) throws Exception {
        LongAdder delivered = new LongAdder();
        BenchWs.Latencies lat = new BenchWs.Latencies();
        AtomicBoolean timing = new AtomicBoolean();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Sender sender = new Sender();
        BenchWs.Loop loop = new BenchWs.Loop();
        List<BenchWs.Conn> conns = new ArrayList<>();
        BenchWs.Events ev = new BenchWs.Events() {
            @Override
            public void opened(BenchWs.Conn c) {
                open.incrementAndGet();
            }

            @Override
            public void failed(BenchWs.Conn c, String why) {
                if (failed.incrementAndGet() <= 5) {
                    System.err.println("connection " + c.id + " failed: " + why);
                }
            }

            @Override
            public void message(BenchWs.Conn c) {
                delivered.increment();
                if (timing.get()) {
                    long age = BenchWs.stampAge(c);
                    if (age >= 0) {
                        lat.add(age);
                    }
                }
                if (c == sender.conn) {
                    sender.echoed();
                }
            }
        };
        for (int i = 0; i < clients; i++) {
            conns.add(new BenchWs.Conn(i, loop, port, "/?mirror=bench", "lws-mirror-protocol", ev));
        }
        sender.conn = conns.get(0);
        Thread t = new Thread(loop, "wsbench-loop");
        t.start();
        connectAll(loop, conns, open, failed, 60);
        if (failed.get() > 0) {
            loop.stop(t);
            throw new IllegalStateException(failed.get() + " of " + clients + " connections failed");
        }
        // the sender runs on the loop thread: it sends when its own echoes come back
        loop.execute(sender::pump);
        double warm = Math.min(2.0, seconds / 5);
        sleepSeconds(warm);
        long pid = Long.getLong("wsbench.pid", 0L);
        long cpu0 = BenchWs.cpuMicros(pid);
        timing.set(true);
        long d0 = delivered.sum();
        long s0 = sender.sent.sum();
        long t0 = System.nanoTime();
        sleepSeconds(seconds);
        long d1 = delivered.sum();
        long s1 = sender.sent.sum();
        double el = (System.nanoTime() - t0) / 1e9;
        long cpu1 = BenchWs.cpuMicros(pid);
        timing.set(false);
        sender.stop.set(true);
        // drain: every receiver should have every message the sender sent
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (delivered.sum() < sender.sent.sum() * clients && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long missing = sender.sent.sum() * clients - delivered.sum();
        loop.execute(() -> conns.forEach(BenchWs.Conn::sendClose));
        Thread.sleep(300);
        loop.stop(t);
        // the loop thread has stopped: its histogram is ours now
        String cpu = pid == 0 ? "" : String.format(Locale.ROOT, "  server-cpu=%.2f us/delivery (%.0f%% of a core)",
                (double) (cpu1 - cpu0) / Math.max(1, d1 - d0), (cpu1 - cpu0) / 1e6 / el * 100);
        System.out.printf(Locale.ROOT, "mirror  clients=%d  window=%.1fs  msg=%dB  sent=%.0f msg/s  "
                        + "delivered=%.0f msg/s (sum over %d receivers, sender included)  per-receiver=%.0f msg/s  "
                        + "undelivered-after-drain=%d  total-delivered=%d  latency p50=%d us p99=%d us%s%n",
                clients, el, SIZE, (s1 - s0) / el, (d1 - d0) / el, clients, (d1 - d0) / el / clients, missing,
                delivered.sum(), lat.percentile(50), lat.percentile(99), cpu);
    }

    /** The one sender: keeps at most INFLIGHT of its own messages unechoed. BenchWs.Loop thread only. */
    static final class Sender {
        BenchWs.Conn conn;
        final LongAdder sent = new LongAdder();
        final AtomicBoolean stop = new AtomicBoolean();
        long seq;
        int inflight;

        void echoed() {
            inflight--;
            pump();
        }

        void pump() {
            while (!stop.get() && inflight < INFLIGHT && conn.state == BenchWs.Conn.OPEN) {
                byte[] p = BenchWs.stamped(SIZE);
                seq++;
                conn.send(BenchWs.Frames.frame(BenchWs.Frames.TEXT, p));
                inflight++;
                sent.increment();
            }
        }
    }

    // ---- idle ------------------------------------------------------------------------------------

    static void idle(int port, int n, String protocol, Path trigger, int maxSeconds) throws Exception {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        LongAdder received = new LongAdder();
        BenchWs.Loop loop = new BenchWs.Loop();
        List<BenchWs.Conn> conns = new ArrayList<>(n);
        BenchWs.Events ev = new BenchWs.Events() {
            @Override
            public void message(BenchWs.Conn c) {
                received.increment();
            }

            @Override
            public void opened(BenchWs.Conn c) {
                open.incrementAndGet();
            }

            @Override
            public void failed(BenchWs.Conn c, String why) {
                if (failed.incrementAndGet() <= 5) {
                    System.err.println("connection " + c.id + " failed: " + why);
                }
            }

            @Override
            public void closedByServer(BenchWs.Conn c) {
                lost.incrementAndGet();
            }
        };
        for (int i = 0; i < n; i++) {
            conns.add(new BenchWs.Conn(i, loop, port, "/", protocol, ev));
        }
        Thread t = new Thread(loop, "wsbench-loop");
        t.start();
        long t0 = System.nanoTime();
        connectAll(loop, conns, open, failed, 300);
        System.out.printf(Locale.ROOT, "ready %d connections on %s (%d failed) in %.1f s%n", open.get(), protocol,
                failed.get(), (System.nanoTime() - t0) / 1e9);
        System.out.flush();

        AtomicBoolean enter = new AtomicBoolean();
        Thread stdin = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                if (r.readLine() != null) {
                    enter.set(true); // a line; end of input (stdin from /dev/null) is no trigger
                }
            } catch (IOException ignored) {
                // no stdin: wait for the file or the time limit
            }
        }, "wsbench-stdin");
        stdin.setDaemon(true);
        stdin.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        String why = "time limit";
        while (System.nanoTime() < end) {
            if (enter.get()) {
                why = "enter";
                break;
            }
            if (trigger != null && Files.exists(trigger)) {
                why = "trigger file";
                break;
            }
            Thread.sleep(100);
        }
        loop.execute(() -> conns.forEach(BenchWs.Conn::sendClose));
        Thread.sleep(500);
        loop.stop(t);
        System.out.printf(Locale.ROOT, "closed %d connections (%s); %d were closed by the server while idle; received %d messages%n",
                open.get(), why, lost.get(), received.sum());
    }

    /** Starts every connection, at most CONCURRENT handshakes at a time; waits up to maxSeconds. */
    static void connectAll(BenchWs.Loop loop, List<BenchWs.Conn> conns, AtomicInteger open, AtomicInteger failed, int maxSeconds)
            throws InterruptedException {
        Semaphore window = new Semaphore(CONCURRENT);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        for (BenchWs.Conn c : conns) {
            while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("connecting took over " + maxSeconds + " s");
                }
            }
            c.window = window;
            loop.execute(c::start);
        }
        while (open.get() + failed.get() < conns.size()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("only " + open.get() + " of " + conns.size() + " connected in "
                        + maxSeconds + " s");
            }
            Thread.sleep(20);
        }
    }

    static void sleepSeconds(double s) throws InterruptedException {
        Thread.sleep((long) (s * 1000));
    }
}
