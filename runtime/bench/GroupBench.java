import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.lws4j.api.Log;
import org.lws4j.api.LogLevel;
import org.lws4j.group.relay.BrokerSettings;
import org.lws4j.group.relay.RelayBroker;
import org.lws4j.spi.group.GroupBroker;
import org.lws4j.spi.group.GroupSink;

/**
 * The driver of group-bench.sh (see there): broker instances in one JVM play the nodes, through a
 * real redis-server or nats-server. One node publishes; the others receive. Two phases:
 * <ul>
 * <li>rate: as fast as the broker takes it, never more than WINDOW messages ahead of the slowest
 * receiver (so nothing is dropped by the bounded queue): messages/s published and deliveries/s
 * (messages times receivers);</li>
 * <li>latency: at a fixed RATE per second, each payload carrying System.nanoTime() of its
 * publish() call; p50/p99/max of publish to delivery on another node (one JVM: one clock).</li>
 * </ul>
 * The broker's CPU time (utime + stime of /proc/PID/stat) over each phase, as % of one core.
 *
 * <p>Usage: GroupBench CLASS URL BROKER_PID RECEIVERS MESSAGES SIZE RATE
 */
public final class GroupBench {
    static final int WINDOW = 5_000;

    static final class Sink implements GroupSink {
        final AtomicLong count = new AtomicLong();
        final long[] latencies;
        volatile boolean connected;

        Sink(int n) {
            latencies = new long[n];
        }

        @Override
        public void deliver(String vhost, String group, ByteBuffer payload, boolean binary) {
            long sent = payload.getLong(payload.position());
            long i = count.getAndIncrement();
            if (sent != 0 && i < latencies.length) {
                latencies[(int) i] = System.nanoTime() - sent;
            }
        }

        @Override
        public void stateChanged(GroupBroker.State state, String detail) {
            connected = state == GroupBroker.State.CONNECTED;
        }
    }

    static final Log QUIET = new Log() {
        @Override
        public boolean enabled(LogLevel level) {
            return level == LogLevel.ERR || level == LogLevel.WARN;
        }

        @Override
        public void log(LogLevel level, String format, Object... args) {
            if (enabled(level)) {
                System.err.println(level + " " + String.format(format, args));
            }
        }
    };

    public static void main(String[] a) throws Exception {
        String cls = a[0];
        String url = a[1];
        long brokerPid = Long.parseLong(a[2]);
        int receivers = Integer.parseInt(a[3]);
        int messages = Integer.parseInt(a[4]);
        int size = Math.max(8, Integer.parseInt(a[5]));
        int rate = Integer.parseInt(a[6]);
        Map<String, String> p = new HashMap<>();
        p.put(BrokerSettings.URL, url);
        p.put(BrokerSettings.QUEUE, "20000");
        BrokerSettings settings = BrokerSettings.from(p).orElseThrow();
        Constructor<?> make = Class.forName(cls).getConstructor(BrokerSettings.class, Log.class);
        RelayBroker sender = (RelayBroker) make.newInstance(settings, QUIET);
        Sink senderSink = new Sink(0);
        sender.open(senderSink);
        List<RelayBroker> nodes = new ArrayList<>();
        List<Sink> sinks = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            RelayBroker b = (RelayBroker) make.newInstance(settings, QUIET);
            Sink s = new Sink(messages);
            b.open(s);
            nodes.add(b);
            sinks.add(s);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(senderSink.connected && sinks.stream().allMatch(s -> s.connected))) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("not connected in 20 s: " + sender.describe());
            }
            LockSupport.parkNanos(1_000_000);
        }
        byte[] body = new byte[size];

        // rate phase
        long cpu0 = cpuTicks(brokerPid);
        long t0 = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            while (i - slowest(sinks) >= WINDOW) {
                Thread.onSpinWait();
            }
            sender.publish("localhost", "bench", ByteBuffer.wrap(body), true);
        }
        awaitAll(sinks, messages);
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuTicks(brokerPid) - cpu0) / 100.0 / secs * 100;
        System.out.printf(Locale.ROOT, "rate     receivers %d size %d: %,d msg in %.2f s = %,.0f msg/s published, %,.0f deliveries/s; broker CPU %.0f%% of a core; dropped %d%n",
                receivers, size, messages, secs, messages / secs, (double) messages * receivers / secs, cpu, sender.dropped());

        // latency phase, on fresh counters
        List<Sink> fresh = new ArrayList<>();
        for (Sink s : sinks) {
            s.count.set(0);
            fresh.add(s);
        }
        int n = Math.min(messages, rate * 10);
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        cpu0 = cpuTicks(brokerPid);
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long at = t0 + i * interval;
            while (System.nanoTime() < at) {
                Thread.onSpinWait();
            }
            ByteBuffer b = ByteBuffer.allocate(size);
            b.putLong(0, System.nanoTime());
            sender.publish("localhost", "bench", b, true);
        }
        awaitAll(fresh, n);
        secs = (System.nanoTime() - t0) / 1e9;
        cpu = (cpuTicks(brokerPid) - cpu0) / 100.0 / secs * 100;
        long[] all = new long[n * receivers];
        for (int r = 0; r < receivers; r++) {
            System.arraycopy(sinks.get(r).latencies, 0, all, r * n, n);
        }
        Arrays.sort(all);
        System.out.printf(Locale.ROOT, "latency  receivers %d size %d at %,d msg/s: p50 %.3f ms, p99 %.3f ms, max %.3f ms (%,d deliveries); broker CPU %.0f%% of a core%n",
                receivers, size, rate, all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6,
                all[all.length - 1] / 1e6, all.length, cpu);
        sender.close();
        nodes.forEach(RelayBroker::close);
    }

    static long slowest(List<Sink> sinks) {
        long min = Long.MAX_VALUE;
        for (Sink s : sinks) {
            min = Math.min(min, s.count.get());
        }
        return min;
    }

    static void awaitAll(List<Sink> sinks, long n) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (slowest(sinks) < n) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("only " + slowest(sinks) + " of " + n + " delivered in 120 s");
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** utime + stime of a process, in clock ticks (100 a second on Linux). */
    static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
