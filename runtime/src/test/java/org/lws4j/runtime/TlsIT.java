package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tls bundle in the real runtime, checked from outside with openssl, curl and the JDK's
 * clients: three SNI vhosts on one port (an EC certificate from a test CA, an RSA one with an
 * encrypted key, a generated self-signed one), https and wss, a cipher list that refuses what it
 * does not name, the curve setting, plain HTTP and garbage on the TLS port, SNI/Host mismatch
 * (421), redirect-http (301), renegotiation refused, and the demo's https port with the
 * certificate made on first start.
 *
 * <p>Needs openssl and curl (.ci/run installs them), ports 7681 and 7682 free (the demo vhosts)
 * and two free ports it picks itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsIT {
    static final Duration CMD = Duration.ofSeconds(30);
    static DistRun rt;
    static int tlsPort;
    static int plainPort;
    static Path pki;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        Command.requireTool("openssl", "version");
        Command.requireTool("curl", "--version");
        DistRun.assertPortFree(7681);
        DistRun.assertPortFree(7682);
        List<Integer> ports = DistRun.freePorts(2);
        tlsPort = ports.get(0);
        plainPort = ports.get(1);
        rt = DistRun.copy("tls-it");
        pki = Files.createDirectories(rt.home.resolve("it-pki"));
        makePki();
        Path www = Files.createDirectories(rt.home.resolve("it-www"));
        for (String v : List.of("a.test", "b.test", "c.test", "plain.test")) {
            Files.createDirectories(www.resolve(v));
            Files.writeString(www.resolve(v).resolve("index.html"), "<h1>" + v + "</h1>\n");
        }
        String json = """
                {
                  "vhosts": [
                    { "name": "a.test", "port": "%1$d", "interface": "127.0.0.1",
                      "host-ssl-cert": "%3$s/a-chain.pem", "host-ssl-key": "%3$s/a.key",
                      "ssl-cipher-list": "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL",
                      "ecdh-curve": "secp384r1:X25519",
                      "mounts": [{ "mountpoint": "/", "origin": "file://%4$s/a.test", "default": "index.html" }],
                      "ws-protocols": [{ "lws-echo": {} }] },
                    { "name": "b.test", "port": "%1$d", "interface": "127.0.0.1",
                      "host-ssl-cert": "%3$s/b-chain.pem", "host-ssl-key": "%3$s/b.key", "host-ssl-passphrase": "it-secret",
                      "mounts": [{ "mountpoint": "/", "origin": "file://%4$s/b.test", "default": "index.html" }] },
                    { "name": "c.test", "port": "%1$d", "interface": "127.0.0.1",
                      "host-ssl-cert": "it-c.crt.pem", "host-ssl-key": "it-c.key.pem", "generate-self-signed": "1",
                      "mounts": [{ "mountpoint": "/", "origin": "file://%4$s/c.test", "default": "index.html" }] },
                    { "name": "a.test", "port": "%2$d", "interface": "127.0.0.1", "redirect-http": "1",
                      "mounts": [{ "mountpoint": "/", "origin": "file://%4$s/a.test", "default": "index.html" }] },
                    { "name": "plain.test", "port": "%2$d", "interface": "127.0.0.1",
                      "mounts": [{ "mountpoint": "/", "origin": "file://%4$s/plain.test", "default": "index.html" }] }
                  ]
                }
                """.formatted(tlsPort, plainPort, pki, www);
        rt.config("tls-it.json", json);
        rt.start();
        rt.await("https on port " + tlsPort + " and 7682", DistRun.BOOT_TIMEOUT, () -> {
            Command.Run r = curl("-k", "https://127.0.0.1:" + tlsPort + "/");
            Command.Run d = curl("-k", "https://127.0.0.1:7682/");
            return r.status() == 0 && r.out().endsWith("200") && d.out().endsWith("200")
                    ? Optional.of(true) : Optional.empty();
        });
    }

    /** A CA, an EC leaf for a.test (PKCS#8) and an RSA leaf for b.test (legacy encrypted PKCS#1), with openssl. */
    static void makePki() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
                "-out", "ca.pem", "-subj", "/CN=lws4j IT CA", "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "a.key",
                "-out", "a.csr", "-subj", "/CN=a.test");
        openssl("genrsa", "-traditional", "-aes128", "-passout", "pass:it-secret", "-out", "b.key", "2048");
        openssl("req", "-new", "-key", "b.key", "-passin", "pass:it-secret", "-out", "b.csr", "-subj", "/CN=b.test");
        for (String v : List.of("a", "b")) {
            Files.writeString(pki.resolve(v + ".ext"), "subjectAltName=DNS:" + v + ".test\n");
            openssl("x509", "-req", "-in", v + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-days", "2", "-extfile", v + ".ext", "-out", v + ".crt");
            Files.writeString(pki.resolve(v + "-chain.pem"), Files.readString(pki.resolve(v + ".crt"))
                    + Files.readString(pki.resolve("ca.pem")));
        }
        assertTrue(Files.readString(pki.resolve("b.key")).contains("Proc-Type: 4,ENCRYPTED"));
    }

    static void openssl(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(pki.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ":\n" + out);
    }

    /** curl with the given arguments; prints the HTTP status last. */
    static Command.Run curl(String... args) throws Exception {
        String[] cmd = new String[args.length + 6];
        cmd[0] = "curl";
        cmd[1] = "-sS";
        cmd[2] = "--max-time";
        cmd[3] = "10";
        cmd[4] = "-w";
        cmd[5] = "\n%{http_code}";
        System.arraycopy(args, 0, cmd, 6, args.length);
        return Command.run(CMD, null, cmd);
    }

    /** openssl s_client to the TLS port; {@code input} is sent once connected (null: nothing). */
    static Command.Run sClient(String input, String... args) throws Exception {
        String[] cmd = new String[args.length + 4];
        cmd[0] = "openssl";
        cmd[1] = "s_client";
        cmd[2] = "-connect";
        cmd[3] = "127.0.0.1:" + tlsPort;
        System.arraycopy(args, 0, cmd, 4, args.length);
        return Command.run(CMD, input == null ? "" : input, cmd);
    }

    static String subject(Command.Run r) {
        Matcher m = Pattern.compile("(?m)^subject=(.*)$").matcher(r.out());
        assertTrue(m.find(), "no certificate subject in:\n" + r.out());
        return m.group(1).trim();
    }

    @Test
    @Order(1)
    void demoServesHttpsWithTheCertificateItMadeOnFirstStart() throws Exception {
        Path cert = rt.home.resolve("conf/demo-localhost.crt.pem");
        Path key = rt.home.resolve("conf/demo-localhost.key.pem");
        assertTrue(Files.isRegularFile(cert) && Files.isRegularFile(key), "no generated certificate in conf/");
        Command.Run r = curl("--cacert", cert.toString(), "--resolve", "localhost:7682:127.0.0.1", "https://localhost:7682/");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().endsWith("\n200") && r.out().contains("lws4j"), r.out());
        assertTrue(rt.logText(0).contains("vhost localhost: generated a self-signed EC P-256 certificate"), "no log line");
        assertEquals("O = lws4j self-signed, CN = localhost",
                subject(Command.run(CMD, "", "openssl", "s_client", "-connect", "127.0.0.1:7682", "-servername", "localhost")));
    }

    @Test
    @Order(2)
    void sniPicksEachVhostsCertificateOnOnePort() throws Exception {
        assertEquals("CN = a.test", subject(sClient(null, "-servername", "a.test")));
        assertEquals("CN = b.test", subject(sClient(null, "-servername", "b.test")));
        assertEquals("O = lws4j self-signed, CN = c.test", subject(sClient(null, "-servername", "c.test")));
        assertEquals("CN = a.test", subject(sClient(null, "-servername", "unknown.example")), "unknown name: first vhost");
        assertEquals("CN = a.test", subject(sClient(null, "-noservername")), "no SNI: first vhost");
        Command.Run rsa = sClient(null, "-servername", "b.test", "-tls1_2");
        assertTrue(rsa.out().contains("Cipher is ECDHE-RSA-"), rsa.out());
        Command.Run verified = sClient(null, "-servername", "a.test", "-CAfile", pki.resolve("ca.pem").toString(),
                "-verify_hostname", "a.test", "-verify_return_error");
        assertTrue(verified.out().contains("Verify return code: 0 (ok)"), verified.out());
    }

    @Test
    @Order(3)
    void httpsWithCurlResolve() throws Exception {
        for (String v : List.of("a.test", "b.test")) {
            Command.Run r = curl("--cacert", pki.resolve("ca.pem").toString(), "--resolve", v + ":" + tlsPort + ":127.0.0.1",
                    "https://" + v + ":" + tlsPort + "/");
            assertEquals(0, r.status(), r.out());
            assertEquals("<h1>" + v + "</h1>\n\n200", r.out());
        }
        Command.Run c = curl("--cacert", rt.home.resolve("conf/it-c.crt.pem").toString(), "--resolve",
                "c.test:" + tlsPort + ":127.0.0.1", "https://c.test:" + tlsPort + "/");
        assertEquals("<h1>c.test</h1>\n\n200", c.out(), "the generated certificate, under conf/ (a relative name)");
        // ALPN: h2 when the client offers it (the tls bundle's default), HTTP/1.1 when it asks for that only
        Command.Run h2 = curl("-k", "-v", "--resolve", "a.test:" + tlsPort + ":127.0.0.1", "https://a.test:" + tlsPort + "/");
        assertTrue(h2.out().contains("ALPN: server accepted h2") || h2.out().contains("ALPN, server accepted to use h2"), h2.out());
        assertTrue(h2.out().contains("<h1>a.test</h1>"), h2.out());
        Command.Run http11 = curl("-k", "-v", "--http1.1", "--resolve", "a.test:" + tlsPort + ":127.0.0.1",
                "https://a.test:" + tlsPort + "/");
        assertTrue(http11.out().contains("ALPN: server accepted http/1.1") || http11.out().contains("ALPN, server accepted to use http/1.1"),
                http11.out());
    }

    @Test
    @Order(4)
    void wssHandshakeAndEcho() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(Duration.ofSeconds(5)).build();
        CompletableFuture<String> got = new CompletableFuture<>();
        WebSocket ws = client.newWebSocketBuilder().subprotocols("lws-echo")
                .buildAsync(URI.create("wss://127.0.0.1:" + tlsPort + "/"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            got.complete(text.toString());
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                        got.completeExceptionally(error);
                    }
                }).get(10, TimeUnit.SECONDS);
        assertEquals("lws-echo", ws.getSubprotocol());
        String big = "wss echo ".repeat(3000);
        ws.sendText(big, true).get(10, TimeUnit.SECONDS);
        assertEquals(big, got.get(10, TimeUnit.SECONDS));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }

    @Test
    @Order(5)
    void suitesOutsideTheCipherListAreRefused() throws Exception {
        Command.Run ok = sClient(null, "-servername", "a.test", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
        assertTrue(ok.out().contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"), ok.out());
        for (String outside : List.of("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "AES128-GCM-SHA256")) {
            Command.Run r = sClient(null, "-servername", "a.test", "-tls1_2", "-cipher", outside);
            assertNotEquals(0, r.status(), outside + " was accepted:\n" + r.out());
            assertTrue(r.out().contains("Cipher is (NONE)") && !r.out().contains("Cipher is " + outside), r.out());
        }
        Command.Run tls11 = sClient(null, "-servername", "a.test", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertNotEquals(0, tls11.status(), "TLS 1.1 accepted:\n" + tls11.out());
    }

    @Test
    @Order(6)
    void ecdhCurveSetsTheKeyExchangeGroup() throws Exception {
        Command.Run r = sClient(null, "-servername", "a.test");
        assertTrue(r.out().contains("Server Temp Key: ECDH, secp384r1"), r.out());
        Command.Run x = sClient(null, "-servername", "a.test", "-groups", "X25519");
        assertTrue(x.out().contains("Server Temp Key: X25519"), x.out());
    }

    @Test
    @Order(7)
    void plainHttpAndGarbageOnTheTlsPortLeaveOtherConnectionsAlone() throws Exception {
        try (SSLSocket open = (SSLSocket) trustAll().getSocketFactory().createSocket()) {
            open.connect(new InetSocketAddress("127.0.0.1", tlsPort), 5000);
            open.setSoTimeout(10_000);
            assertTrue(get(open, "a.test").startsWith("HTTP/1.1 200"));

            try (Socket plain = new Socket("127.0.0.1", tlsPort)) {
                plain.setSoTimeout(10_000);
                plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String r = new String(plain.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(r.startsWith("HTTP/1.1 400") && r.contains("https://"), r);
            }
            Random rnd = new Random(5);
            for (int i = 0; i < 3; i++) {
                byte[] junk = new byte[300];
                rnd.nextBytes(junk);
                junk[0] = 0x16; // a whole handshake record (5 + 295 bytes)...
                junk[1] = 0x03;
                junk[2] = 0x01;
                junk[3] = 0x01;
                junk[4] = 0x27;
                junk[5] = 0x01; // ...holding a ClientHello of 291 bytes of noise
                junk[6] = 0x00;
                junk[7] = 0x01;
                junk[8] = 0x23;
                assertDropped(junk);
            }
            byte[] huge = {0x16, 0x03, 0x03, (byte) 0xff, (byte) 0xff, 0x01, 0x00, 0x00};
            assertDropped(huge);
            byte[] noise = new byte[64];
            rnd.nextBytes(noise);
            noise[0] = (byte) 0x80;
            assertDropped(noise);

            assertTrue(get(open, "a.test").startsWith("HTTP/1.1 200"), "the open TLS connection still serves");
        }
        assertTrue(curl("-k", "https://127.0.0.1:" + tlsPort + "/").out().endsWith("200"), "new connections still served");
    }

    /**
     * Sends {@code bytes} on a new connection to the TLS port: the server must refuse them at once,
     * with a TLS alert record or by closing the connection, never wait for more or answer otherwise.
     */
    static void assertDropped(byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", tlsPort)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            int first;
            try {
                first = s.getInputStream().read();
            } catch (java.net.SocketException reset) {
                return; // closed with a reset
            }
            assertTrue(first == -1 || first == 0x15, "answered 0x" + Integer.toHexString(first)
                    + " to junk, not an alert (0x15) or the end");
        }
    }

    static String get(SSLSocket s, String host) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("(?i)content-length: (\\d+)").matcher(h);
        if (m.find()) {
            in.readNBytes(Integer.parseInt(m.group(1)));
        }
        return h;
    }

    @Test
    @Order(8)
    void hostHeaderNamingAnotherVhostThanSniIs421() throws Exception {
        Command.Run r = curl("--cacert", pki.resolve("ca.pem").toString(), "--resolve", "a.test:" + tlsPort + ":127.0.0.1",
                "-H", "Host: b.test", "https://a.test:" + tlsPort + "/");
        assertTrue(r.out().endsWith("\n421"), r.out());
        Command.Run same = curl("--cacert", pki.resolve("ca.pem").toString(), "--resolve", "a.test:" + tlsPort + ":127.0.0.1",
                "-H", "Host: a.test:" + tlsPort, "https://a.test:" + tlsPort + "/");
        assertTrue(same.out().endsWith("\n200"), same.out());
    }

    @Test
    @Order(9)
    void redirectHttpSendsPlainRequestsToTheTlsTwin() throws Exception {
        Command.Run r = curl("-i", "-H", "Host: a.test", "http://127.0.0.1:" + plainPort + "/some/page?x=1");
        assertTrue(r.out().startsWith("HTTP/1.1 301"), r.out());
        assertTrue(r.out().contains("ocation: https://a.test:" + tlsPort + "/some/page?x=1\r\n"), r.out());
        Command.Run plain = curl("-H", "Host: plain.test", "http://127.0.0.1:" + plainPort + "/");
        assertEquals("<h1>plain.test</h1>\n\n200", plain.out());
    }

    @Test
    @Order(10)
    void renegotiationIsRefused() throws Exception {
        // "R" on a line of its own asks openssl s_client to renegotiate (TLS 1.2); it is typed once
        // the handshake is done, and the answer is waited for with s_client's input still open
        try (Command s = Command.start(rt.home, "s_client-renegotiate", List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + tlsPort, "-servername", "a.test", "-tls1_2", "-legacy_renegotiation"))) {
            s.awaitOutput("the end of the handshake", o -> o.contains("SSL handshake has read"), CMD.toMillis());
            s.type("R\n");
            String out = s.awaitOutput("the answer to the renegotiation (it went through if none came)",
                    o -> o.contains("RENEGOTIATING") && (o.contains("no renegotiation") || o.contains("alert")
                            || o.contains("errno")), CMD.toMillis());
            assertTrue(out.contains("RENEGOTIATING"), out);
        }
        assertTrue(curl("-k", "https://127.0.0.1:" + tlsPort + "/").out().endsWith("200"));
    }

    /** A client context that trusts any certificate and checks no host name (for address-only URLs). */
    static SSLContext trustAll() throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

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
        return c;
    }
}
