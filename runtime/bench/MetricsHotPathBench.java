/*
 * MetricsHotPathBench: what the metrics bundle's sink costs per event, measured alone (a benchmark,
 * not a test). metrics-bench.sh measures the whole server, whose CPU per request on a shared
 * machine varies more between runs than the sink costs; this times the exact calls the core makes
 * for one HTTP request and for one mirror delivery, on one thread and on two at once (two service
 * threads), in thread CPU time, and the same calls on a sink of empty methods behind the core's
 * volatile read and null check ("absent" is then only the read).
 *
 *   javac -cp METRICS_JAR:API_JAR -d DIR MetricsHotPathBench.java
 *   java -cp DIR:METRICS_JAR:API_JAR MetricsHotPathBench [seconds]
 *
 * metrics-bench.sh runs it after the server measurements. Per HTTP request on a keep-alive
 * connection the core reports: the response (httpRequest), bytes read and bytes written, two
 * selector wake-ups, one WRITEABLE. Per mirror delivery: the message sent, its bytes, its
 * WRITEABLE, and a wake-up for every fourth (writes to many receivers share turns).
 */

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

import org.lws4j.api.Context;
import org.lws4j.metrics.Lws4jMetrics;
import org.lws4j.metrics.MetricsOptions;
import org.lws4j.spi.metrics.MetricsSink;
import org.lws4j.spi.metrics.ServerGauges;

public final class MetricsHotPathBench {
    static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    /** Where the core keeps its sink: a volatile field of the service thread. */
    static volatile MetricsSink sink;
    static volatile long blackhole;

    public static void main(String[] a) throws Exception {
        double seconds = a.length > 0 ? Double.parseDouble(a[0]) : 3;
        try (Lws4jMetrics metrics = new Lws4jMetrics(MetricsOptions.defaults())) {
            MetricsSink present = metrics.sink();
            present.attach(gauges(2));
            MetricsSink empty = new MetricsSink() { };
            for (String kind : new String[] {"request", "delivery"}) {
                for (int threads = 1; threads <= 2; threads++) {
                    double absent = run(null, kind, threads, seconds);
                    double nothing = run(empty, kind, threads, seconds);
                    double counted = run(present, kind, threads, seconds);
                    System.out.printf(Locale.ROOT, "per %-8s threads=%d  absent (null sink) %6.1f ns  empty sink %6.1f ns  "
                            + "metrics bundle %6.1f ns CPU%n", kind, threads, absent, nothing, counted);
                }
            }
        }
    }

    /** Thread CPU nanoseconds per event set, averaged over {@code threads} threads running at once. */
    static double run(MetricsSink s, String kind, int threads, double seconds) throws Exception {
        sink = s;
        boolean request = kind.equals("request");
        double[] perSet = new double[threads];
        CountDownLatch go = new CountDownLatch(1);
        Thread[] t = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            t[i] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                loop(index, request, 200_000); // JIT warm-up
                long deadline = System.nanoTime() + (long) (seconds * 1e9);
                long c0 = CPU.getCurrentThreadCpuTime();
                long n = 0;
                while (System.nanoTime() < deadline) {
                    loop(index, request, 100_000);
                    n += 100_000;
                }
                perSet[index] = (CPU.getCurrentThreadCpuTime() - c0) / (double) n;
            });
            t[i].start();
        }
        go.countDown();
        double sum = 0;
        for (int i = 0; i < threads; i++) {
            t[i].join();
            sum += perSet[i];
        }
        return sum / threads;
    }

    /** {@code n} event sets as the core makes them: each site reads the field once and checks it. */
    static void loop(int thread, boolean request, int n) {
        String vhost = "localhost";
        String protocol = request ? null : "lws-mirror-protocol";
        long acc = 0;
        for (int i = 0; i < n; i++) {
            long now = i; // a time the core would have read with System.nanoTime() anyway
            if (request) {
                MetricsSink m = sink;
                if (m != null) {
                    m.loopTurn(thread, 1, 0);
                }
                m = sink;
                if (m != null) {
                    m.bytes(vhost, protocol, 78, 0);
                }
                m = sink;
                if (m != null) {
                    m.httpRequest(vhost, protocol, "GET", 200, 2_000 + (now & 1023), 20_000 + (now & 4095));
                }
                m = sink;
                if (m != null) {
                    m.writeable(vhost, protocol, 3_000 + (now & 511));
                }
                m = sink;
                if (m != null) {
                    m.bytes(vhost, protocol, 0, 1_250);
                }
                m = sink;
                if (m != null) {
                    m.loopTurn(thread, 1, 0);
                }
            } else {
                MetricsSink m = sink;
                if (m != null) {
                    m.writeable(vhost, protocol, 3_000 + (now & 511));
                }
                m = sink;
                if (m != null) {
                    m.wsMessage(vhost, protocol, false);
                }
                m = sink;
                if (m != null) {
                    m.bytes(vhost, protocol, 0, 26);
                }
                if ((i & 3) == 0) {
                    m = sink;
                    if (m != null) {
                        m.loopTurn(thread, 4, 0);
                    }
                }
            }
            acc += now;
        }
        blackhole = acc;
    }

    /** Levels of a server of {@code threads} service threads; a scrape would read them, this bench never does. */
    static ServerGauges gauges(int threads) {
        return new ServerGauges() {
            @Override
            public Context context() {
                return null;
            }

            @Override
            public int serviceThreads() {
                return threads;
            }

            @Override
            public int connections(int thread) {
                return 0;
            }

            @Override
            public int maxConnections() {
                return 0;
            }

            @Override
            public int headerPoolInUse(int thread) {
                return 0;
            }

            @Override
            public int headerPoolSize() {
                return 0;
            }

            @Override
            public int headerPoolWaiting(int thread) {
                return 0;
            }

            @Override
            public int tasksQueued(int thread) {
                return 0;
            }
        };
    }
}
