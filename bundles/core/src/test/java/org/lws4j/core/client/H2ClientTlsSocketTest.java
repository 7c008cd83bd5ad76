package org.lws4j.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.core.client.H2ClientSocketTest.body;
import static org.lws4j.core.client.H2ClientSocketTest.hex;
import static org.lws4j.core.client.H2ClientSocketTest.next;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.ClientConnectInfo;
import org.lws4j.api.Connection;
import org.lws4j.api.LogLevel;
import org.lws4j.api.WriteMode;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;
import org.lws4j.spi.tls.TlsProvider;

/**
 * Our client choosing HTTP/2 by ALPN over TLS against our server, with the JDK's JSSE standing in
 * for the TLS provider on both sides (it honours the client option {@code alpn} as the tls
 * bundle does): https offers h2 and http/1.1 and speaks h2 when the server picks it; a server
 * offering http/1.1 only gets HTTP/1.1; {@code httpVersion("HTTP/1.1")} offers http/1.1 only; a
 * wss client speaks HTTP/1.1 unless asked for HTTP/2, then runs over an h2 stream (RFC 8441).
 */
class H2ClientTlsSocketTest {
    @TempDir
    static Path tmp;
    static ContextImpl ctx;
    static int h2Port;
    static int h1Port;
    static SSLContext serverTls;

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
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        Files.writeString(tmp.resolve("hello.txt"), "hello over h2\n");

        int mask = LogLevel.ERR.bit() | LogLevel.WARN.bit();
        ctx = new ContextImpl(new ContextConfig(1, "lws4j-test", 5, 0, 0, 0, 8192, 8, 1 << 20, mask, 0, 0), new LogImpl(mask));
        ctx.setTlsProvider(jdkProvider());
        ctx.start();
        Map<String, Map<String, String>> protos = new LinkedHashMap<>();
        protos.put("wsecho", Map.of());
        protos.put("rec", Map.of());
        List<MountConfig> m = List.of(new MountConfig("/", "file://" + tmp, null, Map.of(), Map.of(), Map.of(), Map.of()));
        h2Port = H2ClientSocketTest.freePort();
        ctx.addVhost(new VhostConfig("test", "localhost", h2Port, "127.0.0.1", 5, m, protos, Map.of(),
                Map.of("host-ssl-cert", "unused-by-the-jdk-provider", "alpn", "h2,http/1.1")));
        h1Port = H2ClientSocketTest.freePort();
        ctx.addVhost(new VhostConfig("test", "h1only", h1Port, "127.0.0.1", 5, m, protos, Map.of(),
                Map.of("host-ssl-cert", "unused-by-the-jdk-provider", "alpn", "http/1.1")));
        ctx.addProtocol("wsecho", H2ClientSocketTest.wsEcho(), 0, 1);
        ctx.addProtocol("rec", H2ClientSocketTest.recorder(), 0, 2);
    }

    @AfterAll
    static void stop() {
        ctx.stop();
    }

    static ClientConnectInfo https(int port, String version) {
        return ClientConnectInfo.parse("https://127.0.0.1:" + port + "/hello.txt").httpVersion(version)
                .localProtocol("rec").vhost("localhost");
    }

    static List<String> get(ClientConnectInfo i) throws Exception {
        Connection c = ctx.connect(i);
        List<String> head = new ArrayList<>();
        assertEquals("hello over h2\n", new String(body(c, head), StandardCharsets.UTF_8));
        return head;
    }

    @Test
    void httpsSpeaksH2WhenTheServerPicksIt() throws Exception {
        assertEquals(List.of("ESTABLISHED:200:14:HTTP/2"), get(https(h2Port, null)));
    }

    @Test
    void httpsSpeaksHttp11WhenTheServerOffersNothingElse() throws Exception {
        assertEquals(List.of("ESTABLISHED:200:14:HTTP/1.1"), get(https(h1Port, ClientConnectInfo.HTTP_2)));
    }

    @Test
    void httpVersion11OffersHttp11Only() throws Exception {
        assertEquals(List.of("ESTABLISHED:200:14:HTTP/1.1"), get(https(h2Port, ClientConnectInfo.HTTP_1_1)));
    }

    @Test
    void wssIsHttp11UnlessAskedAndThenAnH2Stream() throws Exception {
        for (String version : new String[] {null, ClientConnectInfo.HTTP_2}) {
            H2ClientSocketTest.script.clear();
            H2ClientSocketTest.script.add(new Object[] {WriteMode.TEXT, true, "over tls".getBytes(StandardCharsets.UTF_8)});
            Connection c = ctx.connect(ClientConnectInfo.parse("wss://127.0.0.1:" + h2Port + "/").protocols("wsecho")
                    .localProtocol("rec").vhost("localhost").httpVersion(version));
            assertEquals("CLIENT_ESTABLISHED:" + (version == null ? "HTTP/1.1" : "HTTP/2"), next(c));
            assertEquals("T:8:" + hex("over tls"), next(c));
            c.execute(() -> c.close(1000, "bye"));
            assertEquals("CLIENT_CLOSED", next(c));
        }
    }

    /** The JDK's JSSE on both sides: the vhost's "alpn" for the server, the client option "alpn". */
    static TlsProvider jdkProvider() {
        return new TlsProvider() {
            @Override
            public Server server(List<VhostTls> vhosts) {
                String[] alpn = vhosts.get(0).options().getOrDefault("alpn", "").split(",");
                return new Server() {
                    @Override
                    public SSLEngine newEngine(String peerHost, int peerPort) {
                        SSLEngine e = serverTls.createSSLEngine(peerHost, peerPort);
                        e.setUseClientMode(false);
                        SSLParameters p = e.getSSLParameters();
                        p.setApplicationProtocols(alpn);
                        e.setSSLParameters(p);
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
                SSLContext c;
                try {
                    c = SSLContext.getInstance("TLS");
                    c.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                String alpn = options.get("alpn");
                return (host, port) -> {
                    SSLEngine e = c.createSSLEngine(host, port);
                    e.setUseClientMode(true);
                    if (alpn != null) {
                        SSLParameters p = e.getSSLParameters();
                        p.setApplicationProtocols(alpn.split(","));
                        e.setSSLParameters(p);
                    }
                    return e;
                };
            }
        };
    }

    private static final class TrustAll implements X509TrustManager {
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
    }
}
