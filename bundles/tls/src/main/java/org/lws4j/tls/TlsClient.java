package org.lws4j.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import org.bouncycastle.jsse.BCSNIHostName;
import org.bouncycastle.jsse.BCSSLEngine;
import org.bouncycastle.jsse.BCSSLParameters;
import org.lws4j.spi.tls.TlsConfigException;
import org.lws4j.spi.tls.TlsProvider;

/**
 * Client engines, from the client's options:
 *
 * <ul>
 * <li>{@code ca}: a PEM file of the CA certificates to trust; absent, the JDK's trust store;
 * <li>{@code allow-self-signed} ("1"): also accept a chain that ends in a self-signed
 *     certificate nobody trusts (lws's LCCSCF_ALLOW_SELFSIGNED); dates and host name are still
 *     checked;
 * <li>{@code skip-host-check} ("1"): do not check that the certificate names the host
 *     (LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK);
 * <li>{@code cert}, {@code key}, {@code passphrase}: a client certificate to offer;
 * <li>{@code alpn}: application protocols to offer, comma-separated, in preference order (the
 *     core asks for {@code h2,http/1.1} when an HTTP client may speak HTTP/2); none when absent;
 * <li>{@code ssl-cipher-list}, {@code tls13-ciphers}, {@code ecdh-curve}: as for servers;
 *     without a cipher list the provider's defaults (TLS 1.3 and 1.2 only).
 * </ul>
 *
 * Every engine sends SNI for a host name (not for an address literal). Thread-safe.
 */
final class TlsClient implements TlsProvider.Client {
    static final String CA = "ca";
    static final String ALLOW_SELF_SIGNED = "allow-self-signed";
    static final String SKIP_HOST_CHECK = "skip-host-check";
    static final String CERT = "cert";
    static final String KEY = "key";
    static final String PASSPHRASE = "passphrase";

    private final SSLContext ctx;
    private final SuiteSelection.Result suites;
    private final String[] groups;
    private final boolean hostCheck;
    private final String[] alpn;

    TlsClient(Map<String, String> o, Provider jsse, PemFiles pem, CipherTable table, java.util.Set<String> supported,
            List<String> defaults, SecureRandom random) throws TlsConfigException {
        this.suites = SuiteSelection.resolve(null, o, table, supported, defaults, false);
        this.groups = NamedGroups.parse(null, o.get(NamedGroups.OPTION));
        this.hostCheck = !ServerSettings.isTrue(o.get(SKIP_HOST_CHECK));
        String a = o.getOrDefault(ServerSettings.ALPN, "").trim();
        this.alpn = a.isEmpty() ? new String[0] : a.split("\\s*,\\s*");
        try {
            X509TrustManager trust;
            if (o.get(CA) != null && !o.get(CA).isBlank()) {
                trust = TlsServer.pkix(pem.certificates(Path.of(o.get(CA).trim()), null, CA), jsse);
            } else {
                TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX", jsse);
                f.init((KeyStore) null);
                trust = (X509TrustManager) f.getTrustManagers()[0];
            }
            if (ServerSettings.isTrue(o.get(ALLOW_SELF_SIGNED))) {
                trust = new SelfSignedToo(trust, jsse);
            }
            KeyManager[] km = null;
            if (o.get(CERT) != null && !o.get(CERT).isBlank()) {
                km = new KeyManager[] {clientKey(o, pem)};
            }
            ctx = SSLContext.getInstance("TLS", jsse);
            ctx.init(km, new TrustManager[] {trust}, random);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsConfigException(null, CA, "cannot set up client trust: " + PemFiles.describe(e), e);
        }
    }

    /** The suites a client offers, in order. */
    String[] suites() {
        return suites.suites().clone();
    }

    List<CipherList.Note> notes() {
        return suites.notes();
    }

    @Override
    public SSLEngine newEngine(String host, int port) {
        SSLEngine e = ctx.createSSLEngine(host, port);
        e.setUseClientMode(true);
        BCSSLEngine bc = (BCSSLEngine) e;
        BCSSLParameters p = bc.getParameters();
        p.setProtocols(suites.protocols());
        p.setCipherSuites(suites.suites());
        if (groups != null) {
            p.setNamedGroups(groups);
        }
        if (hostCheck) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (alpn.length > 0) {
            p.setApplicationProtocols(alpn);
        }
        if (host != null && !isAddressLiteral(host)) {
            try {
                p.setServerNames(List.of(new BCSNIHostName(host)));
            } catch (IllegalArgumentException notAHostName) {
                // an odd name (underscores...): no SNI, the host check still applies
            }
        }
        bc.setParameters(p);
        return e;
    }

    static boolean isAddressLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    private static X509ExtendedKeyManager clientKey(Map<String, String> o, PemFiles pem) throws TlsConfigException {
        Path certFile = Path.of(o.get(CERT).trim());
        List<X509Certificate> chain = pem.certificates(certFile, null, CERT);
        Path keyFile = o.get(KEY) == null || o.get(KEY).isBlank() ? certFile : Path.of(o.get(KEY).trim());
        char[] pass = o.containsKey(PASSPHRASE) ? o.get(PASSPHRASE).toCharArray() : null;
        PrivateKey key = pem.privateKey(keyFile, pass, null, o.get(KEY) == null ? CERT : KEY, PASSPHRASE);
        pem.checkPair(key, chain.get(0), null, KEY);
        X509Certificate[] c = chain.toArray(new X509Certificate[0]);
        return new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {"client"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "client";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return "client";
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return c.clone();
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return key;
            }
        };
    }

    /**
     * The configured trust, and failing that a chain ending in a self-signed certificate, checked
     * by a trust manager that trusts that certificate alone (so dates and the host name are still
     * checked the provider's way).
     */
    private static final class SelfSignedToo extends X509ExtendedTrustManager {
        private final X509TrustManager trust;
        private final Provider jsse;

        SelfSignedToo(X509TrustManager trust, Provider jsse) {
            this.trust = trust;
            this.jsse = jsse;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            try {
                if (trust instanceof X509ExtendedTrustManager) {
                    ((X509ExtendedTrustManager) trust).checkServerTrusted(chain, authType, engine);
                } else {
                    trust.checkServerTrusted(chain, authType);
                }
            } catch (CertificateException e) {
                X509TrustManager own = selfSigned(chain, e);
                if (own instanceof X509ExtendedTrustManager) {
                    ((X509ExtendedTrustManager) own).checkServerTrusted(chain, authType, engine);
                } else {
                    own.checkServerTrusted(chain, authType);
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                trust.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                selfSigned(chain, e).checkServerTrusted(chain, authType);
            }
        }

        private X509TrustManager selfSigned(X509Certificate[] chain, CertificateException e) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw e;
            }
            X509Certificate root = chain[chain.length - 1];
            if (!root.getSubjectX500Principal().equals(root.getIssuerX500Principal())) {
                throw e;
            }
            try {
                root.verify(root.getPublicKey());
                for (X509Certificate c : chain) {
                    c.checkValidity(); // a trust anchor's dates are never checked by PKIX: do it here
                }
                return TlsServer.pkix(List.of(root), jsse);
            } catch (GeneralSecurityException notSelfSigned) {
                throw e;
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust.getAcceptedIssuers();
        }
    }
}
