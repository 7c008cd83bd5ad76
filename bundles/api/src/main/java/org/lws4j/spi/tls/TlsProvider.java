package org.lws4j.spi.tls;

import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLEngine;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Makes TLS engines for the core: the server side of every TLS listener and the client side of
 * TLS clients. Registered as an OSGi service by the TLS bundle; the highest-ranked one is used.
 * When it appears, TLS listeners start serving; when it goes away, they refuse new connections
 * (with a log line saying why) and their connections are closed; plain vhosts never notice.
 *
 * <p>The engines are driven by the core inside the service loop (no thread per connection).
 * Called on service threads and the thread that changes config; must be thread-safe.
 */
@ConsumerType
public interface TlsProvider {

    /** The TLS settings of one vhost: its name and every config option of it ("host-ssl-cert", ...). */
    @ProviderType
    record VhostTls(String name, Map<String, String> options) {
    }

    /**
     * The server side of one listener, serving {@code vhosts} (at least one): certificates are
     * chosen by SNI (exact name, then wildcard, then the first vhost), as Host headers are.
     *
     * @throws TlsConfigException naming the vhost and option at fault
     */
    Server server(List<VhostTls> vhosts) throws TlsConfigException;

    /**
     * The client side, for connections a vhost opens.
     *
     * @param options the client's TLS options: "ca" (a PEM file) or the JDK trust store when
     *     absent, "allow-self-signed", "skip-host-check", "ssl-cipher-list"
     */
    Client client(Map<String, String> options) throws TlsConfigException;

    /** Server engines for one listener. */
    @ConsumerType
    interface Server {
        /** A server-mode engine for a connection from {@code peerHost}:{@code peerPort}. */
        SSLEngine newEngine(String peerHost, int peerPort);

        /** After the handshake: the vhost whose certificate was chosen, by name. */
        String vhostFor(SSLEngine engine);
    }

    /** Client engines. */
    @ConsumerType
    interface Client {
        /** A client-mode engine for {@code host}:{@code port} (SNI and host check use {@code host}). */
        SSLEngine newEngine(String host, int port);
    }
}
