package org.lws4j.core.context;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.lws4j.api.Context;
import org.lws4j.spi.extension.Extension;
import org.lws4j.api.Log;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.spi.tls.TlsProvider;
import org.lws4j.api.Vhost;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.http.HttpHost;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.conn.ConnectionHost;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.vhost.VhostContext;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.core.vhost.VhostProtocolImpl;

/**
 * The context (lws's {@code lws_context}): service threads, vhosts, and the services plugged into
 * them. It delegates by job: {@link Acceptor} takes sockets, {@link ListenerTable} owns listen
 * sockets and TLS ports, {@link Binder} binds protocols and extensions live.
 *
 * <p>Threads: vhost, protocol, extension and TLS changes are made by the calling thread under one
 * lock, each step run on the service thread that owns what it touches and waited for (bounded);
 * service threads never wait on anything, so this cannot deadlock. A context made with
 * {@code count-threads} 0 has one loop the application drives with {@link #service(long)}.
 */
public final class ContextImpl implements Context, ConnectionHost, VhostContext, HttpHost,
        org.lws4j.core.client.ClientConnector.Host {
    private final ContextConfig config;
    private final LogImpl log;
    private final List<ServiceThread> threads;
    private final boolean external;
    private final List<VhostImpl> vhosts = new CopyOnWriteArrayList<>();
    private final Object changes = new Object();
    private final long startMillis = System.currentTimeMillis();
    private final Steps steps;
    private final Acceptor acceptor;
    private final ListenerTable listeners;
    private final Binder binder;
    private final VhostTable vhostTable;
    private final org.lws4j.core.client.ClientConnector connector;
    private final org.lws4j.core.mount.LayeredFileOps fileOps = new org.lws4j.core.mount.LayeredFileOps();
    private final java.util.Map<Long, ConnectionImpl> live = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean stopped;
    private final ThreadDeaths deaths;
    private final MetricsPlug metrics;
    private final org.lws4j.core.group.GroupTable groups;

    public ContextImpl(ContextConfig config, LogImpl log) throws IOException {
        this.config = config;
        this.log = log;
        this.external = config.countThreads() == 0;
        this.deaths = new ThreadDeaths(log);
        int n = Math.max(1, config.countThreads());
        List<ServiceThread> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ServiceThread pt = new ServiceThread(i, log, config.maxHttpHeaderData(), config.maxHttpHeaderPool());
            pt.setOutputLimits(config.maxOutputBuffer(), Math.max(config.maxOutputBuffer(), config.outputBudget() / n));
            pt.setOnDeath(t -> {
                if (!stopped) {
                    deaths.died(pt.index(), t);
                }
            });
            pt.headerPool().setIdleMillis(config.headerBufferIdleMillis());
            l.add(pt);
        }
        this.threads = Collections.unmodifiableList(l);
        this.steps = new Steps(log);
        this.acceptor = new Acceptor(this, config, log, threads);
        this.listeners = new ListenerTable(this, threads.get(0), steps, log);
        this.binder = new Binder(vhosts, threads, steps, log, config.handoffGraceMillis());
        this.vhostTable = new VhostTable(this, vhosts, listeners, binder, steps, threads, log);
        this.connector = new org.lws4j.core.client.ClientConnector(this);
        this.metrics = new MetricsPlug(this, acceptor, threads, config.maxHttpHeaderPool());
        this.groups = new org.lws4j.core.group.GroupTable(threads, log);
    }

    /** The exit status of a process whose service thread died (EX_SOFTWARE). */
    public static final int EXIT_THREAD_DIED = ThreadDeaths.EXIT_THREAD_DIED;

    /**
     * Replaces what happens when a service thread dies of something no guard caught (by default
     * the process exits with {@link #EXIT_THREAD_DIED}); the arguments are the thread's index and
     * the cause.
     */
    public void onThreadDeath(java.util.function.BiConsumer<Integer, Throwable> handler) {
        deaths.handleWith(handler);
    }

    /** Starts the service threads (none for a context the application drives). */
    public void start() {
        if (!external) {
            for (ServiceThread pt : threads) {
                pt.start("lws4j-service-" + pt.index());
            }
        }
        log.notice("lws4j context: %d service thread(s)%s, up to %d connections", threads.size(),
                external ? " driven by the application" : "", acceptor.maxConnections());
    }

    /**
     * Starts the service loops as long-lived tasks of {@code executor} instead of threads of their
     * own (each task returns when the context stops); the executor needs a thread per loop.
     */
    public void start(java.util.concurrent.Executor executor) {
        if (external) {
            throw new IllegalStateException("a context with count-threads 0 is driven by service(); nothing to start");
        }
        for (ServiceThread pt : threads) {
            pt.startOn(executor);
        }
        log.notice("lws4j context: %d service loop(s) on the application's executor, up to %d connections",
                threads.size(), acceptor.maxConnections());
    }

    /** Closes every connection (WebSockets get 1001), ends every binding, stops the threads. */
    public void stop() {
        synchronized (changes) {
            if (stopped) {
                return;
            }
            stopped = true;
            for (VhostImpl v : new ArrayList<>(vhosts)) {
                vhostTable.remove(v, "context stopping");
            }
        }
        connector.stop();
        for (ServiceThread pt : threads) {
            pt.stop(5000);
        }
        metrics.use(null);
        groups.setBroker(null);
        log.notice("lws4j context stopped");
    }

    // ---- connections ---------------------------------------------------------------------------

    void accepted(SocketChannel ch, Listener l) {
        acceptor.accepted(ch, l, stopped);
    }

    @Override
    public void connectionOpened(ConnectionImpl c) {
        live.put(c.id(), c);
    }

    @Override
    public void connectionClosed(ConnectionImpl c) {
        if (c != null) {
            live.remove(c.id());
        }
        acceptor.closed();
    }

    @Override
    public void streamOpened(ConnectionImpl c) {
        live.put(c.id(), c);
    }

    @Override
    public void streamClosed(ConnectionImpl c) {
        live.remove(c.id());
    }

    @Override
    public List<org.lws4j.api.ConnectionInfo> connections() {
        List<org.lws4j.api.ConnectionInfo> l = new ArrayList<>(live.size());
        for (ConnectionImpl c : live.values()) {
            l.add(c.info());
        }
        l.sort(java.util.Comparator.comparingLong(org.lws4j.api.ConnectionInfo::id));
        return l;
    }

    @Override
    public boolean closeConnection(long id, int code, String reason) {
        ConnectionImpl c = live.get(id);
        return c != null && c.execute(() -> {
            c.handler().close(code, reason == null ? "" : reason);
            if (c.isOpen() && c.role() != org.lws4j.api.Role.WEBSOCKET) {
                c.closeAfterFlush("closed by request (" + code + " " + reason + ")");
            }
        });
    }

    /** Connections open now, all threads. */
    public int openConnections() {
        return acceptor.open();
    }

    public int maxConnections() {
        return acceptor.maxConnections();
    }

    // ---- vhosts --------------------------------------------------------------------------------

    /**
     * Creates a vhost, opens (or joins) its listener and binds the protocols it offers that are
     * registered now. A vhost whose name is taken on its port, or whose listener cannot be
     * opened, is refused with a log line naming its source; nothing else changes. Port 0 means
     * no listener (lwsws), for vhosts used only by clients.
     */
    public VhostImpl addVhost(VhostConfig vc) {
        synchronized (changes) {
            return stopped ? null : vhostTable.add(vc);
        }
    }

    /**
     * Serves {@code next} in place of the vhost {@code current} made, as one change (a live
     * configuration edit); see {@link VhostTable#replace}. On failure nothing has changed and the
     * old vhost keeps serving.
     *
     * @return null when done, else why not
     */
    public String replaceVhost(VhostConfig current, VhostConfig next) {
        synchronized (changes) {
            return stopped ? "the context is stopping" : vhostTable.replace(current, next);
        }
    }

    /** Listeners are bound from now on but accept nothing until {@link #startAccepting()}. */
    public void holdAccepting() {
        listeners.holdAccepting();
    }

    /** Listeners accept from now on (a server that held them at start is ready). */
    public void startAccepting() {
        if (listeners.startAccepting()) {
            log.notice("accepting connections on %s", String.join(", ", listening()));
        }
    }

    /** Removes the vhost named {@code name} on {@code port}, closing its connections. */
    public boolean removeVhost(String name, int port) {
        synchronized (changes) {
            return vhostTable.remove(name, port);
        }
    }

    /** Every address listened on now ("0.0.0.0:7681", "0.0.0.0:7682 (TLS)"). */
    public List<String> listening() {
        return listeners.listening();
    }

    /** The port a vhost listens on; -1 if it does not listen. */
    public int boundPort(VhostImpl v) {
        return listeners.boundPort(v);
    }

    // ---- protocols and extensions ------------------------------------------------------------

    /** A protocol service appeared (or changed rank): bind it where it is now the best. */
    public void addProtocol(String name, Protocol p, int ranking, long serviceId) {
        synchronized (changes) {
            if (!stopped) {
                binder.addProtocol(name, p, ranking, serviceId);
            }
        }
    }

    /**
     * A protocol service is going away: its connections are closed on their own threads (the
     * role decides how: 1001, 503, ...), PROTOCOL_DESTROY runs, and only then does this return
     * (each step bounded). Where another service of the name remains, it takes over.
     */
    public void removeProtocol(String name, Protocol p) {
        synchronized (changes) {
            if (!stopped) {
                binder.removeProtocol(name, p);
            }
        }
    }

    /** An extension service appeared: the next handshakes may negotiate it. */
    public void addExtension(String name, Extension e, int ranking, long serviceId) {
        synchronized (changes) {
            binder.addExtension(name, e, ranking, serviceId);
        }
    }

    /** An extension service is going away: connections using it are closed with 1001 before this returns. */
    public void removeExtension(String name, Extension e) {
        synchronized (changes) {
            binder.removeExtension(name, e);
        }
    }

    @Override
    public Extension extension(String name) {
        return binder.extension(name);
    }

    /** A mount origin service appeared: mounts of its scheme are served by it from the next request. */
    public void addOrigin(String scheme, org.lws4j.spi.origin.MountOrigin o, int ranking, long serviceId) {
        synchronized (changes) {
            binder.addOrigin(scheme, o, ranking, serviceId);
        }
    }

    /** A mount origin service is going away: its exchanges end before this returns; its mounts answer 503. */
    public void removeOrigin(String scheme, org.lws4j.spi.origin.MountOrigin o) {
        synchronized (changes) {
            binder.removeOrigin(scheme, o);
        }
    }

    @Override
    public org.lws4j.spi.origin.MountOrigin mountOrigin(String scheme) {
        return binder.origin(scheme);
    }

    // ---- file ops ----------------------------------------------------------------------------

    /** A file-ops layer appeared for paths holding {@code signature} (e.g. ".zip/"). */
    public void addFileOps(String signature, org.lws4j.spi.fileops.FileOps ops, int ranking, long serviceId) {
        fileOps.add(signature, ops, ranking, serviceId);
        log.notice("file ops for \"%s\" available", signature);
    }

    /** A layer went away: not used for new opens; files open through it stay open until closed. */
    public void removeFileOps(org.lws4j.spi.fileops.FileOps ops) {
        if (fileOps.remove(ops)) {
            log.notice("a file ops layer went away");
        }
    }

    @Override
    public org.lws4j.core.mount.LayeredFileOps fileOpsLayers() {
        return fileOps;
    }

    // ---- metrics -----------------------------------------------------------------------------

    /**
     * The metrics service events are reported to from now on ({@code null}: none, the cost of each
     * event site is then one volatile read); see {@link MetricsPlug}.
     */
    public void setMetrics(org.lws4j.spi.metrics.MetricsSink sink) {
        metrics.use(sink);
        groups.setMetrics(sink);
    }

    // ---- broadcast groups ----------------------------------------------------------------------

    /** Every broadcast group, and the group broker (see {@link org.lws4j.core.group.GroupTable}). */
    @Override
    public org.lws4j.core.group.GroupTable groups() {
        return groups;
    }

    @Override
    public String groupBrokerState() {
        return groups.brokerState();
    }

    @Override
    public String groupBroker() {
        return groups.brokerLine();
    }

    /** The group broker from now on (null: groups deliver on this node only). */
    public void setGroupBroker(org.lws4j.spi.group.GroupBroker broker) {
        groups.setBroker(broker);
    }

    // ---- TLS ---------------------------------------------------------------------------------

    /** Where relative certificate and key paths in vhost options are found. */
    public void setConfigDir(Path dir) {
        listeners.setConfigDir(dir);
    }

    /**
     * The TLS provider appeared ({@code p}) or went away (null). TLS listeners get a new server
     * side, or refuse new connections saying why; with the provider gone, TLS connections are
     * closed (WebSockets get 1001). Plain vhosts never notice.
     */
    public void setTlsProvider(TlsProvider p) {
        synchronized (changes) {
            listeners.setTlsProvider(p);
            if (p == null) {
                steps.onAll(threads, pt -> {
                    for (ConnectionImpl c : ConnectionImpl.on(pt)) {
                        if (c.isSecure()) {
                            c.handler().onShutdown();
                        }
                    }
                });
            }
        }
    }

    @Override
    public boolean whenProtocolBack(VhostImpl v, String name, Runnable then) {
        return binder.handoffs().whenSettled(v, name, then);
    }

    @Override
    public Map<String, Integer> parkedConnections() {
        return binder.handoffs().parkedNow();
    }

    @Override
    public VhostImpl tlsTwin(String name) {
        for (VhostImpl v : vhosts) {
            if (v.isSecure() && v.name().equalsIgnoreCase(name)) {
                return v;
            }
        }
        return null;
    }

    // ---- clients and adoption ------------------------------------------------------------------

    @Override
    public org.lws4j.api.Connection connect(org.lws4j.api.ClientConnectInfo info) {
        return connector.connect(info);
    }

    @Override
    public org.lws4j.api.Connection adopt(java.nio.channels.SelectableChannel channel, String vhost, String protocol) {
        return connector.adopt(channel, vhost, protocol);
    }

    @Override
    public org.lws4j.api.Connection adoptStream(java.io.InputStream in, java.io.OutputStream out, String vhost,
                                                String protocol) {
        return connector.adoptStream(in, out, vhost, protocol);
    }

    /** Opens clients and adopts channels. */
    public org.lws4j.core.client.ClientConnector connector() {
        return connector;
    }

    @Override
    public org.lws4j.api.Connection adopt(java.nio.channels.SelectableChannel channel, VhostImpl v,
                                          VhostProtocolImpl binding) {
        return connector.adopt(channel, v, binding);
    }

    @Override
    public org.lws4j.api.Connection adoptStream(java.io.InputStream in, java.io.OutputStream out, VhostImpl v,
                                                VhostProtocolImpl binding) {
        return connector.adoptStream(in, out, v, binding);
    }

    @Override
    public VhostImpl vhostImpl(String name) {
        if (name == null) {
            return vhosts.isEmpty() ? null : vhosts.get(0);
        }
        for (VhostImpl v : vhosts) {
            if (v.name().equalsIgnoreCase(name)) {
                return v;
            }
        }
        return null;
    }

    @Override
    public TlsProvider tlsProvider() {
        return listeners.tlsProvider();
    }

    @Override
    public long newConnection() {
        return acceptor.newConnection();
    }

    // ---- Context -------------------------------------------------------------------------------

    @Override
    public List<Vhost> vhosts() {
        return List.copyOf(vhosts);
    }

    /** The vhosts as the core sees them. */
    public List<VhostImpl> vhostImpls() {
        return List.copyOf(vhosts);
    }

    @Override
    public Vhost vhost(String name) {
        for (VhostImpl v : vhosts) {
            if (v.name().equalsIgnoreCase(name)) {
                return v;
            }
        }
        return null;
    }

    @Override
    public int serviceThreads() {
        return external ? 0 : threads.size();
    }

    @Override
    public Log log() {
        return log;
    }

    public LogImpl logImpl() {
        return log;
    }

    @Override
    public org.lws4j.core.http.UpgradeRole upgradeRole() {
        return org.lws4j.core.ws.WsServerUpgrade.INSTANCE;
    }

    @Override
    public String serverString() {
        return config.serverString();
    }

    @Override
    public ContextConfig config() {
        return config;
    }

    @Override
    public void requestWriteableAll(String protocol) {
        for (VhostImpl v : vhosts) {
            v.requestWriteableAll(protocol);
        }
    }

    @Override
    public void cancelService() {
        for (ServiceThread pt : threads) {
            pt.execute(() -> {
                for (VhostImpl v : vhosts) {
                    for (VhostProtocolImpl b : v.bindings()) {
                        b.callVhost(Reason.EVENT_WAIT_CANCELLED, null);
                    }
                }
            });
        }
    }

    @Override
    public int service(long timeoutMillis) {
        if (!external) {
            throw new IllegalStateException("this context runs its own " + threads.size()
                    + " service thread(s); service() is for contexts made with count-threads 0");
        }
        return threads.get(0).serviceOnce(timeoutMillis);
    }

    @Override
    public Context context() {
        return this;
    }

    @Override
    public List<ServiceThread> threads() {
        return threads;
    }

    @Override
    public long startMillis() {
        return startMillis;
    }

    @Override
    public Map<String, Long> limits() {
        Map<String, Long> m = new LinkedHashMap<>();
        int poolUsed = 0;
        for (ServiceThread pt : threads) {
            poolUsed += pt.headerPool().inUse();
        }
        m.put("max-connections", (long) maxConnections());
        m.put("fd-limit-per-thread", (long) config.fdLimitPerThread());
        m.put("max-http-header-pool", (long) config.maxHttpHeaderPool());
        m.put("header-pool-in-use", (long) poolUsed);
        m.put("max-http-header-data", (long) config.maxHttpHeaderData());
        m.put("max-http-body", config.maxHttpBody());
        m.put("ws-max-frame-size", config.wsMaxFrameSize());
        m.put("ws-max-message-size", config.wsMaxMessageSize());
        m.put("timeout-secs", (long) config.timeoutSecs());
        m.put("ws-pingpong-secs", (long) config.wsPingPongSecs());
        m.put("ka-time", (long) config.kaTime());
        return m;
    }

    @Override
    public String toString() {
        return "lws4j context (" + threads.size() + " threads, " + vhosts.size() + " vhosts)";
    }
}
