package org.lws4j.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.spi.tls.TlsProvider;
import org.lws4j.spi.tls.TlsProvider.VhostTls;
import org.lws4j.tls.TestPki.KeyForm;

/**
 * Handshakes between engines of the provider in memory: SNI among three vhosts sharing a
 * listener (EC and RSA certificates), TLS 1.3 and 1.2, cipher lists, curves, ALPN and client
 * certificates.
 */
class ServerHandshakeTest {
    @TempDir
    static Path dir;
    static RecordingLog log = new RecordingLog();
    static BcTlsProvider provider;
    static TestPki.Issued ca;
    static Path caFile;
    static Map<String, Map<String, String>> vhosts = new HashMap<>();

    @BeforeAll
    static void pki() throws Exception {
        provider = new BcTlsProvider(log);
        ca = TestPki.ca("lws4j test CA");
        caFile = TestPki.writeCerts(dir.resolve("ca.pem"), ca.chain());
        vhost("a.example", TestPki.leaf("a.example", TestPki.ec(), ca), KeyForm.SEC1_WITH_PARAMETERS);
        vhost("b.example", TestPki.leaf("b.example", TestPki.rsa(), ca), KeyForm.PKCS1_OR_SEC1);
        vhost("abc.com", TestPki.leaf("abc.com", TestPki.ec(), ca), KeyForm.PKCS8);
    }

    @AfterAll
    static void close() {
        provider.deactivate();
    }

    static void vhost(String name, TestPki.Issued id, KeyForm form) throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("host-ssl-cert", TestPki.writeCerts(dir.resolve(name + ".crt"), id.chain()).toString());
        o.put("host-ssl-key", TestPki.writeKey(dir.resolve(name + ".key"), id.keys().getPrivate(), form, null).toString());
        vhosts.put(name, o);
    }

    static VhostTls v(String name, String... extra) {
        Map<String, String> o = new HashMap<>(vhosts.get(name));
        for (int i = 0; i < extra.length; i += 2) {
            o.put(extra[i], extra[i + 1]);
        }
        return new VhostTls(name, o);
    }

    static TlsProvider.Server listener() throws Exception {
        return provider.server(List.of(v("a.example"), v("b.example"), v("abc.com")));
    }

    static TlsProvider.Client client(String... options) throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("ca", caFile.toString());
        for (int i = 0; i < options.length; i += 2) {
            o.put(options[i], options[i + 1]);
        }
        return provider.client(o);
    }

    static String cn(SSLEngine e) throws Exception {
        return ((X509Certificate) e.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    @Test
    void sniPicksEachVhostsCertificate() throws Exception {
        TlsProvider.Server s = listener();
        for (String name : List.of("a.example", "b.example", "abc.com")) {
            SSLEngine server = s.newEngine("127.0.0.1", 40000);
            EnginePair p = new EnginePair(client().newEngine(name, 443), server).handshake();
            assertEquals("CN=" + name, cn(p.client));
            assertEquals(name, s.vhostFor(server));
            assertEquals(name, SniKeyManager.sniName(server.getSession()), "the SNI name the core reads from the session");
            assertEquals("TLSv1.3", p.client.getSession().getProtocol());
            assertEquals("hello " + name, p.clientSends("hello " + name));
        }
    }

    @Test
    void tls12TooWithTheRightKeyExchangeForEachCertificate() throws Exception {
        TlsProvider.Server s = listener();
        EnginePair a = new EnginePair(client("tls13-ciphers", "").newEngine("a.example", 443), s.newEngine("p", 1)).handshake();
        assertEquals("TLSv1.2", a.client.getSession().getProtocol());
        assertTrue(a.client.getSession().getCipherSuite().startsWith("TLS_ECDHE_ECDSA_"), a.client.getSession().getCipherSuite());
        EnginePair b = new EnginePair(client("tls13-ciphers", "").newEngine("b.example", 443), s.newEngine("p", 1)).handshake();
        assertTrue(b.client.getSession().getCipherSuite().startsWith("TLS_ECDHE_RSA_"), b.client.getSession().getCipherSuite());
        assertEquals("CN=b.example", cn(b.client));
    }

    @Test
    void subdomainsGoToTheirParentAndUnknownNamesToTheFirstVhost() throws Exception {
        TlsProvider.Server s = listener();
        SSLEngine server = s.newEngine("p", 1);
        EnginePair p = new EnginePair(client("skip-host-check", "1").newEngine("cats.abc.com", 443), server).handshake();
        assertEquals("CN=abc.com", cn(p.client));
        assertEquals("abc.com", s.vhostFor(server));

        server = s.newEngine("p", 1);
        p = new EnginePair(client("skip-host-check", "1").newEngine("other.example", 443), server).handshake();
        assertEquals("CN=a.example", cn(p.client));
        assertEquals("a.example", s.vhostFor(server));

        server = s.newEngine("p", 1);
        p = new EnginePair(client("skip-host-check", "1").newEngine("127.0.0.1", 443), server).handshake();
        assertEquals("CN=a.example", cn(p.client), "no SNI for an address: the first vhost");
        assertNull(SniKeyManager.sniName(server.getSession()));
        assertEquals("a.example", s.vhostFor(server));
    }

    @Test
    void clientChecksTheHostName() throws Exception {
        TlsProvider.Server s = listener();
        assertThrows(SSLException.class, () -> new EnginePair(client().newEngine("cats.abc.com", 443), s.newEngine("p", 1))
                .handshake());
    }

    @Test
    void clientWithoutTheCaRefusesAndAllowSelfSignedIsNotEnoughForACaChain() throws Exception {
        TlsProvider.Server s = listener();
        TlsProvider.Client jdkTrust = provider.client(Map.of());
        assertThrows(SSLException.class, () -> new EnginePair(jdkTrust.newEngine("a.example", 443), s.newEngine("p", 1))
                .handshake());
    }

    @Test
    void listenerUsesItsFirstVhostsCipherList() throws Exception {
        TlsProvider.Server s = provider.server(List.of(v("a.example", "ssl-cipher-list", "ECDHE-ECDSA-AES128-GCM-SHA256",
                "tls13-ciphers", ""), v("b.example")));
        EnginePair ok = new EnginePair(client().newEngine("a.example", 443), s.newEngine("p", 1)).handshake();
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", ok.client.getSession().getCipherSuite());
        assertThrows(SSLException.class, () -> new EnginePair(
                client("ssl-cipher-list", "ECDHE-ECDSA-AES256-GCM-SHA384").newEngine("a.example", 443), s.newEngine("p", 1))
                .handshake(), "a suite outside the list is refused");
        assertTrue(log.has("vhost b.example: shares its port with vhost a.example"), log.lines.toString());
    }

    @Test
    void tls13SuitesComeFromTls13Ciphers() throws Exception {
        TlsProvider.Server s = provider.server(List.of(v("a.example", "tls13-ciphers", "TLS_CHACHA20_POLY1305_SHA256")));
        EnginePair p = new EnginePair(client().newEngine("a.example", 443), s.newEngine("p", 1)).handshake();
        assertEquals("TLS_CHACHA20_POLY1305_SHA256", p.client.getSession().getCipherSuite());
        assertThrows(SSLException.class, () -> new EnginePair(client("tls13-ciphers", "TLS_AES_128_GCM_SHA256",
                "ssl-cipher-list", "AES128-SHA").newEngine("a.example", 443), s.newEngine("p", 1)).handshake());
    }

    @Test
    void ecdhCurvePicksTheGroups() throws Exception {
        TlsProvider.Server rsa = provider.server(List.of(v("b.example", "ecdh-curve", "secp384r1")));
        new EnginePair(client().newEngine("b.example", 443), rsa.newEngine("p", 1)).handshake();
        new EnginePair(client("ecdh-curve", "P-384").newEngine("b.example", 443), rsa.newEngine("p", 1)).handshake();
        SSLEngine x25519Only = client().newEngine("b.example", 443);
        org.bouncycastle.jsse.BCSSLParameters p = ((org.bouncycastle.jsse.BCSSLEngine) x25519Only).getParameters();
        p.setNamedGroups(new String[] {"x25519"});
        ((org.bouncycastle.jsse.BCSSLEngine) x25519Only).setParameters(p);
        assertThrows(SSLException.class, () -> new EnginePair(x25519Only, rsa.newEngine("p", 1)).handshake(),
                "no group in common");
        // an EC P-256 certificate still signs when the curve setting names only P-384
        TlsProvider.Server ec = provider.server(List.of(v("a.example", "ecdh-curve", "secp384r1")));
        new EnginePair(client().newEngine("a.example", 443), ec.newEngine("p", 1)).handshake();
    }

    @Test
    void alpnPrefersH2AndServesHttp11Clients() throws Exception {
        TlsProvider.Server s = listener();
        assertEquals("h2", alpn(s, "h2", "http/1.1"));
        assertEquals("http/1.1", alpn(s, "http/1.1"));
        // a client without ALPN is served all the same
        new EnginePair(client().newEngine("a.example", 443), s.newEngine("p", 1)).handshake();
        // a vhost that offers http/1.1 only (alpn "http/1.1") keeps h2 clients on HTTP/1.1
        TlsProvider.Server h1 = provider.server(List.of(v("a.example", "alpn", "http/1.1")));
        assertEquals("http/1.1", alpn(h1, "h2", "http/1.1"));
    }

    private static String alpn(TlsProvider.Server s, String... offered) throws Exception {
        SSLEngine c = client().newEngine("a.example", 443);
        SSLParameters p = c.getSSLParameters();
        p.setApplicationProtocols(offered);
        c.setSSLParameters(p);
        return new EnginePair(c, s.newEngine("p", 1)).handshake().client.getApplicationProtocol();
    }

    @Test
    void clientCertificatesPerVhostAsSniPicks() throws Exception {
        TestPki.Issued alice = TestPki.leaf("alice", TestPki.ec(), ca);
        Path aliceCert = TestPki.writeCerts(dir.resolve("alice.crt"), alice.chain());
        Path aliceKey = TestPki.writeKey(dir.resolve("alice.key"), alice.keys().getPrivate(), KeyForm.PKCS8, null);
        TestPki.Issued mallory = TestPki.leaf("mallory", TestPki.ec(), null);
        Path malloryCert = TestPki.writeCerts(dir.resolve("mallory.crt"), mallory.chain());
        Path malloryKey = TestPki.writeKey(dir.resolve("mallory.key"), mallory.keys().getPrivate(), KeyForm.PKCS8, null);

        for (String tls13 : List.of(CipherSuitesDefault.TLS13, "")) {
          for (boolean mixed : List.of(true, false)) {
            VhostTls b = v("b.example", "host-ssl-ca", caFile.toString(), "client-cert-required", "1", "tls13-ciphers", tls13);
            TlsProvider.Server s = provider.server(mixed ? List.of(v("a.example", "tls13-ciphers", tls13), b) : List.of(b));
            String what = (tls13.isEmpty() ? "TLS 1.2" : "TLS 1.3") + (mixed ? ", beside an open vhost" : ", alone");
            if (mixed) {
                // the open vhost takes connections without a client certificate, and ignores one
                new EnginePair(client().newEngine("a.example", 443), s.newEngine("p", 1)).handshake();
                new EnginePair(client("cert", malloryCert.toString(), "key", malloryKey.toString())
                        .newEngine("a.example", 443), s.newEngine("p", 1)).handshake();
            }
            // the other requires one, from its CA
            assertThrows(SSLException.class, () -> new EnginePair(client().newEngine("b.example", 443), s.newEngine("p", 1))
                    .handshake(), what + ": no client certificate");
            assertThrows(SSLException.class, () -> new EnginePair(client("cert", malloryCert.toString(), "key",
                    malloryKey.toString()).newEngine("b.example", 443), s.newEngine("p", 1)).handshake(),
                    what + ": a client certificate from elsewhere");
            SSLEngine server = s.newEngine("p", 1);
            new EnginePair(client("cert", aliceCert.toString(), "key", aliceKey.toString()).newEngine("b.example", 443),
                    server).handshake();
            assertEquals("CN=alice", ((X509Certificate) server.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName(), what);
          }
        }
    }

    /** OpenSSL's default TLS 1.3 list, for readability above. */
    static final class CipherSuitesDefault {
        static final String TLS13 = SuiteSelection.TLS13_DEFAULT;
    }
}
