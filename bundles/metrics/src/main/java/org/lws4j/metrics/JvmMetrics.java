package org.lws4j.metrics;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * JVM basics, from the platform MXBeans only (no com.sun.management import, so the bundle needs
 * nothing the framework may not export): heap and non-heap memory, collections and their time per
 * collector, each GC pause (from the collectors' notifications), threads, the process's file
 * descriptors and CPU time. {@link #close()} stops listening to the collectors.
 */
final class JvmMetrics implements AutoCloseable {
    private static final String GC_NOTIFICATION = "com.sun.management.gc.notification";
    private static final double[] PAUSE_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

    /**
     * The platform MBean server, made at the first scrape that needs it: creating it registers
     * every platform MBean, about half a second of the runtime's start-up otherwise.
     */
    private volatile MBeanServer mbeans;
    private final ObjectName os;
    private final List<Runnable> undo = new ArrayList<>();

    JvmMetrics(PrometheusRegistry reg) {
        ObjectName o;
        try {
            o = new ObjectName("java.lang:type=OperatingSystem");
        } catch (Exception e) {
            o = null;
        }
        os = o;
        var memory = ManagementFactory.getMemoryMXBean();
        gauge(reg, "jvm_memory_used_bytes", "Memory used, by area", cb -> {
            cb.call(memory.getHeapMemoryUsage().getUsed(), "heap");
            cb.call(memory.getNonHeapMemoryUsage().getUsed(), "nonheap");
        }, "area");
        gauge(reg, "jvm_memory_committed_bytes", "Memory committed, by area", cb -> {
            cb.call(memory.getHeapMemoryUsage().getCommitted(), "heap");
            cb.call(memory.getNonHeapMemoryUsage().getCommitted(), "nonheap");
        }, "area");
        gauge(reg, "jvm_memory_max_bytes", "The most memory an area may use (-1: no limit)", cb -> {
            MemoryUsage h = memory.getHeapMemoryUsage();
            cb.call(h.getMax(), "heap");
            cb.call(memory.getNonHeapMemoryUsage().getMax(), "nonheap");
        }, "area");
        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        reg.register(CounterWithCallback.builder().name("jvm_gc_collections").help("Collections, by collector")
                .labelNames("gc").callback(cb -> gcs.forEach(g -> cb.call(Math.max(0, g.getCollectionCount()), g.getName())))
                .build());
        reg.register(CounterWithCallback.builder().name("jvm_gc_collection_seconds").unit(Unit.SECONDS)
                .help("Time spent collecting, by collector").labelNames("gc")
                .callback(cb -> gcs.forEach(g -> cb.call(Unit.millisToSeconds(Math.max(0, g.getCollectionTime())), g.getName())))
                .build());
        Histogram pauses = Histogram.builder().name("jvm_gc_pause_seconds").unit(Unit.SECONDS)
                .help("Each collection's duration, by collector and action (end of minor / major GC)")
                .labelNames("gc", "action").classicOnly().classicUpperBounds(PAUSE_BUCKETS).withoutExemplars().build();
        reg.register(pauses);
        NotificationListener onGc = (Notification n, Object handback) -> {
            if (GC_NOTIFICATION.equals(n.getType()) && n.getUserData() instanceof CompositeData d) {
                Object info = d.get("gcInfo");
                if (info instanceof CompositeData i && i.get("duration") instanceof Long ms) {
                    pauses.labelValues(String.valueOf(d.get("gcName")), String.valueOf(d.get("gcAction")))
                            .observe(Unit.millisToSeconds(ms));
                }
            }
        };
        for (GarbageCollectorMXBean g : gcs) {
            if (g instanceof NotificationEmitter e) {
                e.addNotificationListener(onGc, null, null);
                undo.add(() -> {
                    try {
                        e.removeNotificationListener(onGc);
                    } catch (Exception ignored) {
                        // gone already
                    }
                });
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        gauge(reg, "jvm_threads_current", "Live threads", cb -> cb.call(threads.getThreadCount()));
        gauge(reg, "jvm_threads_daemon", "Live daemon threads", cb -> cb.call(threads.getDaemonThreadCount()));
        gauge(reg, "jvm_threads_peak", "The most live threads since the JVM started", cb -> cb.call(threads.getPeakThreadCount()));
        gauge(reg, "process_open_fds", "File descriptors open", cb -> osLong("OpenFileDescriptorCount", cb));
        gauge(reg, "process_max_fds", "The most file descriptors the process may open", cb -> osLong("MaxFileDescriptorCount", cb));
        reg.register(CounterWithCallback.builder().name("process_cpu_seconds").unit(Unit.SECONDS)
                .help("CPU time of the process, user and system").callback(cb -> {
                    Object ns = osAttribute("ProcessCpuTime");
                    if (ns instanceof Long l && l >= 0) {
                        cb.call(Unit.nanosToSeconds(l));
                    }
                }).build());
        long start = ManagementFactory.getRuntimeMXBean().getStartTime();
        gauge(reg, "process_start_time_seconds", "When the process started, seconds since the epoch",
                cb -> cb.call(Unit.millisToSeconds(start)));
    }

    private static void gauge(PrometheusRegistry reg, String name, String help,
                              java.util.function.Consumer<GaugeWithCallback.Callback> read, String... labels) {
        reg.register(GaugeWithCallback.builder().name(name).help(help).labelNames(labels).callback(read).build());
    }

    private void osLong(String attribute, GaugeWithCallback.Callback cb) {
        if (osAttribute(attribute) instanceof Number n) {
            cb.call(n.doubleValue());
        }
    }

    /** An attribute of the OS MXBean the platform may or may not have (Unix: descriptors, CPU time). */
    private Object osAttribute(String name) {
        try {
            if (os == null) {
                return null;
            }
            MBeanServer m = mbeans;
            if (m == null) {
                m = ManagementFactory.getPlatformMBeanServer(); // one per JVM: a race makes no second
                mbeans = m;
            }
            return m.getAttribute(os, name);
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    @Override
    public void close() {
        undo.forEach(Runnable::run);
    }
}
