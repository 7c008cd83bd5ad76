package org.lws4j.core.context;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lws4j.api.Log;
import org.lws4j.spi.tls.TlsConfigException;
import org.lws4j.spi.tls.TlsProvider;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.vhost.VhostImpl;

/**
 * The listen sockets, one per address and port however many vhosts share it, owned by service
 * thread 0; and for TLS ports, their server side from the TLS provider, rebuilt whenever the
 * provider or the port's vhosts change. Called with the context's change lock held.
 */
final class ListenerTable {
    private static final String NO_PROVIDER = "no TLS provider is installed (the lws4j tls bundle)";

    private final ContextImpl ctx;
    private final ServiceThread pt0;
    private final Steps steps;
    private final Log log;
    /** Touched on thread 0 only. */
    private final Map<InetSocketAddress, Listener> listeners = new HashMap<>();
    private volatile TlsProvider tlsProvider;
    private volatile Path configDir;
    /** Whether listeners accept connections; false while the server holds them at start. */
    private volatile boolean accepting = true;

    ListenerTable(ContextImpl ctx, ServiceThread pt0, Steps steps, Log log) {
        this.ctx = ctx;
        this.pt0 = pt0;
        this.steps = steps;
        this.log = log;
    }

    /** Opens or joins the listener for {@code v}; null when listening, else why not. */
    String join(VhostImpl v) {
        InetSocketAddress addr;
        try {
            addr = listenAddress(v.iface(), v.port());
        } catch (IOException e) {
            return "interface " + v.iface() + ": " + e.getMessage();
        }
        String err = steps.on(pt0, () -> joinOnThread(v, addr));
        return err == null ? null : "cannot listen on " + addr + ": " + err;
    }

    void leave(VhostImpl v) {
        steps.on(pt0, () -> {
            leaveOnThread(v);
            return null;
        });
    }

    /**
     * Puts {@code next} where {@code old} is served, as one change: on the same address and port the
     * listener is kept and {@code next} takes {@code old}'s place in it (a TLS port gets a server side
     * for its new vhost list first); on another address {@code next} listens before {@code old}
     * stops. Null when done; else why not, and nothing has changed: {@code old} still serves.
     */
    String swap(VhostImpl old, VhostImpl next) {
        InetSocketAddress addr;
        try {
            addr = listenAddress(next.iface(), next.port());
        } catch (IOException e) {
            return "interface " + next.iface() + ": " + e.getMessage();
        }
        String err = steps.on(pt0, () -> {
            Listener l = listeners.get(addr);
            int at = l == null ? -1 : l.vhosts().indexOf(old);
            if (at < 0 || l.isTls() != next.isSecure()) {
                String e = joinOnThread(next, addr);
                if (e == null) {
                    leaveOnThread(old);
                }
                return e;
            }
            List<VhostImpl> after = new ArrayList<>(l.vhosts());
            after.set(at, next);
            String tlsErr = l.isTls() ? tlsFor(l, after) : null;
            if (tlsErr != null) {
                return tlsErr;
            }
            l.vhosts().set(at, next);
            return null;
        });
        return err == null ? null : "cannot listen on " + addr + ": " + err;
    }

    private String joinOnThread(VhostImpl v, InetSocketAddress addr) {
        Listener l = listeners.get(addr);
        if (l != null && l.isTls() != v.isSecure()) {
            return "the port already serves " + (l.isTls() ? "TLS" : "plain HTTP") + " for other vhosts";
        }
        if (l != null) {
            if (l.isTls()) {
                List<VhostImpl> after = new ArrayList<>(l.vhosts());
                after.add(v);
                String tlsErr = tlsFor(l, after);
                if (tlsErr != null) {
                    return tlsErr;
                }
            }
            l.vhosts().add(v);
            return null;
        }
        try {
            l = new Listener(ctx, pt0, addr, v.isSecure());
        } catch (IOException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
        if (l.isTls()) {
            String tlsErr = tlsFor(l, List.of(v));
            if (tlsErr != null) {
                l.close();
                return tlsErr;
            }
        }
        try {
            l.register(accepting);
        } catch (IOException e) {
            l.close();
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
        l.vhosts().add(v);
        listeners.put(addr, l);
        log.notice("listening on %s%s", addr, l.isTls() ? " (TLS)" : "");
        if (l.isTls() && tlsProvider == null) {
            log.notice("TLS port %s waits for a TLS provider (the lws4j tls bundle)", addr);
        }
        return null;
    }

    private void leaveOnThread(VhostImpl v) {
        for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
            Listener l = it.next().getValue();
            if (!l.vhosts().remove(v)) {
                continue;
            }
            if (l.vhosts().isEmpty()) {
                l.close();
                it.remove();
                log.notice("stopped listening on %s", l.address());
            } else if (l.isTls()) {
                String err = tlsFor(l, l.vhosts());
                if (err != null) {
                    log.err("TLS port %s cannot serve: %s", l.address(), err);
                }
            }
        }
    }

    /**
     * Starts accepting on every listener, and on those opened from now on. Until then listeners
     * are bound (so a vhost that cannot have its port is refused at once) but accept nothing:
     * connections wait in the kernel's backlog until the server is ready. On thread 0.
     */
    boolean startAccepting() {
        Boolean changed = steps.on(pt0, () -> {
            if (accepting) {
                return false;
            }
            accepting = true;
            for (Listener l : listeners.values()) {
                l.acceptNow();
            }
            return true;
        });
        return Boolean.TRUE.equals(changed);
    }

    /** Listeners opened from now on accept nothing until {@link #startAccepting()}. */
    void holdAccepting() {
        steps.on(pt0, () -> {
            accepting = false;
            return null;
        });
    }

    /** Every address listened on now, with "(TLS)" after TLS ones. */
    List<String> listening() {
        List<String> l = steps.on(pt0, () -> {
            List<String> out = new ArrayList<>();
            for (Listener x : listeners.values()) {
                out.add(x.address().getHostString() + ":" + x.boundPort() + (x.isTls() ? " (TLS)" : ""));
            }
            return out;
        });
        return l == null ? List.of() : l;
    }

    /** The port {@code v} listens on, or -1 when it does not listen. */
    int boundPort(VhostImpl v) {
        Integer port = steps.on(pt0, () -> {
            for (Listener l : listeners.values()) {
                if (l.vhosts().contains(v)) {
                    return l.boundPort();
                }
            }
            return -1;
        });
        return port == null ? -1 : port;
    }

    private static InetSocketAddress listenAddress(String iface, int port) throws IOException {
        if (iface == null || iface.isBlank()) {
            return new InetSocketAddress(port);
        }
        NetworkInterface ni = NetworkInterface.getByName(iface);
        if (ni == null) {
            return new InetSocketAddress(InetAddress.getByName(iface), port);
        }
        InetAddress v6 = null;
        for (var e = ni.getInetAddresses(); e.hasMoreElements(); ) {
            InetAddress a = e.nextElement();
            if (a instanceof Inet4Address) {
                return new InetSocketAddress(a, port);
            }
            v6 = v6 == null ? a : v6;
        }
        if (v6 == null) {
            throw new IOException("interface " + iface + " has no address");
        }
        return new InetSocketAddress(v6, port);
    }

    // ---- TLS ---------------------------------------------------------------------------------

    void setConfigDir(Path dir) {
        configDir = dir;
    }

    TlsProvider tlsProvider() {
        return tlsProvider;
    }

    void setTlsProvider(TlsProvider p) {
        tlsProvider = p;
        steps.on(pt0, () -> {
            for (Listener l : listeners.values()) {
                if (!l.isTls()) {
                    continue;
                }
                if (p == null) {
                    boolean hadOne = l.tlsServer() != null;
                    l.setTls(null, NO_PROVIDER);
                    if (hadOne) {
                        log.warn("TLS port %s refuses new connections: %s", l.address(), NO_PROVIDER);
                    } else {
                        log.notice("TLS port %s waits for a TLS provider (the lws4j tls bundle)", l.address());
                    }
                    continue;
                }
                String err = tlsFor(l, l.vhosts(), p);
                if (err != null) {
                    // never keep a server side made by a provider that is gone
                    l.setTls(null, err);
                    log.err("TLS port %s cannot serve: %s", l.address(), err);
                }
            }
            return null;
        });
    }

    /**
     * Gives TLS listener {@code l} a server side for {@code vhosts} from the provider: null when
     * done, or when there is no provider (the port then waits for one, and says why to whoever
     * connects); else why the provider refused, and {@code l} keeps the server side it had,
     * except with no provider at all.
     */
    private String tlsFor(Listener l, List<VhostImpl> vhosts) {
        return tlsFor(l, vhosts, tlsProvider);
    }

    private String tlsFor(Listener l, List<VhostImpl> vhosts, TlsProvider p) {
        if (p == null) {
            l.setTls(null, NO_PROVIDER);
            return null;
        }
        List<TlsProvider.VhostTls> specs = new ArrayList<>();
        for (VhostImpl v : vhosts) {
            specs.add(new TlsProvider.VhostTls(v.name(), resolvedTlsOptions(v)));
        }
        try {
            l.setTls(p.server(specs), null);
            log.notice("TLS on %s for %s", l.address(), specs.stream().map(TlsProvider.VhostTls::name).toList());
            return null;
        } catch (TlsConfigException | RuntimeException e) {
            if (l.tlsServer() == null) {
                l.setTls(null, e.getMessage());
            }
            return "TLS: " + e.getMessage();
        }
    }

    /** A vhost's options with relative certificate, key and CA paths made absolute under the config folder. */
    private Map<String, String> resolvedTlsOptions(VhostImpl v) {
        Map<String, String> o = new LinkedHashMap<>(v.config().options());
        Path base = configDir;
        for (String k : List.of("host-ssl-cert", "host-ssl-key", "host-ssl-ca")) {
            String path = o.get(k);
            if (path != null && base != null && !Path.of(path).isAbsolute()) {
                o.put(k, base.resolve(path).toString());
            }
        }
        return o;
    }
}
