package org.lws4j.core.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.LogLevel;
import org.lws4j.spi.tls.TlsProvider;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.vhost.VhostImpl;

/**
 * The core's TLS endpoint over real sockets, with the JDK's own JSSE standing in as the TLS
 * provider (the BouncyCastle provider has its own tests): handshakes, small and big responses,
 * keep-alive, a plain request on the TLS port, and what happens while no provider is installed.
 */
class TlsEndpointSocketTest {
    @TempDir
    static Path tmp;
    static ContextImpl ctx;
    static int port;
    static byte[] big;
    static SSLContext server;

    @BeforeAll
    static void start() throws Exception {
        Path ks = tmp.resolve("ks.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "localhost", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "secret",
                "-keypass", "secret").redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes()));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "secret".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "secret".toCharArray());
        server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);

        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("hello.txt"), "hello over tls\n");
        big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        Files.write(www.resolve("big.bin"), big);

        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ctx = new ContextImpl(new ContextConfig(1, "lws4j-test", 5, 0, 0, 0, 8192, 8, 1 << 20,
                LogLevel.ERR.bit() | LogLevel.WARN.bit(), 0, 0), new LogImpl(3));
        ctx.start();
        MountConfig m = new MountConfig("/", "file://" + www, "hello.txt", Map.of(), Map.of(), Map.of(), Map.of());
        VhostImpl v = ctx.addVhost(new VhostConfig("test", "localhost", port, "127.0.0.1", 5, List.of(m), Map.of(),
                Map.of(), Map.of("host-ssl-cert", "unused-by-the-jdk-provider")));
        assertTrue(v != null && v.isSecure());
    }

    @AfterAll
    static void stop() {
        ctx.stop();
    }

    /** A provider on the JDK's JSSE: one certificate for every vhost. */
    static TlsProvider jdkProvider(String... alpn) {
        return new TlsProvider() {
            @Override
            public Server server(List<VhostTls> vhosts) {
                return new Server() {
                    @Override
                    public SSLEngine newEngine(String peerHost, int peerPort) {
                        SSLEngine e = server.createSSLEngine(peerHost, peerPort);
                        e.setUseClientMode(false);
                        if (alpn.length > 0) {
                            javax.net.ssl.SSLParameters p = e.getSSLParameters();
                            p.setApplicationProtocols(alpn);
                            e.setSSLParameters(p);
                        }
                        return e;
                    }

                    @Override
                    public String vhostFor(SSLEngine engine) {
                        return vhosts.get(0).name();
                    }
                };
            }

            @Override
            public Client client(Map<String, String> options) {
                throw new UnsupportedOperationException();
            }
        };
    }

    static SSLSocket tlsClient() throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new X509TrustManager() {
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
        SSLSocket s = (SSLSocket) c.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    static String get(OutputStream out, InputStream in, String path, ByteArrayOutputStream body) throws Exception {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("closed after " + head);
            }
            head.append((char) b);
        }
        String h = head.toString();
        int cl = Integer.parseInt(h.replaceAll("(?s).*\r\nContent-Length: (\\d+)\r\n.*", "$1"));
        byte[] b = in.readNBytes(cl);
        body.write(b);
        return h;
    }

    @Test
    void servesOverTlsWithKeepAliveAndBigFiles() throws Exception {
        ctx.setTlsProvider(jdkProvider());
        try (SSLSocket s = tlsClient()) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            String h = get(out, in, "/hello.txt", body);
            assertTrue(h.startsWith("HTTP/1.1 200"), h);
            assertEquals("hello over tls\n", body.toString(StandardCharsets.UTF_8));
            body.reset();
            h = get(out, in, "/big.bin", body);
            assertTrue(h.startsWith("HTTP/1.1 200"), h);
            assertArrayEquals(big, body.toByteArray());
            body.reset();
            get(out, in, "/hello.txt", body);
            assertEquals("hello over tls\n", body.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void plainRequestOnTheTlsPortGetsAPlain400() throws Exception {
        ctx.setTlsProvider(jdkProvider());
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(r.startsWith("HTTP/1.1 400") && r.contains("use https://"), r);
        }
        try (SSLSocket s = tlsClient()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            assertTrue(get(s.getOutputStream(), s.getInputStream(), "/hello.txt", body).startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void withoutAProviderTheTlsPortRefusesAndComesBackWithOne() throws Exception {
        ctx.setTlsProvider(null);
        try (SSLSocket s = tlsClient()) {
            s.startHandshake();
            throw new AssertionError("handshake succeeded without a TLS provider");
        } catch (java.io.IOException expected) {
            // refused: the connection is closed at once
        }
        ctx.setTlsProvider(jdkProvider());
        try (SSLSocket s = tlsClient()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            assertTrue(get(s.getOutputStream(), s.getInputStream(), "/hello.txt", body).startsWith("HTTP/1.1 200"));
        }
    }

    /** A GET with {@code host} as Host on a new TLS connection that sends no SNI (an IP address); the status line. */
    private static String statusWithoutSni(int tlsPort, String host) throws Exception {
        try (SSLSocket s = tlsClient(tlsPort)) {
            s.startHandshake();
            s.getOutputStream().write(("GET /hello.txt HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return all.substring(0, all.indexOf("\r\n"));
        }
    }

    static SSLSocket tlsClient(int tlsPort) throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new X509TrustManager() {
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
        SSLSocket t = (SSLSocket) c.getSocketFactory().createSocket();
        t.connect(new InetSocketAddress("127.0.0.1", tlsPort), 2000);
        t.setSoTimeout(5000);
        return t;
    }

    @Test
    void withoutSniAHostNamingAVhostWithAnotherClientCertificatePolicyIsMisdirected() throws Exception {
        ctx.setTlsProvider(jdkProvider());
        int p2;
        try (ServerSocket s = new ServerSocket(0)) {
            p2 = s.getLocalPort();
        }
        MountConfig m = new MountConfig("/", "file://" + tmp.resolve("www"), "hello.txt", Map.of(), Map.of(), Map.of(), Map.of());
        VhostImpl open = ctx.addVhost(new VhostConfig("test", "open.test", p2, "127.0.0.1", 5, List.of(m), Map.of(),
                Map.of(), Map.of("host-ssl-cert", "unused")));
        VhostImpl guarded = ctx.addVhost(new VhostConfig("test", "cc.test", p2, "127.0.0.1", 5, List.of(m), Map.of(),
                Map.of(), Map.of("host-ssl-cert", "unused", "client-cert-required", "1", "host-ssl-ca", "/ca.pem")));
        VhostImpl alike = ctx.addVhost(new VhostConfig("test", "alike.test", p2, "127.0.0.1", 5, List.of(m), Map.of(),
                Map.of(), Map.of("host-ssl-cert", "other")));
        try {
            // no SNI: the handshake was the port's default vhost's (open.test), which asks no
            // client certificate; cc.test's requirement may not be bypassed by naming it in Host
            assertTrue(statusWithoutSni(p2, "cc.test").startsWith("HTTP/1.1 421"));
            assertTrue(statusWithoutSni(p2, "open.test").startsWith("HTTP/1.1 200"));
            assertTrue(statusWithoutSni(p2, "alike.test").startsWith("HTTP/1.1 200"), "the same client policy");
            assertTrue(statusWithoutSni(p2, "127.0.0.1:" + p2).startsWith("HTTP/1.1 200"), "the default vhost");
        } finally {
            ctx.removeVhost(open.name(), p2);
            ctx.removeVhost(guarded.name(), p2);
            ctx.removeVhost(alike.name(), p2);
        }
    }

    /** ALPN h2 (RFC 9113 3.2): curl gets HTTP/2 when the provider offers h2, HTTP/1.1 when it asks for it. */
    @Test
    void h2ByAlpn() throws Exception {
        ctx.setTlsProvider(jdkProvider("h2", "http/1.1"));
        String url = "https://127.0.0.1:" + port + "/hello.txt";
        String h2 = curl("--http2", url);
        assertTrue(h2.startsWith("HTTP/2 200") && h2.endsWith("hello over tls\n"), h2);
        String h1 = curl("--http1.1", url);
        assertTrue(h1.startsWith("HTTP/1.1 200") && h1.endsWith("hello over tls\n"), h1);
        String bigOverH2 = curl("--http2", "-o", tmp.resolve("big.out").toString(), "-w", "%{http_version} %{size_download}",
                "https://127.0.0.1:" + port + "/big.bin");
        assertEquals("2 " + big.length, bigOverH2.trim());
        assertArrayEquals(big, Files.readAllBytes(tmp.resolve("big.out")));
    }

    private static String curl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "-k", "-D", "-"));
        if (args.length > 0 && args[args.length - 1].startsWith("https://") && java.util.Arrays.asList(args).contains("-o")) {
            cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "-k"));
        }
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("curl is not installed: install the Debian package curl", e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
