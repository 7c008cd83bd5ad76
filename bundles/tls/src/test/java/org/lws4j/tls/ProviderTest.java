package org.lws4j.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.spi.tls.TlsConfigException;
import org.lws4j.spi.tls.TlsProvider;
import org.lws4j.spi.tls.TlsProvider.VhostTls;
import org.lws4j.tls.TestPki.KeyForm;

/**
 * The provider as the core sees it: config errors that name the vhost and option, self-signed
 * certificates made on demand, renegotiation refused, client trust settings, and BCJSSE's log.
 */
class ProviderTest {
    @TempDir
    Path dir;
    RecordingLog log;
    BcTlsProvider provider;

    @BeforeEach
    void start() {
        log = new RecordingLog();
        provider = new BcTlsProvider(log);
    }

    @AfterEach
    void stop() {
        provider.deactivate();
    }

    Map<String, String> files(String name, TestPki.Issued id, KeyForm form, String pass) throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("host-ssl-cert", TestPki.writeCerts(dir.resolve(name + ".crt"), id.chain()).toString());
        o.put("host-ssl-key", TestPki.writeKey(dir.resolve(name + ".key"), id.keys().getPrivate(), form, pass).toString());
        return o;
    }

    TlsConfigException refused(String vhost, Map<String, String> o) {
        return assertThrows(TlsConfigException.class, () -> provider.server(List.of(new VhostTls(vhost, o))));
    }

    @Test
    void configErrorsNameTheVhostAndTheKey() throws Exception {
        Map<String, String> ok = files("site", TestPki.leaf("site", TestPki.ec(), null), KeyForm.ENCRYPTED_PKCS8, "pw");
        ok.put("host-ssl-passphrase", "pw");
        provider.server(List.of(new VhostTls("site", ok)));

        Map<String, String> o = new HashMap<>(ok);
        o.put("host-ssl-cert", dir.resolve("missing.pem").toString());
        assertEquals("host-ssl-cert", refused("site", o).option());

        o = new HashMap<>(ok);
        o.remove("host-ssl-key");
        assertEquals("host-ssl-key", refused("site", o).option());

        o = new HashMap<>(ok);
        o.remove("host-ssl-passphrase");
        assertEquals("host-ssl-passphrase", refused("site", o).option());

        o = new HashMap<>(ok);
        o.put("host-ssl-passphrase", "wrong");
        assertEquals("host-ssl-passphrase", refused("site", o).option());

        o = new HashMap<>(ok);
        o.put("host-ssl-key", files("other", TestPki.leaf("other", TestPki.ec(), null), KeyForm.PKCS8, null).get("host-ssl-key"));
        assertEquals("host-ssl-key", refused("site", o).option());

        o = new HashMap<>(ok);
        o.put("ssl-cipher-list", "RC4:3DES");
        TlsConfigException e = refused("site", o);
        assertEquals("ssl-cipher-list", e.option());
        assertEquals("site", e.vhost());

        o = new HashMap<>(ok);
        o.put("client-cert-required", "1");
        assertEquals("client-cert-required", refused("site", o).option());

        o = new HashMap<>(ok);
        o.put("host-ssl-ca", o.get("host-ssl-key"));
        assertEquals("host-ssl-ca", refused("site", o).option());

        o = new HashMap<>(ok);
        o.put("ecdh-curve", "secp1r1");
        assertEquals("ecdh-curve", refused("site", o).option());

        // the second vhost of a listener is named when it is the one at fault
        Map<String, String> bad = new HashMap<>(ok);
        bad.put("tls13-ciphers", "TLS_NOPE");
        e = assertThrows(TlsConfigException.class, () -> provider.server(List.of(new VhostTls("site", ok),
                new VhostTls("second", bad))));
        assertEquals("second", e.vhost());
        assertEquals("tls13-ciphers", e.option());
        assertTrue(e.getMessage().startsWith("vhost second: tls13-ciphers: "), e.getMessage());
    }

    @Test
    void skippedSuitesAreLoggedWithTheVhost() throws Exception {
        Map<String, String> o = files("site", TestPki.leaf("site", TestPki.ec(), null), KeyForm.PKCS8, null);
        o.put("ssl-cipher-list", "HIGH:!aNULL:BOGUS");
        provider.server(List.of(new VhostTls("site", o)));
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("N: vhost site: ssl-cipher-list: ")
                && l.contains(" suite(s) skipped, the JSSE provider lacks them: ") && l.contains("PSK-AES256-GCM-SHA384")),
                log.lines.toString());
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("W: vhost site: ssl-cipher-list: \"BOGUS\" is not")),
                log.lines.toString());
    }

    @Test
    void keyInTheCertificateFileServesWithoutHostSslKey() throws Exception {
        TestPki.Issued id = TestPki.leaf("site", TestPki.rsa(), null);
        Path both = dir.resolve("both.pem");
        TestPki.writeKey(dir.resolve("k"), id.keys().getPrivate(), KeyForm.PKCS1_OR_SEC1, null);
        TestPki.writeCerts(dir.resolve("c"), id.chain());
        Files.writeString(both, Files.readString(dir.resolve("c")) + Files.readString(dir.resolve("k")));
        TlsProvider.Server s = provider.server(List.of(new VhostTls("site", Map.of("host-ssl-cert", both.toString()))));

        // a real handshake: the server proves it holds the key of the certificate it presents
        SSLEngine server = s.newEngine("127.0.0.1", 40000);
        EnginePair p = new EnginePair(provider.client(Map.of("allow-self-signed", "1")).newEngine("site", 443), server)
                .handshake();
        X509Certificate peer = (X509Certificate) p.client.getSession().getPeerCertificates()[0];
        assertArrayEquals(id.cert().getEncoded(), peer.getEncoded(), "the certificate of both.pem");
        assertEquals("CN=site", peer.getSubjectX500Principal().getName());
        assertEquals("RSA", peer.getPublicKey().getAlgorithm());
        assertEquals("site", s.vhostFor(server));
        assertEquals("hello", p.clientSends("hello"));
    }

    @Test
    void generatesASelfSignedCertificateWhenAskedAndBothFilesAreMissing() throws Exception {
        Path cert = dir.resolve("conf/demo.crt.pem");
        Path key = dir.resolve("conf/demo.key.pem");
        Map<String, String> o = Map.of("host-ssl-cert", cert.toString(), "host-ssl-key", key.toString(),
                "generate-self-signed", "1");
        TlsProvider.Server s = provider.server(List.of(new VhostTls("localhost", o)));
        assertTrue(Files.isRegularFile(cert) && Files.isRegularFile(key));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(key));
        assertEquals(PosixFilePermissions.fromString("rw-r--r--"), Files.getPosixFilePermissions(cert));
        assertTrue(Files.readString(key).contains("-----BEGIN PRIVATE KEY-----"));
        assertTrue(log.has("N: vhost localhost: generated a self-signed EC P-256 certificate"), log.lines.toString());
        X509Certificate c = new PemFiles(TestPki.BC).certificates(cert, "localhost", "host-ssl-cert").get(0);
        assertEquals("CN=localhost,O=lws4j self-signed", c.getSubjectX500Principal().getName());
        assertEquals("EC", c.getPublicKey().getAlgorithm());
        assertTrue(c.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("127.0.0.1")));
        assertTrue(c.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("localhost")));

        // a client that allows self-signed certificates talks to it, with the host name checked
        TlsProvider.Client client = provider.client(Map.of("allow-self-signed", "1"));
        EnginePair p = new EnginePair(client.newEngine("localhost", 7682), s.newEngine("p", 1)).handshake();
        assertEquals("hi", p.clientSends("hi"));
        assertThrows(SSLException.class, () -> new EnginePair(provider.client(Map.of()).newEngine("localhost", 7682),
                s.newEngine("p", 1)).handshake(), "not trusted without allow-self-signed");
        assertThrows(SSLException.class, () -> new EnginePair(client.newEngine("example.com", 7682),
                s.newEngine("p", 1)).handshake(), "host name still checked");
        new EnginePair(provider.client(Map.of("allow-self-signed", "1", "skip-host-check", "1"))
                .newEngine("example.com", 7682), s.newEngine("p", 1)).handshake();

        // the next start uses what is there
        byte[] before = Files.readAllBytes(cert);
        log.lines.clear();
        provider.server(List.of(new VhostTls("localhost", o)));
        assertEquals(new String(before), Files.readString(cert));
        assertFalse(log.has("generated"));
    }

    @Test
    void generatingNeverOverwritesHalfAPair() throws Exception {
        Path cert = dir.resolve("demo.crt.pem");
        Files.writeString(cert, "someone's certificate");
        TlsConfigException e = refused("localhost", Map.of("host-ssl-cert", cert.toString(), "host-ssl-key",
                dir.resolve("demo.key.pem").toString(), "generate-self-signed", "1"));
        assertEquals("host-ssl-key", e.option());
        assertEquals("someone's certificate", Files.readString(cert));
    }

    @Test
    void expiredSelfSignedCertificatesAreRefusedEvenWhenSelfSignedIsAllowed() throws Exception {
        TestPki.Issued old = TestPki.leaf("localhost", TestPki.ec(), null, System.currentTimeMillis() - 60_000L);
        TlsProvider.Server s = provider.server(List.of(new VhostTls("localhost", files("old", old, KeyForm.PKCS8, null))));
        assertThrows(SSLException.class, () -> new EnginePair(provider.client(Map.of("allow-self-signed", "1"))
                .newEngine("localhost", 1), s.newEngine("p", 1)).handshake());
    }

    /** A TLS 1.2 client that asks to renegotiate (the JDK's own engine can) is refused. */
    @Test
    void renegotiationIsRefused() throws Exception {
        TlsProvider.Server s = provider.server(List.of(new VhostTls("localhost",
                files("r", TestPki.leaf("localhost", TestPki.ec(), null), KeyForm.PKCS8, null))));
        SSLContext jdk = SSLContext.getInstance("TLSv1.2");
        jdk.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        SSLEngine c = jdk.createSSLEngine("localhost", 1);
        c.setUseClientMode(true);
        c.setEnabledProtocols(new String[] {"TLSv1.2"});
        EnginePair p = new EnginePair(c, s.newEngine("p", 1)).handshake();
        assertEquals("TLSv1.2", c.getSession().getProtocol());
        assertEquals("before", p.clientSends("before"));
        c.beginHandshake();
        Exception e = assertThrows(SSLException.class, () -> p.pump(() -> false));
        assertNotNull(e.getMessage());
    }

    @Test
    void bcjsseLogsGoToTheLwsLogNotToStandardError() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            Logger bc = Logger.getLogger("org.bouncycastle.jsse.provider.ProvTlsServer");
            bc.info("accepting connection from somewhere");
            bc.warning("something odd");
            assertTrue(log.has("I: BCJSSE: accepting connection from somewhere"), log.lines.toString());
            assertTrue(log.has("W: BCJSSE: something odd"), log.lines.toString());

            // with lws's default mask (no INFO), the per-handshake INFO lines are not even made
            provider.deactivate();
            RecordingLog quiet = new RecordingLog(org.lws4j.api.LogLevel.NOTICE);
            provider = new BcTlsProvider(quiet);
            assertEquals(Level.WARNING, Logger.getLogger(JsseLogBridge.LOGGER).getLevel());
            bc.info("accepting connection from somewhere");
            assertFalse(quiet.has("accepting connection"), quiet.lines.toString());
        } finally {
            System.setErr(err);
        }
        assertEquals("", captured.toString(), "nothing reaches the JUL console handler");
        provider.deactivate();
        assertEquals(null, Logger.getLogger(JsseLogBridge.LOGGER).getLevel(), "put back as it was");
        assertTrue(Logger.getLogger(JsseLogBridge.LOGGER).getUseParentHandlers());
        provider = new BcTlsProvider(log);
    }
}
