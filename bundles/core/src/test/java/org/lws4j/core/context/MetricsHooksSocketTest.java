package org.lws4j.core.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.core.LoopProbe;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.spi.metrics.MetricsSink;
import org.lws4j.spi.metrics.Refusal;
import org.lws4j.spi.metrics.ServerGauges;
import org.lws4j.spi.tls.TlsProvider;

/**
 * The core's metrics hooks on a real context: each event site reports to the installed sink
 * with its labels, once per event; with the sink removed nothing more is reported. Waits are on
 * the service thread's own order ({@link LoopProbe}: a task run after the traffic's callbacks)
 * or on counters, never on sleeps.
 */
class MetricsHooksSocketTest {
    @TempDir
    Path tmp;
    private ContextImpl ctx;

    /** Counts every event by a key naming it and its labels. */
    static final class Recording implements MetricsSink {
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        final List<Long> nanos = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile ServerGauges attached;
        volatile boolean detached;
        final long probe;

        Recording(long probeNanos) {
            this.probe = probeNanos;
        }

        long get(String key) {
            AtomicLong v = counts.get(key);
            return v == null ? 0 : v.get();
        }

        private void add(String key, long n) {
            counts.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(n);
        }

        @Override
        public void attach(ServerGauges server) {
            attached = server;
        }

        @Override
        public void detach(ServerGauges server) {
            detached = true;
        }

        @Override
        public long loopProbeNanos() {
            return probe;
        }

        @Override
        public void connectionAccepted(String vhost) {
            add("accepted|" + vhost, 1);
        }

        @Override
        public void connectionRefused(String vhost, Refusal why) {
            add("refused|" + vhost + "|" + why, 1);
        }

        @Override
        public void bytes(String vhost, String protocol, long in, long out) {
            add("in|" + vhost, in);
            add("out|" + vhost, out);
        }

        @Override
        public void httpRequest(String vhost, String protocol, String method, int status, long headNanos, long totalNanos) {
            add("http|" + vhost + "|" + protocol + "|" + method + "|" + status, 1);
            assertTrue(headNanos >= 0 && totalNanos >= headNanos, headNanos + " " + totalNanos);
        }

        @Override
        public void wsMessage(String vhost, String protocol, boolean in) {
            add("ws|" + vhost + "|" + protocol + "|" + (in ? "in" : "out"), 1);
        }

        @Override
        public void wsClose(String vhost, String protocol, int code, boolean byPeer) {
            add("close|" + vhost + "|" + code + "|" + (byPeer ? "peer" : "server"), 1);
        }

        @Override
        public void tlsHandshake(String vhost, long nanos) {
            add("tls|" + vhost, 1);
            nanos(nanos);
        }

        @Override
        public void writeable(String vhost, String protocol, long nanos) {
            add("writeable|" + vhost + "|" + protocol, 1);
            nanos(nanos);
        }

        @Override
        public void loopTurn(int thread, int ready, int tasks) {
            add("turn|" + thread, 1);
            add("ready|" + thread, ready);
        }

        @Override
        public void loopLag(int thread, long lateNanos) {
            add("lag|" + thread, 1);
            nanos(lateNanos);
        }

        @Override
        public void binding(String vhost, String protocol, boolean bound) {
            add((bound ? "bind|" : "unbind|") + vhost + "|" + protocol, 1);
        }

        private void nanos(long n) {
            assertTrue(n >= 0, "a time is never negative: " + n);
            nanos.add(n);
        }
    }

    /** "app": 200 "ok" over HTTP; on WebSocket, every message echoed from SERVER_WRITEABLE. */
    static final class App implements Protocol {
        @Override
        public Object newSession(org.lws4j.api.Connection wsi) {
            return new LinkedBlockingQueue<String>();
        }

        @Override
        public Result callback(org.lws4j.api.Connection wsi, Reason reason, ByteBuffer in) {
            switch (reason) {
                case HTTP -> wsi.respond(org.lws4j.api.HttpResponse.of(200).contentType("text/plain"),
                        ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8)));
                case RECEIVE -> {
                    wsi.<LinkedBlockingQueue<String>>session().add(StandardCharsets.UTF_8.decode(in).toString());
                    wsi.requestWriteable();
                }
                case SERVER_WRITEABLE -> {
                    String m = wsi.<LinkedBlockingQueue<String>>session().poll();
                    if (m != null) {
                        wsi.write(ByteBuffer.wrap(m.getBytes(StandardCharsets.UTF_8)), WriteMode.TEXT);
                        if (!wsi.<LinkedBlockingQueue<String>>session().isEmpty()) {
                            wsi.requestWriteable();
                        }
                    }
                }
                default -> {
                }
            }
            return Result.CONTINUE;
        }
    }

    @AfterEach
    void stop() {
        if (ctx != null) {
            ctx.stop();
        }
    }

    private int start(int fdLimit, Map<String, String> options) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ctx = new ContextImpl(new ContextConfig(1, "lws4j-test", 5, 0, 0, 0, 8192, 8, 1 << 20,
                LogLevel.ERR.bit() | LogLevel.WARN.bit(), fdLimit, 0), new LogImpl(3));
        ctx.start();
        MountConfig m = new MountConfig("/app", "callback://app", null, Map.of(), Map.of(), Map.of(), Map.of());
        assertNotNull(ctx.addVhost(new VhostConfig("test", "site.test", port, "127.0.0.1", 5, List.of(m),
                Map.of("app", Map.of()), Map.of(), options)));
        return port;
    }

    private ServiceThread loop() {
        return ctx.threads().get(0);
    }

    /** Everything the loop did before now has been reported: a task of the test's runs after it. */
    private void fence() {
        LoopProbe.onLoop(loop(), t -> null);
    }

    @Test
    void httpWebSocketBindingsAndTheLoopAreReportedWithTheirLabels() throws Exception {
        int port = start(0, Map.of());
        Recording sink = new Recording(TimeUnit.MILLISECONDS.toNanos(5));
        ctx.setMetrics(sink);
        assertNotNull(sink.attached);
        assertEquals(1, sink.attached.serviceThreads());
        assertEquals(8, sink.attached.headerPoolSize());
        App app = new App();
        ctx.addProtocol("app", app, 0, 1);
        assertEquals(1, sink.get("bind|site.test|app"));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, http.send(get(port, "/app"), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        assertEquals(404, http.send(get(port, "/nothing"), HttpResponse.BodyHandlers.ofString()).statusCode());
        fence();
        assertEquals(3, sink.get("http|site.test|app|GET|200"), sink.counts.toString());
        assertEquals(1, sink.get("http|site.test|null|GET|404"), sink.counts.toString());
        assertTrue(sink.get("accepted|site.test") >= 1);
        assertTrue(sink.get("in|site.test") > 0 && sink.get("out|site.test") > 0, sink.counts.toString());

        LinkedBlockingQueue<String> echoes = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().subprotocols("app")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        echoes.add(data.toString());
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                        closed.complete(code);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        ws.sendText("one", true).get(5, TimeUnit.SECONDS);
        assertEquals("one", echoes.poll(5, TimeUnit.SECONDS));
        ws.sendText("two", true).get(5, TimeUnit.SECONDS);
        assertEquals("two", echoes.poll(5, TimeUnit.SECONDS));
        ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
        assertEquals(1000, closed.get(5, TimeUnit.SECONDS));
        fence();
        assertEquals(1, sink.get("http|site.test|app|GET|101"), sink.counts.toString());
        assertEquals(2, sink.get("ws|site.test|app|in"), sink.counts.toString());
        assertEquals(2, sink.get("ws|site.test|app|out"), sink.counts.toString());
        assertEquals(1, sink.get("close|site.test|1000|peer"), sink.counts.toString());
        assertEquals(0, sink.get("close|site.test|1000|server"), "the echo of the peer's Close is not a close of ours");
        assertTrue(sink.get("writeable|site.test|app") >= 2, sink.counts.toString());

        // a handshake naming a protocol the vhost does not offer
        CompletableFuture<WebSocket> refused = http.newWebSocketBuilder().subprotocols("nope")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
                });
        assertTrue(refused.handle((w, e) -> e != null).get(5, TimeUnit.SECONDS), "refused");
        fence();
        assertEquals(1, sink.get("refused|site.test|WS_HANDSHAKE"), sink.counts.toString());

        LoopProbe.until("the loop's probe timer to report its lag three times", () -> sink.get("lag|0") >= 3);
        assertTrue(sink.get("turn|0") > 0 && sink.get("ready|0") > 0, sink.counts.toString());
        assertEquals(Integer.valueOf(0), LoopProbe.onLoop(loop(), t -> sink.attached.tasksQueued(0)), "the probe's own task was taken");

        ctx.removeProtocol("app", app);
        assertEquals(1, sink.get("unbind|site.test|app"));

        ctx.setMetrics(null);
        assertTrue(sink.detached);
        long before = sink.get("http|site.test|null|GET|404");
        assertEquals(404, http.send(get(port, "/nothing"), HttpResponse.BodyHandlers.ofString()).statusCode());
        fence();
        assertEquals(before, sink.get("http|site.test|null|GET|404"), "nothing is reported once the sink is gone");
        assertNull(loop().metrics());
        long lags = sink.get("lag|0");
        fence();
        fence();
        assertEquals(lags, sink.get("lag|0"), "the probe timer stopped with the sink");
    }

    @Test
    void connectionsPastTheLimitAreRefusedAndCounted() throws Exception {
        int port = start(2, Map.of());
        Recording sink = new Recording(0);
        ctx.setMetrics(sink);
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                held.add(s);
            }
            LoopProbe.until("the third connection to be refused", () -> sink.get("refused|site.test|LIMIT") == 1);
            assertEquals(2, sink.get("accepted|site.test"));
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void tlsHandshakesAreTimedAndPlainBytesOnATlsPortRefused() throws Exception {
        int port = start(0, Map.of("host-ssl-cert", "unused-by-the-jdk-provider"));
        Recording sink = new Recording(0);
        ctx.setMetrics(sink);
        ctx.setTlsProvider(jdkProvider(serverContext()));
        try (SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write("GET /nothing HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertTrue(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 404"));
        }
        fence();
        assertEquals(1, sink.get("tls|site.test"), sink.counts.toString());
        assertEquals(1, sink.get("http|site.test|null|GET|404"), sink.counts.toString());
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(5000);
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: site.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = plain.getInputStream();
            assertTrue(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 400"));
        }
        fence();
        assertEquals(1, sink.get("refused|site.test|NOT_TLS"), sink.counts.toString());
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
    }

    private SSLContext serverContext() throws Exception {
        Path ks = tmp.resolve("ks.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "site", "-dname", "CN=site.test",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "secret",
                "-keypass", "secret").redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes()));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "secret".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "secret".toCharArray());
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), null, null);
        return c;
    }

    private static TlsProvider jdkProvider(SSLContext server) {
        return new TlsProvider() {
            @Override
            public Server server(List<VhostTls> vhosts) {
                return new Server() {
                    @Override
                    public SSLEngine newEngine(String peerHost, int peerPort) {
                        SSLEngine e = server.createSSLEngine(peerHost, peerPort);
                        e.setUseClientMode(false);
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

    private static SSLContext trustAll() throws Exception {
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
        return c;
    }
}
