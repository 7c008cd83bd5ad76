package org.lws4j.core.context;

import java.util.List;

import org.lws4j.api.Context;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.spi.metrics.MetricsSink;
import org.lws4j.spi.metrics.ServerGauges;

/**
 * The context's metrics service, when one is installed: gives it to every service thread (where
 * event sites read it) and lets it read the levels it scrapes ({@link ServerGauges}). A new sink
 * is attached before any event reaches it; an old one is detached once no thread hands it new
 * ones. Changes come from the thread that installs or removes the service, one at a time.
 */
final class MetricsPlug implements ServerGauges {
    private final Context ctx;
    private final Acceptor acceptor;
    private final List<ServiceThread> threads;
    private final int headerPoolSize;
    private MetricsSink current;

    MetricsPlug(Context ctx, Acceptor acceptor, List<ServiceThread> threads, int headerPoolSize) {
        this.ctx = ctx;
        this.acceptor = acceptor;
        this.threads = threads;
        this.headerPoolSize = headerPoolSize;
    }

    /** Reports to {@code sink} from now on (null: to none). */
    synchronized void use(MetricsSink sink) {
        MetricsSink old = current;
        if (sink == old) {
            return;
        }
        current = sink;
        if (sink != null) {
            sink.attach(this);
        }
        for (ServiceThread pt : threads) {
            pt.setMetrics(sink);
        }
        if (old != null) {
            old.detach(this);
        }
    }

    @Override
    public Context context() {
        return ctx;
    }

    @Override
    public int serviceThreads() {
        return threads.size();
    }

    @Override
    public int connections(int thread) {
        return threads.get(thread).connectionCount();
    }

    @Override
    public int maxConnections() {
        return acceptor.maxConnections();
    }

    @Override
    public int headerPoolInUse(int thread) {
        return threads.get(thread).headerPool().inUse();
    }

    @Override
    public int headerPoolSize() {
        return headerPoolSize;
    }

    @Override
    public int headerPoolWaiting(int thread) {
        return threads.get(thread).headerPool().waiting();
    }

    @Override
    public int tasksQueued(int thread) {
        return threads.get(thread).tasksQueued();
    }
}
