import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The driver of cluster-bench.sh (see there): mirror fan-out over running nodes. RECEIVERS mirror
 * clients spread round robin over the nodes' ports, one sender on the first node. Throughput: the
 * sender stays at most WINDOW messages ahead of the slowest receiver; deliveries/s and the CPU of
 * each pid given (nodes, broker) as % of one core. Latency: LATENCY_MESSAGES messages one at a
 * time, each carrying System.nanoTime() (one JVM: one clock); p50/p99 send-to-receive for
 * receivers on the first node and on the others.
 *
 * <p>Usage: ClusterBench PORTS(comma) PIDS(comma) RECEIVERS MESSAGES
 */
public final class ClusterBench {
    /** Below the core's remote backlog (64): a receiver on another node never falls far enough behind to get 1008. */
    static final int WINDOW = 32;
    static final int LATENCY_MESSAGES = 1000;

    static final class Receiver implements WebSocket.Listener {
        final boolean remote;
        final AtomicLong count = new AtomicLong();
        final long[] latencies;
        final StringBuilder partial = new StringBuilder();

        Receiver(boolean remote, int n) {
            this.remote = remote;
            this.latencies = new long[n];
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long sent = Long.parseLong(partial, 0, partial.indexOf(" "), 10);
                long i = count.getAndIncrement();
                if (i < latencies.length) {
                    latencies[(int) i] = System.nanoTime() - sent;
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    public static void main(String[] a) throws Exception {
        int[] ports = Arrays.stream(a[0].split(",")).mapToInt(Integer::parseInt).toArray();
        long[] pids = Arrays.stream(a[1].split(",")).mapToLong(Long::parseLong).toArray();
        int receivers = Integer.parseInt(a[2]);
        int messages = Integer.parseInt(a[3]);
        HttpClient http = HttpClient.newHttpClient();
        List<Receiver> rs = new ArrayList<>();
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            int node = i % ports.length;
            Receiver r = new Receiver(node != 0, LATENCY_MESSAGES);
            sockets.add(open(http, ports[node], r));
            rs.add(r);
        }
        WebSocket sender = open(http, ports[0], new WebSocket.Listener() { });
        // warm-up: one message through every path, waited for
        sender.sendText(System.nanoTime() + " warm-up", true).get(10, TimeUnit.SECONDS);
        awaitAll(rs, 1);
        rs.forEach(r -> r.count.set(0));

        long[] cpu0 = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            cpu0[i] = cpuTicks(pids[i]);
        }
        String pad = "x".repeat(40);
        long t0 = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            awaitAll(rs, i - WINDOW + 1);
            sender.sendText(System.nanoTime() + " " + pad, true).get(10, TimeUnit.SECONDS);
        }
        awaitAll(rs, messages);
        double secs = (System.nanoTime() - t0) / 1e9;
        StringBuilder cpu = new StringBuilder();
        for (int i = 0; i < pids.length; i++) {
            cpu.append(String.format(Locale.ROOT, " %.0f%%", (cpuTicks(pids[i]) - cpu0[i]) / 100.0 / secs * 100));
        }
        // latency: one message at a time, the next once every receiver has it
        rs.forEach(r -> r.count.set(0));
        for (int i = 1; i <= LATENCY_MESSAGES; i++) {
            sender.sendText(System.nanoTime() + " " + pad, true).get(10, TimeUnit.SECONDS);
            awaitAll(rs, i);
        }
        System.out.printf(Locale.ROOT, "%d node(s), %d receivers: %,d messages in %.2f s, %,.0f deliveries/s; CPU (nodes..., broker):%s; one at a time: %s%n",
                ports.length, receivers, messages, secs, (double) messages * receivers / secs, cpu,
                latency(rs, false) + (ports.length > 1 ? "; " + latency(rs, true) : ""));
        for (WebSocket w : sockets) {
            w.abort();
        }
        sender.abort();
    }

    static String latency(List<Receiver> rs, boolean remote) {
        List<Receiver> sel = rs.stream().filter(r -> r.remote == remote).toList();
        int n = LATENCY_MESSAGES;
        long[] all = new long[n * sel.size()];
        for (int i = 0; i < sel.size(); i++) {
            System.arraycopy(sel.get(i).latencies, 0, all, i * n, n);
        }
        Arrays.sort(all);
        return String.format(Locale.ROOT, "%s node p50 %.2f ms p99 %.2f ms", remote ? "other" : "same",
                all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6);
    }

    static WebSocket open(HttpClient http, int port, WebSocket.Listener l) throws Exception {
        return http.newWebSocketBuilder().subprotocols("lws-mirror-protocol").connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/?mirror=bench"), l).get(10, TimeUnit.SECONDS);
    }

    static long slowest(List<Receiver> rs) {
        long min = Long.MAX_VALUE;
        for (Receiver r : rs) {
            min = Math.min(min, r.count.get());
        }
        return min;
    }

    static void awaitAll(List<Receiver> rs, long n) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (slowest(rs) < n) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("only " + slowest(rs) + " of " + n + " delivered to the slowest in 120 s");
            }
            LockSupport.parkNanos(200_000);
        }
    }

    static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
