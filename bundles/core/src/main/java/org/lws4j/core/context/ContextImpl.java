package org.lws4j.core.context;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.ObjectName;

import org.lws4j.api.Context;
import org.lws4j.api.Log;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Vhost;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.http.HttpHost;
import org.lws4j.core.http.HttpServerHandler;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.loop.ConnectionHost;
import org.lws4j.core.loop.ConnectionImpl;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.vhost.VhostContext;
import org.lws4j.core.vhost.VhostImpl;

/**
 * The context: service threads, listeners, vhosts, and the live binding of protocols to vhosts.
 *
 * <p>Threads: listeners live on service thread 0. Vhost and protocol changes ({@link #addVhost},
 * {@link #addProtocol}, ...) are made by the calling thread under one lock, each step run on the
 * service thread that owns what it touches, waiting (bounded) for each step; service threads never
 * wait on anything, so this cannot deadlock. Connection counts and ids are atomics.
 */
public final class ContextImpl implements Context, ConnectionHost, VhostContext, HttpHost {
    private final ContextConfig config;
    private final LogImpl log;
    private final List<ServiceThread> threads;
    private final boolean external;
    private final ProtocolRegistry registry = new ProtocolRegistry();
    private final ProtocolRegistry.Ranked<org.lws4j.api.Extension> extensions = new ProtocolRegistry.Ranked<>();
    private final List<VhostImpl> vhosts = new CopyOnWriteArrayList<>();
    private final Map<InetSocketAddress, Listener> listeners = new HashMap<>();
    private final Object changes = new Object();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final int maxConnections;
    private final long startMillis = System.currentTimeMillis();
    private final Steps steps;
    private volatile long lastRefusalLog;
    private volatile long lastTlsRefusalLog;
    private volatile org.lws4j.api.TlsProvider tlsProvider;
    private volatile java.nio.file.Path configDir;
    private volatile boolean stopped;

    public ContextImpl(ContextConfig config, LogImpl log) throws IOException {
        this.config = config;
        this.log = log;
        this.external = config.countThreads() == 0;
        int n = Math.max(1, config.countThreads());
        List<ServiceThread> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(new ServiceThread(i, log, config.maxHttpHeaderData(), config.maxHttpHeaderPool()));
        }
        this.threads = Collections.unmodifiableList(l);
        this.maxConnections = computeMaxConnections(config, n);
        this.steps = new Steps(log);
    }

    /** Starts the service threads (none for a context the application drives). */
    public void start() {
        if (!external) {
            for (ServiceThread pt : threads) {
                pt.start("lws4j-service-" + pt.index());
            }
        }
        log.notice("lws4j context: %d service thread(s)%s, up to %d connections", threads.size(),
                external ? " driven by the application" : "", maxConnections);
    }

    /** Closes every connection (WebSockets get 1001), ends every binding, stops the threads. */
    public void stop() {
        synchronized (changes) {
            if (stopped) {
                return;
            }
            stopped = true;
            for (VhostImpl v : new ArrayList<>(vhosts)) {
                removeVhostLocked(v, "context stopping");
            }
        }
        for (ServiceThread pt : threads) {
            pt.stop(5000);
        }
        log.notice("lws4j context stopped");
    }

    private static int computeMaxConnections(ContextConfig cfg, int threads) {
        if (cfg.fdLimitPerThread() > 0) {
            return cfg.fdLimitPerThread() * threads;
        }
        try {
            ObjectName os = new ObjectName("java.lang:type=OperatingSystem");
            long max = ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(os, "MaxFileDescriptorCount")).longValue();
            long inUse = ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(os, "OpenFileDescriptorCount")).longValue();
            // as lws does: what the process may open, minus what is open now, minus room for
            // selectors, listeners, files being served and the application's own
            long room = max - inUse - 32 - 4L * threads;
            return (int) Math.max(16, Math.min(Integer.MAX_VALUE, room));
        } catch (Exception | LinkageError e) {
            return 1024;
        }
    }

    public int maxConnections() {
        return maxConnections;
    }

    // ---- accepting -----------------------------------------------------------------------------

    /** A socket was accepted on {@code l}: give it to the least busy thread, or refuse it. */
    void accepted(SocketChannel ch, Listener l) {
        if (open.incrementAndGet() > maxConnections || stopped) {
            open.decrementAndGet();
            long now = System.nanoTime();
            if (now - lastRefusalLog > 1_000_000_000L) {
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
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            applyKeepalive(ch);
        } catch (IOException e) {
            pt.releaseSlot();
            open.decrementAndGet();
            closeQuietly(ch);
            return;
        }
        org.lws4j.core.loop.Endpoint ep;
        try {
            ep = endpointFor(ch, l);
        } catch (IOException | RuntimeException e) {
            long now = System.nanoTime();
            if (now - lastTlsRefusalLog > 1_000_000_000L) {
                lastTlsRefusalLog = now;
                log.warn("TLS port %s refuses connections: %s", l.address(), e.getMessage());
            }
            pt.releaseSlot();
            open.decrementAndGet();
            closeQuietly(ch);
            return;
        }
        long id = ids.incrementAndGet();
        ServiceThread target = pt;
        Runnable reg = () -> {
            try {
                ConnectionImpl c = new ConnectionImpl(id, target, this, ep);
                c.register(new HttpServerHandler(c, this, l.vhosts()));
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

    /** Plain TCP, or TLS with an engine from the listener's TLS server (refused when there is none). */
    private org.lws4j.core.loop.Endpoint endpointFor(SocketChannel ch, Listener l) throws IOException {
        if (!l.isTls()) {
            return new org.lws4j.core.loop.PlainEndpoint(ch);
        }
        org.lws4j.api.TlsProvider.Server server = l.tlsServer();
        if (server == null) {
            throw new IOException(l.tlsProblem());
        }
        InetSocketAddress peer = (InetSocketAddress) ch.getRemoteAddress();
        return new org.lws4j.core.tls.TlsEndpoint(ch, server.newEngine(peer.getHostString(), peer.getPort()), server);
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

    @Override
    public void connectionClosed(ConnectionImpl c) {
        open.decrementAndGet();
    }

    /** Connections open now, all threads. */
    public int openConnections() {
        return open.get();
    }

    // ---- vhosts --------------------------------------------------------------------------------

    /**
     * Creates a vhost, opens (or joins) its listener and binds the protocols it offers that are
     * registered now. A vhost whose name is taken on its port, or whose listener cannot be
     * opened, is refused with a log line naming its source; nothing else changes.
     */
    public VhostImpl addVhost(VhostConfig vc) {
        synchronized (changes) {
            if (stopped) {
                return null;
            }
            for (VhostImpl v : vhosts) {
                if (v.port() == vc.port() && v.name().equalsIgnoreCase(vc.name())) {
                    log.err("%s: vhost %s: port %d already has a vhost of that name (from %s); skipped",
                            vc.source(), vc.name(), vc.port(), v.config().source());
                    return null;
                }
            }
            VhostImpl v = new VhostImpl(this, vc);
            if (vc.port() > 0) {
                InetSocketAddress addr;
                try {
                    addr = listenAddress(vc.iface(), vc.port());
                } catch (IOException e) {
                    log.err("%s: vhost %s: interface %s: %s", vc.source(), vc.name(), vc.iface(), e.getMessage());
                    return null;
                }
                String err = steps.on(threads.get(0), () -> joinListener(v, addr));
                if (err != null) {
                    log.err("%s: vhost %s: cannot listen on %s: %s", vc.source(), vc.name(), addr, err);
                    return null;
                }
            }
            vhosts.add(v);
            if (v.isSecure()) {
                refreshTlsLocked();
            }
            for (String name : v.protocolNames()) {
                Protocol p = registry.best(name);
                if (p != null) {
                    bindLocked(v, name, p);
                }
            }
            log.notice("vhost %s on port %d (%s): %d mount(s), protocols %s", v.name(), v.port(),
                    vc.source(), vc.mounts().size(), v.protocolNames());
            return v;
        }
    }

    /** Removes the vhost named {@code name} on {@code port}, closing its connections. */
    public boolean removeVhost(String name, int port) {
        synchronized (changes) {
            for (VhostImpl v : vhosts) {
                if (v.port() == port && v.name().equalsIgnoreCase(name)) {
                    removeVhostLocked(v, "vhost removed");
                    return true;
                }
            }
            return false;
        }
    }

    private void removeVhostLocked(VhostImpl v, String why) {
        vhosts.remove(v);
        if (v.port() > 0) {
            steps.on(threads.get(0), () -> leaveListener(v));
            if (v.isSecure()) {
                refreshTlsLocked();
            }
        }
        for (var b : v.bindings()) {
            retireLocked(b);
        }
        steps.onAll(threads, pt -> {
            for (ConnectionImpl c : pt.connections()) {
                if (c.vhostImpl() == v) {
                    c.handler().onShutdown();
                }
            }
        });
        log.notice("vhost %s on port %d removed: %s", v.name(), v.port(), why);
    }

    private String joinListener(VhostImpl v, InetSocketAddress addr) {
        Listener l = listeners.get(addr);
        if (l != null && l.isTls() != v.isSecure()) {
            return "the port already serves " + (l.isTls() ? "TLS" : "plain HTTP") + " for other vhosts";
        }
        if (l == null) {
            try {
                l = new Listener(this, threads.get(0), addr, v.isSecure());
                l.register();
            } catch (IOException e) {
                if (l != null) {
                    l.close();
                }
                return e.getMessage() == null ? e.toString() : e.getMessage();
            }
            listeners.put(addr, l);
            log.notice("listening on %s", addr);
        }
        l.vhosts().add(v);
        return null;
    }

    private String leaveListener(VhostImpl v) {
        for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
            Listener l = it.next().getValue();
            if (l.vhosts().remove(v) && l.vhosts().isEmpty()) {
                l.close();
                it.remove();
                log.notice("stopped listening on %s", l.address());
            }
        }
        return null;
    }

    private static InetSocketAddress listenAddress(String iface, int port) throws IOException {
        if (iface == null || iface.isBlank()) {
            return new InetSocketAddress(port);
        }
        NetworkInterface ni = NetworkInterface.getByName(iface);
        if (ni != null) {
            InetAddress v6 = null;
            for (var e = ni.getInetAddresses(); e.hasMoreElements(); ) {
                InetAddress a = e.nextElement();
                if (a instanceof java.net.Inet4Address) {
                    return new InetSocketAddress(a, port);
                }
                v6 = v6 == null ? a : v6;
            }
            if (v6 != null) {
                return new InetSocketAddress(v6, port);
            }
            throw new IOException("interface " + iface + " has no address");
        }
        return new InetSocketAddress(InetAddress.getByName(iface), port);
    }

    /** The port a vhost listens on (resolves port 0 to the bound one). -1 if not listening. */
    public int boundPort(VhostImpl v) {
        Integer[] port = {-1};
        steps.on(threads.get(0), () -> {
            for (Listener l : listeners.values()) {
                if (l.vhosts().contains(v)) {
                    port[0] = l.boundPort();
                }
            }
            return null;
        });
        return port[0];
    }

    // ---- protocols -----------------------------------------------------------------------------

    /** A protocol service appeared (or changed rank): bind it where it is now the best. */
    public void addProtocol(String name, Protocol p, int ranking, long serviceId) {
        synchronized (changes) {
            registry.add(new ProtocolRegistry.Entry(name, p, ranking, serviceId));
            rebindLocked(name);
        }
    }

    /**
     * A protocol service is going away: its connections are closed on their own threads (the
     * role decides how: 1001, 503, ...), PROTOCOL_DESTROY runs, and only then does this return
     * (each step bounded). Where another service of the name remains, it takes over.
     */
    public void removeProtocol(String name, Protocol p) {
        synchronized (changes) {
            if (registry.remove(name, p)) {
                rebindLocked(name);
            }
        }
    }

    private void rebindLocked(String name) {
        if (stopped) {
            return;
        }
        Protocol best = registry.best(name);
        for (VhostImpl v : vhosts) {
            if (!v.protocolNames().contains(name)) {
                continue;
            }
            var cur = v.binding(name);
            if (cur != null && cur.protocol() == best) {
                continue;
            }
            if (best != null) {
                bindLocked(v, name, best);
            }
            if (cur != null) {
                retireLocked(cur);
            }
        }
    }

    private void bindLocked(VhostImpl v, String name, Protocol p) {
        var b = v.newBinding(name, p);
        Reason init = Reason.PROTOCOL_INIT;
        String refused = steps.on(threads.get(0), () -> b.callVhost(init, null) == org.lws4j.api.Result.CLOSE ? "refused" : null);
        if (refused != null) {
            log.err("protocol %s refused to bind on vhost %s (PROTOCOL_INIT returned CLOSE)", name, v.name());
            return;
        }
        v.install(b);
        log.notice("vhost %s: protocol %s bound", v.name(), name);
    }

    private void retireLocked(org.lws4j.core.vhost.VhostProtocolImpl b) {
        VhostImpl v = b.vhostImpl();
        v.uninstall(b);
        steps.onAll(threads, pt -> {
            for (ConnectionImpl c : b.connectionsOn(pt)) {
                c.handler().onUnbind();
            }
        });
        steps.on(threads.get(0), () -> {
            b.callVhost(Reason.PROTOCOL_DESTROY, null);
            return null;
        });
        log.notice("vhost %s: protocol %s unbound", v.name(), b.name());
    }

    // ---- TLS ---------------------------------------------------------------------------------

    /** Where relative certificate and key paths in vhost options are found. */
    public void setConfigDir(java.nio.file.Path dir) {
        this.configDir = dir;
    }

    /**
     * The TLS provider appeared ({@code p}) or went away (null). TLS listeners get a new server
     * side, or refuse new connections saying why; with the provider gone, TLS connections are
     * closed (WebSockets get 1001). Plain vhosts never notice.
     */
    public void setTlsProvider(org.lws4j.api.TlsProvider p) {
        synchronized (changes) {
            tlsProvider = p;
            refreshTlsLocked();
            if (p == null) {
                steps.onAll(threads, pt -> {
                    for (ConnectionImpl c : pt.connections()) {
                        if (c.isSecure()) {
                            c.handler().onShutdown();
                        }
                    }
                });
            }
        }
    }

    private void refreshTlsLocked() {
        org.lws4j.api.TlsProvider p = tlsProvider;
        List<Listener> tlsListeners = new ArrayList<>();
        steps.on(threads.get(0), () -> {
            for (Listener l : listeners.values()) {
                if (l.isTls()) {
                    tlsListeners.add(l);
                }
            }
            return null;
        });
        for (Listener l : tlsListeners) {
            if (p == null) {
                l.setTls(null, "no TLS provider is installed (the lws4j tls bundle)");
                log.warn("TLS port %s refuses new connections: no TLS provider is installed", l.address());
                continue;
            }
            List<org.lws4j.api.TlsProvider.VhostTls> specs = new ArrayList<>();
            for (VhostImpl v : l.vhosts()) {
                specs.add(new org.lws4j.api.TlsProvider.VhostTls(v.name(), resolvedTlsOptions(v)));
            }
            try {
                l.setTls(p.server(specs), null);
                log.notice("TLS on %s for %s", l.address(), specs.stream().map(org.lws4j.api.TlsProvider.VhostTls::name).toList());
            } catch (org.lws4j.api.TlsConfigException | RuntimeException e) {
                l.setTls(null, e.getMessage());
                log.err("TLS port %s cannot serve: %s", l.address(), e.getMessage());
            }
        }
    }

    /** A vhost's options with relative certificate, key and CA paths made absolute under the config folder. */
    private Map<String, String> resolvedTlsOptions(VhostImpl v) {
        Map<String, String> o = new java.util.LinkedHashMap<>(v.config().options());
        java.nio.file.Path base = configDir;
        for (String k : List.of("host-ssl-cert", "host-ssl-key", "host-ssl-ca")) {
            String path = o.get(k);
            if (path != null && base != null && !java.nio.file.Path.of(path).isAbsolute()) {
                o.put(k, base.resolve(path).toString());
            }
        }
        return o;
    }

    /** The TLS vhost named {@code name} listening somewhere, for plain vhosts that redirect to it. */
    public VhostImpl tlsTwin(String name) {
        for (VhostImpl v : vhosts) {
            if (v.isSecure() && v.name().equalsIgnoreCase(name)) {
                return v;
            }
        }
        return null;
    }

    // ---- extensions ----------------------------------------------------------------------------

    /** An extension service appeared: the next handshakes may negotiate it. */
    public void addExtension(String name, org.lws4j.api.Extension e, int ranking, long serviceId) {
        extensions.add(name, e, ranking, serviceId);
        log.notice("extension %s available", name);
    }

    /**
     * An extension service is going away: it is no longer negotiated, and connections that use
     * it are closed with 1001 on their own threads before this returns (bounded).
     */
    public void removeExtension(String name, org.lws4j.api.Extension e) {
        if (!extensions.remove(name, e)) {
            return;
        }
        steps.onAll(threads, pt -> {
            for (ConnectionImpl c : pt.connections()) {
                if (c.handler() instanceof org.lws4j.core.ws.WsHandler
                        && ((org.lws4j.core.ws.WsHandler) c.handler()).uses(e)) {
                    c.handler().onUnbind();
                }
            }
        });
        log.notice("extension %s gone", name);
    }

    @Override
    public org.lws4j.api.Extension extension(String name) {
        return extensions.best(name);
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
                    for (var b : v.bindings()) {
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

    public long startMillis() {
        return startMillis;
    }

    @Override
    public String toString() {
        return "lws4j context (" + threads.size() + " threads, " + vhosts.size() + " vhosts)";
    }

    /** For tests and tools: the protocol name a service is registered under. */
    String protocolNameOf(Protocol p) {
        return Objects.requireNonNullElse(registry.nameOf(p), "");
    }
}
