package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tls bundle taken away and given back on a running server, through deploy/: its TLS port
 * refuses new connections (and says why in the log) while it is away, serves again when it is
 * back; a plain vhost, and a plain keep-alive connection opened before, never notice. The demo
 * bundle is left out of this copy, so only the two ports this test picks are used.
 */
class TlsHotPlugIT {
    static DistRun rt;
    static int tlsPort;
    static int plainPort;
    static Path deployed;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @BeforeAll
    static void start() throws Exception {
        Command.requireTool("curl", "--version");
        List<Integer> ports = DistRun.freePorts(2);
        tlsPort = ports.get(0);
        plainPort = ports.get(1);
        rt = DistRun.copy("tls-hotplug-it").withoutDemo();
        deployed = rt.toDeploy("org.lws4j.tls-", "org.lws4j.tls.jar");
        Path www = Files.createDirectories(rt.home.resolve("it-www"));
        Files.writeString(www.resolve("index.html"), "<h1>hot-plug</h1>\n");
        rt.config("tls-hotplug-it.json", """
                {
                  "vhosts": [
                    { "name": "hot.test", "port": "%1$d", "interface": "127.0.0.1",
                      "host-ssl-cert": "hot.crt.pem", "host-ssl-key": "hot.key.pem", "generate-self-signed": "1",
                      "mounts": [{ "mountpoint": "/", "origin": "file://%3$s", "default": "index.html" }] },
                    { "name": "plain.test", "port": "%2$d", "interface": "127.0.0.1",
                      "mounts": [{ "mountpoint": "/", "origin": "file://%3$s", "default": "index.html" }] }
                  ]
                }
                """.formatted(tlsPort, plainPort, www));
        rt.start();
        awaitHttps(true);
    }

    @Test
    void tlsPortRefusesWhileTheBundleIsAwayAndServesWhenItIsBack() throws Exception {
        try (Socket plain = new Socket("127.0.0.1", plainPort);
                SSLSocket tls = (SSLSocket) TlsIT.trustAll().getSocketFactory().createSocket()) {
            plain.setSoTimeout(10_000);
            assertTrue(get(plain).startsWith("HTTP/1.1 200"));
            tls.connect(new InetSocketAddress("127.0.0.1", tlsPort), 5000);
            tls.setSoTimeout(10_000);
            assertTrue(TlsIT.get(tls, "hot.test").startsWith("HTTP/1.1 200"));

            long mark = rt.logSize();
            Path away = rt.home.resolve("org.lws4j.tls.jar.away");
            Files.move(deployed, away, StandardCopyOption.ATOMIC_MOVE);
            String why = rt.await("the log to say the TLS port refuses", DistRun.STEP_TIMEOUT, () -> {
                String t = rt.logText(mark);
                return t.contains("127.0.0.1:" + tlsPort + " refuses new connections: no TLS provider is installed")
                        ? Optional.of(t) : Optional.empty();
            });
            awaitHttps(false);
            assertTrue(rt.logText(mark).contains("TLS port /127.0.0.1:" + tlsPort + " refuses connections: no TLS provider"),
                    "a refused connection is logged with the reason:\n" + rt.logText(mark));
            assertTrue(plainOk(), "a new plain request while TLS is away");
            assertTrue(get(plain).startsWith("HTTP/1.1 200"), "the plain connection opened before still serves");
            assertClosed(tls);

            Files.move(away, deployed, StandardCopyOption.ATOMIC_MOVE);
            awaitHttps(true);
            assertTrue(rt.logText(mark).contains("TLS on /127.0.0.1:" + tlsPort + " for [hot.test]"), why);
            assertTrue(get(plain).startsWith("HTTP/1.1 200"), "the plain connection still serves");
            String all = rt.logText(0);
            assertFalse(all.contains("Exception") || all.contains(" E: "), "errors in the log:\n" + all);
        }
    }

    static void awaitHttps(boolean serving) throws Exception {
        rt.await("https on port " + tlsPort + (serving ? " to serve" : " to refuse"), DistRun.STEP_TIMEOUT, () -> {
            Command.Run r = TlsIT.curl("-k", "https://127.0.0.1:" + tlsPort + "/");
            boolean ok = r.status() == 0 && r.out().endsWith("\n200");
            if (!serving && !ok) {
                assertNotEquals(0, r.status(), "refused, not answered: " + r.out());
            }
            return ok == serving ? Optional.of(true) : Optional.empty();
        });
    }

    static boolean plainOk() throws Exception {
        Command.Run r = TlsIT.curl("http://127.0.0.1:" + plainPort + "/");
        return r.status() == 0 && r.out().endsWith("\n200");
    }

    /** An open TLS connection is closed when the provider goes (WebSockets would get 1001 first). */
    static void assertClosed(SSLSocket s) throws Exception {
        rt.await("the open TLS connection to be closed", DistRun.STEP_TIMEOUT, () -> {
            try {
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: hot.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return s.getInputStream().read() < 0 ? Optional.of(true) : Optional.empty();
            } catch (IOException closed) {
                return Optional.of(true);
            }
        });
    }

    static String get(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: plain.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        int cl = Integer.parseInt(head.toString().replaceAll("(?is).*\r\ncontent-length: (\\d+)\r\n.*", "$1"));
        in.readNBytes(cl);
        return head.toString();
    }
}
