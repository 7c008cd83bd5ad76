package org.lws4j.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import org.bouncycastle.jsse.BCSSLEngine;
import org.bouncycastle.jsse.BCSSLParameters;
import org.lws4j.spi.tls.TlsProvider;

/**
 * The server side of one listener: one BCJSSE context whose key manager picks each handshake's
 * certificate by SNI ({@link SniKeyManager}) among the listener's vhosts.
 *
 * <p>As in lws (where the SNI callback swaps the certificate and the client-certificate rules
 * of the connection, nothing else), the protocol versions, cipher suites, curves and ALPN of a
 * listener are those of its first vhost; the certificate and whether a client certificate is
 * required follow the vhost SNI picked. A client certificate is verified against the CA of the
 * vhost SNI picked. BCJSSE settles whether to ask for a client certificate before SNI is seen:
 * when every vhost of the listener requires one, it is required in the handshake; when only some
 * do, every client is asked for one, and {@link ServerEngine} refuses the connection at the end of
 * the handshake when the vhost requires one and none came.
 *
 * <p>Thread-safe: engines are made on service threads; the context and settings are immutable.
 */
final class TlsServer implements TlsProvider.Server {
    private final List<ServerSettings> vhosts;
    private final List<String> names;
    private final SniKeyManager keys;
    private final SSLContext ctx;
    private final boolean anyClientAuth;
    private final boolean allClientAuth;

    TlsServer(List<ServerSettings> vhosts, Provider jsse, SecureRandom random) throws GeneralSecurityException {
        this.vhosts = List.copyOf(vhosts);
        this.names = this.vhosts.stream().map(ServerSettings::name).toList();
        this.anyClientAuth = this.vhosts.stream().anyMatch(ServerSettings::needClientAuth);
        this.allClientAuth = this.vhosts.stream().allMatch(ServerSettings::needClientAuth);
        this.keys = new SniKeyManager(this.vhosts);
        this.ctx = SSLContext.getInstance("TLS", jsse);
        // always our trust manager: never the provider's default, which would load the JDK's CA store
        ctx.init(new KeyManager[] {keys}, new TrustManager[] {new ClientCas(jsse)}, random);
    }

    @Override
    public SSLEngine newEngine(String peerHost, int peerPort) {
        SSLEngine e = ctx.createSSLEngine(peerHost, peerPort);
        e.setUseClientMode(false);
        ServerEngine engine = new ServerEngine(e, peerHost, peerPort, this::checkClientCertificate);
        ServerSettings first = vhosts.get(0);
        BCSSLEngine bc = (BCSSLEngine) e;
        BCSSLParameters p = bc.getParameters();
        p.setProtocols(first.suites().protocols());
        p.setCipherSuites(first.suites().suites());
        p.setUseCipherSuitesOrder(true); // the server's order, as lws sets SSL_OP_CIPHER_SERVER_PREFERENCE
        if (first.namedGroups() != null) {
            p.setNamedGroups(first.namedGroups());
            p.setUseNamedGroupsOrder(true);
        }
        if (first.alpn().length > 0) {
            p.setApplicationProtocols(first.alpn());
        }
        if (allClientAuth) {
            p.setNeedClientAuth(true);
        } else if (anyClientAuth) {
            p.setWantClientAuth(true); // asked before SNI is known; checkClientCertificate decides
        }
        p.setSNIMatchers(List.of(engine.matcher()));
        bc.setParameters(p);
        return engine;
    }

    @Override
    public String vhostFor(SSLEngine engine) {
        if (engine instanceof ServerEngine) {
            return names.get(SniSelector.select(names, ((ServerEngine) engine).sniName()));
        }
        return names.get(keys.select(engine.getSession()));
    }

    /**
     * When the handshake is over: a vhost that requires a client certificate, on a listener where
     * others do not (so the provider only asked for one), refuses a connection that sent none.
     */
    private void checkClientCertificate(ServerEngine engine) throws SSLException {
        if (!anyClientAuth || allClientAuth) {
            return;
        }
        ServerSettings v = vhosts.get(SniSelector.select(names, engine.sniName()));
        if (!v.needClientAuth()) {
            return;
        }
        try {
            engine.bcEngine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException none) {
            throw new SSLHandshakeException("vhost " + v.name() + " requires a client certificate");
        }
    }

    /**
     * Verifies client certificates against the CA of the vhost SNI picked; offers the CA names of
     * every vhost on the listener (the provider asks for them before it knows the vhost). A
     * certificate sent to a vhost that takes none is not looked at.
     */
    private final class ClientCas extends X509ExtendedTrustManager {
        private final List<X509TrustManager> perVhost = new ArrayList<>();
        private final X509Certificate[] issuers;

        ClientCas(Provider jsse) throws GeneralSecurityException {
            Set<X509Certificate> all = new LinkedHashSet<>();
            for (ServerSettings v : vhosts) {
                perVhost.add(v.clientCas().isEmpty() ? null : pkix(v.clientCas(), jsse));
                all.addAll(v.clientCas());
            }
            this.issuers = all.toArray(new X509Certificate[0]);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            X509TrustManager tm = perVhost.get(keys.select(engine.getHandshakeSession()));
            if (tm == null) {
                return; // the vhost does not use client certificates: nothing to verify
            }
            if (tm instanceof X509ExtendedTrustManager) {
                ((X509ExtendedTrustManager) tm).checkClientTrusted(chain, authType, engine);
            } else {
                tm.checkClientTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            X509TrustManager tm = perVhost.get(0);
            if (tm == null) {
                throw new CertificateException("this vhost does not take client certificates");
            }
            tm.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a server does not check server certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a server does not check server certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server does not check server certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return issuers.clone();
        }
    }

    /** A PKIX trust manager of the JSSE provider trusting exactly {@code cas}. */
    static X509TrustManager pkix(List<X509Certificate> cas, Provider jsse) throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (X509Certificate c : cas) {
            ks.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX", jsse);
        f.init(ks);
        for (TrustManager t : f.getTrustManagers()) {
            if (t instanceof X509TrustManager) {
                return (X509TrustManager) t;
            }
        }
        throw new GeneralSecurityException("the JSSE provider made no X.509 trust manager");
    }
}
