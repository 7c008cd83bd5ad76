/*
 * EchoBench: echo round trips per second (a benchmark, not a test), with BenchWs.java's NIO client:
 * <clients> connections to ws://127.0.0.1:<port><path> (subprotocol <protocol>, or none for "-"),
 * each keeping <window> small text messages in flight and sending the next when one comes back.
 * After a 2 s warm-up, counts the echoes for <seconds> and prints "echo ... rtt/s", then closes.
 * jakarta-bench.sh compiles it with BenchWs.java and runs it against each server in turn:
 *
 *   java -cp DIR EchoBench <port> <path> <protocol|-> <clients> <seconds> [window]
 *
 * Each message carries its send time: prints the round trip's p50/p99 too (with window 1 that is
 * the latency of one message through the server, e.g. a lone member of a lws-mirror-protocol group).
 * -Dwsbench.pid=<pid> adds the server's CPU time per message. -Dwsbench.size=<bytes> sets the
 * message size (default 24). Talks to 127.0.0.1 only; stops by itself.
 */

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

public final class EchoBench {
    static final int SIZE = Integer.getInteger("wsbench.size", 24);

    public static void main(String[] a) throws Exception {
        if (a.length < 5) {
            System.err.println("usage: java EchoBench <port> <path> <protocol|-> <clients> <seconds> [window]");
            System.exit(2);
        }
        int port = Integer.parseInt(a[0]);
        String path = a[1];
        String protocol = a[2].equals("-") ? null : a[2];
        int clients = Integer.parseInt(a[3]);
        double seconds = Double.parseDouble(a[4]);
        int window = a.length > 5 ? Integer.parseInt(a[5]) : 1;
        LongAdder echoes = new LongAdder();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        BenchWs.Latencies lat = new BenchWs.Latencies();
        java.util.concurrent.atomic.AtomicBoolean timing = new java.util.concurrent.atomic.AtomicBoolean();
        BenchWs.Loop loop = new BenchWs.Loop();
        List<BenchWs.Conn> conns = new ArrayList<>();
        BenchWs.Events ev = new BenchWs.Events() {
            @Override
            public void opened(BenchWs.Conn c) {
                open.incrementAndGet();
                for (int i = 0; i < window; i++) {
                    c.send(BenchWs.Frames.frame(BenchWs.Frames.TEXT, BenchWs.stamped(SIZE)));
                }
            }

            @Override
            public void failed(BenchWs.Conn c, String why) {
                if (failed.incrementAndGet() <= 5) {
                    System.err.println("connection " + c.id + " failed: " + why);
                }
            }

            @Override
            public void message(BenchWs.Conn c) {
                echoes.increment();
                if (timing.get()) {
                    long age = BenchWs.stampAge(c);
                    if (age >= 0) {
                        lat.add(age);
                    }
                }
                c.send(BenchWs.Frames.frame(BenchWs.Frames.TEXT, BenchWs.stamped(SIZE)));
            }
        };
        for (int i = 0; i < clients; i++) {
            conns.add(new BenchWs.Conn(i, loop, port, path, protocol, ev));
        }
        Thread t = new Thread(loop, "echobench-loop");
        t.start();
        loop.execute(() -> conns.forEach(BenchWs.Conn::start));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (open.get() + failed.get() < clients && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        if (open.get() < clients) {
            loop.stop(t);
            throw new IllegalStateException((clients - open.get()) + " of " + clients + " connections did not open");
        }
        Thread.sleep(2000); // warm-up
        long pid = Long.getLong("wsbench.pid", 0L);
        long cpu0 = BenchWs.cpuMicros(pid);
        timing.set(true);
        long e0 = echoes.sum();
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long e1 = echoes.sum();
        long cpu1 = BenchWs.cpuMicros(pid);
        timing.set(false);
        double el = (System.nanoTime() - t0) / 1e9;
        String cpu = pid == 0 ? "" : String.format(Locale.ROOT, "  server CPU %.1f us/msg (%.0f%% of a core)",
                (double) (cpu1 - cpu0) / Math.max(1, e1 - e0), (cpu1 - cpu0) / 1e6 / el * 100);
        loop.execute(() -> conns.forEach(BenchWs.Conn::sendClose));
        Thread.sleep(300);
        loop.stop(t);
        // the loop thread has stopped: its histogram is ours now
        System.out.printf(Locale.ROOT, "echo %s clients=%d window=%d msg=%dB  %.0f rtt/s  (%d echoes in %.1f s)  rtt p50=%d us p99=%d us%s%n",
                path, clients, window, SIZE, (e1 - e0) / el, e1 - e0, el, lat.percentile(50), lat.percentile(99), cpu);
        System.out.flush();
    }
}
