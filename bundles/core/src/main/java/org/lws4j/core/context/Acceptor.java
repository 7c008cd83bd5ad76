package org.lws4j.core.context;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.ObjectName;

import org.lws4j.api.Log;
import org.lws4j.spi.tls.TlsProvider;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.http.HttpServerHandler;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.Endpoint;
import org.lws4j.core.loop.PlainEndpoint;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.tls.TlsEndpoint;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.spi.metrics.MetricsSink;
import org.lws4j.spi.metrics.Refusal;

/**
 * Takes accepted sockets: counts them against the connection limit (from the process's file
 * descriptor limit, as lws does, or {@code fd-limit-per-thread}), refuses past it, sets TCP
 * options and keepalive, puts TLS under them where the port speaks TLS, and hands each to the
 * service thread with the fewest connections. Called on service thread 0; the counts are atomic.
 */
final class Acceptor {
    private static final long ONE_SECOND = 1_000_000_000L;

    private final ContextImpl ctx;
    private final ContextConfig config;
    private final Log log;
    private final List<ServiceThread> threads;
    private final int maxConnections;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private volatile long lastRefusalLog;
    private volatile long lastTlsRefusalLog;

    Acceptor(ContextImpl ctx, ContextConfig config, Log log, List<ServiceThread> threads) {
        this.ctx = ctx;
        this.config = config;
        this.log = log;
        this.threads = threads;
        this.maxConnections = computeMaxConnections(config, threads.size());
    }

    int maxConnections() {
        return maxConnections;
    }

    int open() {
        return open.get();
    }

    /** Counts a connection this side opens or adopts: its id, or -1 past the limit. */
    long newConnection() {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            return -1;
        }
        return ids.incrementAndGet();
    }

    /** A connection went away. */
    void closed() {
        open.decrementAndGet();
    }

    /** A socket was accepted on {@code l}: give it to the least busy thread, or refuse it. */
    void accepted(SocketChannel ch, Listener l, boolean stopped) {
        if (open.incrementAndGet() > maxConnections || stopped) {
            open.decrementAndGet();
            refused(l, Refusal.LIMIT);
            long now = System.nanoTime();
            if (now - lastRefusalLog > ONE_SECOND) {
                lastRefusalLog = now;
                log.notice("connection limit %d reached: refusing new connections", maxConnections);
            }
            closeQuietly(ch);
            return;
        }
        ServiceThread pt = threads.get(0);
        for (ServiceThread t : threads) {
            if (t.connectionCount() < pt.connectionCount()) {
                pt = t;
            }
        }
        pt.reserveSlot();
        Endpoint ep;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            applyKeepalive(ch);
            ep = endpointFor(ch, l);
        } catch (IOException | RuntimeException e) {
            if (l.isTls()) {
                refused(l, Refusal.TLS_UNAVAILABLE);
                long now = System.nanoTime();
                if (now - lastTlsRefusalLog > ONE_SECOND) {
                    lastTlsRefusalLog = now;
                    log.warn("TLS port %s refuses connections: %s", l.address(), e.getMessage());
                }
            }
            pt.releaseSlot();
            open.decrementAndGet();
            closeQuietly(ch);
            return;
        }
        long id = ids.incrementAndGet();
        ServiceThread target = pt;
        String portVhost = portVhost(l);
        MetricsSink m = pt.metrics();
        if (m != null) {
            m.connectionAccepted(portVhost);
        }
        if (ep instanceof TlsEndpoint t) {
            t.countOn(pt, portVhost);
        }
        Runnable reg = () -> {
            try {
                ConnectionImpl c = new ConnectionImpl(id, target, ctx, ep);
                c.setPortVhost(portVhost);
                c.register(new HttpServerHandler(c, ctx, l.vhosts()));
            } catch (IOException | RuntimeException e) {
                target.releaseSlot();
                open.decrementAndGet();
                closeQuietly(ch);
                log.warn("could not register accepted connection: %s", e);
            }
        };
        if (target.isOwner()) {
            reg.run();
        } else {
            target.execute(reg);
        }
    }

    /** The port's default vhost (its first): what metrics name a connection no request has routed yet. */
    private static String portVhost(Listener l) {
        List<VhostImpl> vs = l.vhosts();
        try {
            return vs.isEmpty() ? null : vs.get(0).name();
        } catch (IndexOutOfBoundsException justEmptied) {
            return null;
        }
    }

    private void refused(Listener l, Refusal why) {
        MetricsSink m = threads.get(0).metrics();
        if (m != null) {
            m.connectionRefused(portVhost(l), why);
        }
    }

    /** Plain TCP, or TLS with an engine from the listener's TLS server (refused when there is none). */
    private static Endpoint endpointFor(SocketChannel ch, Listener l) throws IOException {
        if (!l.isTls()) {
            return new PlainEndpoint(ch);
        }
        TlsProvider.Server server = l.tlsServer();
        if (server == null) {
            throw new IOException(l.tlsProblem());
        }
        InetSocketAddress peer = (InetSocketAddress) ch.getRemoteAddress();
        return new TlsEndpoint(ch, server.newEngine(peer.getHostString(), peer.getPort()), server);
    }

    private void applyKeepalive(SocketChannel ch) throws IOException {
        if (config.kaTime() <= 0) {
            return;
        }
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        // per-socket tuning where the platform has it (Linux); looked up by name so the bundle
        // does not import jdk.net
        setIntOption(ch, "TCP_KEEPIDLE", config.kaTime());
        setIntOption(ch, "TCP_KEEPINTERVAL", config.kaInterval());
        setIntOption(ch, "TCP_KEEPCOUNT", config.kaProbes());
    }

    @SuppressWarnings("unchecked")
    private static void setIntOption(SocketChannel ch, String name, int value) throws IOException {
        if (value <= 0) {
            return;
        }
        for (SocketOption<?> o : ch.supportedOptions()) {
            if (o.name().equals(name) && o.type() == Integer.class) {
                ch.setOption((SocketOption<Integer>) o, value);
            }
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // refused anyway
        }
    }

    /**
     * The connection limit, as lws has it: what the process may open, minus what is open now, minus
     * room for selectors, listeners, files being served and the application's own. On Linux the
     * two counts come from /proc (a file read and a directory listing); elsewhere from the
     * OperatingSystem MBean, whose platform MBean server costs about half a second of start-up to
     * create, which is why it is not the first choice.
     */
    private static int computeMaxConnections(ContextConfig cfg, int threads) {
        if (cfg.fdLimitPerThread() > 0) {
            return cfg.fdLimitPerThread() * threads;
        }
        long[] fds = procFileDescriptors();
        if (fds == null) {
            fds = mbeanFileDescriptors();
        }
        if (fds == null) {
            return 1024;
        }
        long room = fds[0] - fds[1] - 32 - 4L * threads;
        return (int) Math.max(16, Math.min(Integer.MAX_VALUE, room));
    }

    /** {max, in use} from /proc/self/limits ("Max open files", the soft limit) and /proc/self/fd, or null. */
    static long[] procFileDescriptors() {
        try {
            Path limits = Path.of("/proc/self/limits");
            File fd = new File("/proc/self/fd");
            if (!Files.isReadable(limits)) {
                return null;
            }
            for (String line : Files.readAllLines(limits)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    long max = soft.equals("unlimited") ? Integer.MAX_VALUE : Long.parseLong(soft);
                    String[] open = fd.list();
                    return open == null ? null : new long[] {max, open.length};
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {max, in use} from the OperatingSystem MBean, or null. */
    private static long[] mbeanFileDescriptors() {
        try {
            ObjectName os = new ObjectName("java.lang:type=OperatingSystem");
            long max = ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(os, "MaxFileDescriptorCount")).longValue();
            long inUse = ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(os, "OpenFileDescriptorCount")).longValue();
            return new long[] {max, inUse};
        } catch (Exception | LinkageError e) {
            return null;
        }
    }
}
