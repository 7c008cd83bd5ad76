package org.lws4j.core.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.lws4j.api.ClientConnectInfo;
import org.lws4j.api.Connection;
import org.lws4j.spi.tls.TlsConfigException;
import org.lws4j.spi.tls.TlsProvider;
import org.lws4j.core.http.HttpHost;
import org.lws4j.core.conn.ConnectionHost;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.Endpoint;
import org.lws4j.core.loop.PlainEndpoint;
import org.lws4j.core.conn.RoleHandler;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.raw.RawHandler;
import org.lws4j.core.raw.StreamBridgeEndpoint;
import org.lws4j.core.tls.TlsEndpoint;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.core.vhost.VhostProtocolImpl;

/**
 * Opens client connections and adopts foreign channels and streams. A client handle is made at
 * once on the caller's thread and returned; names are resolved on a resolver thread (a service
 * thread never waits for DNS), and the connect, handshake and every callback then happen on the
 * handle's service thread. Thread-safe.
 */
public final class ClientConnector {
    /** What the connector needs of the context. */
    public interface Host extends ConnectionHost, HttpHost {
        java.util.List<ServiceThread> threads();

        VhostImpl vhostImpl(String name);

        TlsProvider tlsProvider();

        /** A new connection id, counted against the connection limit; -1 when the limit is reached. */
        long newConnection();
    }

    private final Host host;
    private final ExecutorService resolver;
    private final Map<Map<String, String>, TlsProvider.Client> tlsClients = new ConcurrentHashMap<>();
    private volatile TlsProvider tlsClientsOf;

    public ClientConnector(Host host) {
        this.host = host;
        AtomicInteger n = new AtomicInteger();
        this.resolver = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "lws4j-resolver-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public void stop() {
        resolver.shutdownNow();
    }

    public Connection connect(ClientConnectInfo info) {
        VhostImpl v = vhostFor(info.vhost());
        String proto = info.localProtocol();
        if (proto == null) {
            throw new IllegalArgumentException("no local protocol: set ClientConnectInfo.localProtocol (or protocols for a WebSocket)");
        }
        VhostProtocolImpl binding = v.binding(proto);
        if (binding == null) {
            throw new IllegalArgumentException("protocol " + proto + " is not bound on vhost " + v.name()
                    + " (list it in the vhost's ws-protocols and install it)");
        }
        long id = host.newConnection();
        if (id < 0) {
            throw new IllegalStateException("connection limit reached");
        }
        SocketChannel ch;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            host.connectionClosed(null);
            throw new IllegalStateException("cannot open a socket: " + e.getMessage(), e);
        }
        ServiceThread pt = leastLoaded();
        String tlsProblem = null;
        Endpoint ep;
        if (info.tls()) {
            TlsProvider.Client tc = null;
            try {
                tc = tlsClient(info);
            } catch (TlsConfigException | RuntimeException e) {
                tlsProblem = "TLS client: " + e.getMessage();
            }
            ep = tc == null ? new PlainEndpoint(ch) : new TlsEndpoint(ch, tc.newEngine(info.host(), info.port()), null);
            if (tc == null && tlsProblem == null) {
                tlsProblem = "no TLS provider is installed (the lws4j tls bundle)";
            }
            if (tc != null && alpn(info).startsWith("h2")) {
                ep = new H2ClientEndpoint(ep, info, false); // HTTP/2 if the server picks it
            }
        } else {
            ep = new PlainEndpoint(ch);
            if (!info.isRaw() && ClientConnectInfo.HTTP_2.equals(info.httpVersion())) {
                ep = new H2ClientEndpoint(ep, info, true); // h2c with prior knowledge
            }
        }
        ConnectionImpl c = new ConnectionImpl(id, pt, host, ep, true, InetSocketAddress.createUnresolved(info.address(), info.port()));
        RoleHandler h = info.isWebSocket() ? new WsClientHandshake(c, info, host)
                : info.isRaw() ? new RawHandler(c, false, true) : new HttpClientHandler(c, info, host);
        String problem = tlsProblem;
        resolve(info.address(), (addr, err) -> pt.execute(() -> {
            c.setVhost(v);
            c.bindProtocol(binding);
            if (problem != null || err != null) {
                c.failBeforeConnect(h, problem != null ? problem : err);
                return;
            }
            try {
                boolean done = ch.connect(new InetSocketAddress(addr, info.port()));
                c.registerConnecting(h, done);
                if (!done) {
                    c.setRoleDeadline(TimeUnit.MILLISECONDS.toNanos(info.connectTimeoutMillis()));
                }
            } catch (IOException | RuntimeException e) {
                c.failBeforeConnect(h, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }));
        return c;
    }

    /** Adopts a channel the application opened: raw socket, or raw file for other channels. */
    public Connection adopt(SelectableChannel ch, String vhost, String protocol) {
        VhostImpl v = vhostFor(vhost);
        return adopt(ch, v, bound(v, protocol));
    }

    /** Adopts a channel onto {@code binding} of {@code v} (also before the binding is visible). */
    public Connection adopt(SelectableChannel ch, VhostImpl v, VhostProtocolImpl binding) {
        boolean socket = ch instanceof SocketChannel;
        try {
            ch.configureBlocking(false);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot make the channel non-blocking: " + e.getMessage(), e);
        }
        return adoptEndpoint(new PlainEndpoint(ch), !socket, v, binding);
    }

    /** Adopts a stream pair through a bridge: raw file callbacks on the service thread. */
    public Connection adoptStream(InputStream in, OutputStream out, String vhost, String protocol) {
        VhostImpl v = vhostFor(vhost);
        return adoptStream(in, out, v, bound(v, protocol));
    }

    /** Adopts a stream pair onto {@code binding} of {@code v} (also before the binding is visible). */
    public Connection adoptStream(InputStream in, OutputStream out, VhostImpl v, VhostProtocolImpl binding) {
        StreamBridgeEndpoint ep;
        try {
            ep = new StreamBridgeEndpoint(in, out, binding.name());
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a pipe: " + e.getMessage(), e);
        }
        ConnectionImpl c = adoptEndpoint(ep, true, v, binding);
        ep.setWake(() -> c.execute(c::writableFromBridge));
        return c;
    }

    private VhostProtocolImpl bound(VhostImpl v, String protocol) {
        VhostProtocolImpl binding = v.binding(protocol);
        if (binding == null) {
            throw new IllegalArgumentException("protocol " + protocol + " is not bound on vhost " + v.name());
        }
        return binding;
    }

    private ConnectionImpl adoptEndpoint(Endpoint ep, boolean file, VhostImpl v, VhostProtocolImpl binding) {
        long id = host.newConnection();
        if (id < 0) {
            throw new IllegalStateException("connection limit reached");
        }
        ServiceThread pt = leastLoaded();
        ConnectionImpl c = new ConnectionImpl(id, pt, host, ep);
        pt.execute(() -> {
            c.setVhost(v);
            c.bindProtocol(binding);
            try {
                c.register(new RawHandler(c, file, false));
            } catch (IOException | RuntimeException e) {
                host.log().warn("could not adopt %s: %s", c, e);
                c.closeNow("adoption failed: " + e);
            }
        });
        return c;
    }

    private VhostImpl vhostFor(String name) {
        VhostImpl v = host.vhostImpl(name);
        if (v == null) {
            throw new IllegalArgumentException(name == null ? "the context has no vhost (add one; port 0 for client use only)"
                    : "no vhost named " + name);
        }
        return v;
    }

    private ServiceThread leastLoaded() {
        ServiceThread best = host.threads().get(0);
        for (ServiceThread t : host.threads()) {
            if (t.connectionCount() < best.connectionCount()) {
                best = t;
            }
        }
        best.reserveSlot();
        return best;
    }

    private interface Resolved {
        void done(InetAddress addr, String error);
    }

    private void resolve(String name, Resolved then) {
        if (isLiteral(name)) {
            try {
                then.done(InetAddress.getByName(name), null); // a literal: no lookup, no wait
            } catch (IOException e) {
                then.done(null, "bad address " + name);
            }
            return;
        }
        resolver.execute(() -> {
            try {
                then.done(InetAddress.getByName(name), null);
            } catch (IOException e) {
                then.done(null, "cannot resolve " + name);
            }
        });
    }

    private static boolean isLiteral(String s) {
        return s.matches("[0-9.]+") || s.indexOf(':') >= 0;
    }

    /**
     * What a TLS client offers by ALPN: {@code h2,http/1.1} for HTTP unless HTTP/1.1 is asked for,
     * and for a WebSocket when HTTP/2 is asked for (RFC 8441); {@code http/1.1} otherwise; nothing
     * for a raw socket.
     */
    static String alpn(ClientConnectInfo info) {
        if (info.isRaw()) {
            return "";
        }
        String v = info.httpVersion();
        boolean h2 = v == null ? !info.isWebSocket() : v.equals(ClientConnectInfo.HTTP_2);
        return h2 ? "h2,http/1.1" : "http/1.1";
    }

    private TlsProvider.Client tlsClient(ClientConnectInfo info) throws TlsConfigException {
        TlsProvider p = host.tlsProvider();
        if (p == null) {
            return null;
        }
        if (p != tlsClientsOf) {
            tlsClients.clear();
            tlsClientsOf = p;
        }
        Map<String, String> o = new java.util.TreeMap<>();
        if (info.caFile() != null) {
            o.put("ca", info.caFile());
        }
        if (info.allowSelfSigned()) {
            o.put("allow-self-signed", "1");
        }
        if (info.skipHostCheck()) {
            o.put("skip-host-check", "1");
        }
        if (!alpn(info).isEmpty()) {
            o.put("alpn", alpn(info));
        }
        TlsProvider.Client c = tlsClients.get(o);
        if (c == null) {
            c = p.client(o);
            tlsClients.put(o, c);
        }
        return c;
    }
}
