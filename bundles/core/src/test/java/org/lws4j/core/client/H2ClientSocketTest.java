package org.lws4j.core.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.ClientConnectInfo;
import org.lws4j.api.Connection;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;

/**
 * Our client speaking HTTP/2 to our server on 127.0.0.1 (h2c with prior knowledge, asked for
 * with {@code httpVersion("HTTP/2")}): the protocol hears the same callbacks as over HTTP/1.1 and
 * {@code httpVersion()} says "HTTP/2" on both sides. GET, POST with chunked and fixed bodies
 * larger than a stream window, a response larger than both windows, several connections at
 * once, and WebSockets over HTTP/2 (RFC 8441): text, binary, fragments, ping, close code and
 * reason as the server heard them. A port without RFC 8441 ({@code "ws-over-h2": "0"}) and one
 * without h2c ({@code "h2c": "0"}) fail with CLIENT_CONNECTION_ERROR saying why.
 */
class H2ClientSocketTest {
    @TempDir
    static Path tmp;
    static ContextImpl ctx;
    static int port;
    static int noWsPort;
    static int noH2cPort;
    static byte[] big;
    /** What the "rec" client protocol hears, in order. */
    static final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    /** What the servers' protocols hear. */
    static final BlockingQueue<String> server = new LinkedBlockingQueue<>();
    /** Messages the next WebSocket client sends, as {mode, fin, payload}. */
    static final ArrayDeque<Object[]> script = new ArrayDeque<>();
    /** The request body the next POST client sends. */
    static volatile byte[] postBody;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(tmp.resolve("hello.txt"), "hello over h2\n");
        big = new byte[3 * 1024 * 1024 + 5];
        new Random(11).nextBytes(big);
        Files.write(tmp.resolve("big.bin"), big);
        ctx = new ContextImpl(new ContextConfig(1, "lws4j-test", 5, 0, 0, 0, 8192, 8, 1 << 20,
                LogLevel.ERR.bit() | LogLevel.WARN.bit(), 0, 0), new LogImpl(LogLevel.ERR.bit() | LogLevel.WARN.bit()));
        ctx.start();
        Map<String, Map<String, String>> protos = new LinkedHashMap<>();
        protos.put("wsecho", Map.of());
        protos.put("rec", Map.of());
        protos.put("post", Map.of());
        List<MountConfig> mounts = List.of(
                new MountConfig("/", "file://" + tmp, null, Map.of(), Map.of(), Map.of(), Map.of()),
                new MountConfig("/post", "callback://post", null, Map.of(), Map.of(), Map.of(), Map.of()));
        port = freePort();
        ctx.addVhost(new VhostConfig("test", "localhost", port, "127.0.0.1", 5, mounts, protos, Map.of(), Map.of()));
        noWsPort = freePort();
        ctx.addVhost(new VhostConfig("test", "no-ws", noWsPort, "127.0.0.1", 5, mounts, protos, Map.of(),
                Map.of("ws-over-h2", "0")));
        noH2cPort = freePort();
        ctx.addVhost(new VhostConfig("test", "no-h2c", noH2cPort, "127.0.0.1", 5, mounts, protos, Map.of(),
                Map.of("h2c", "0")));
        ctx.addProtocol("wsecho", wsEcho(), 0, 1);
        ctx.addProtocol("rec", recorder(), 0, 2);
        ctx.addProtocol("post", postEcho(), 0, 3);
    }

    @AfterAll
    static void stop() {
        ctx.stop();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static ClientConnectInfo h2(String url) {
        return ClientConnectInfo.parse(url).httpVersion(ClientConnectInfo.HTTP_2).localProtocol("rec").vhost("localhost");
    }

    /** The next event of client {@code c} (those of connections from earlier tests are dropped). */
    static String next(Connection c) throws InterruptedException {
        while (true) {
            String e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "no event for client " + c.id() + " within 10 s");
            if (e.startsWith(c.id() + "|")) {
                return e.substring(e.indexOf('|') + 1);
            }
        }
    }

    static String nextServer() throws InterruptedException {
        String e = server.poll(10, TimeUnit.SECONDS);
        assertNotNull(e, "no server event within 10 s");
        return e;
    }

    /** The body of one HTTP exchange: events up to COMPLETED_CLIENT_HTTP, the body joined. */
    static byte[] body(Connection c, List<String> head) throws InterruptedException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            String e = next(c);
            if (e.startsWith("READ:")) {
                b.writeBytes(HexFormat.of().parseHex(e.substring(5)));
            } else if (e.equals("COMPLETED")) {
                return b.toByteArray();
            } else {
                head.add(e);
                assertTrue(e.startsWith("ESTABLISHED:"), "unexpected " + e + " after " + head);
            }
        }
    }

    @Test
    void getOverH2c() throws Exception {
        Connection c = ctx.connect(h2("http://127.0.0.1:" + port + "/hello.txt"));
        List<String> head = new ArrayList<>();
        assertEquals("hello over h2\n", new String(body(c, head), StandardCharsets.UTF_8));
        assertEquals(List.of("ESTABLISHED:200:14:HTTP/2"), head);
        assertEquals("CLOSED_HTTP", next(c));
    }

    @Test
    void aResponseLargerThanBothWindows() throws Exception {
        Connection c = ctx.connect(h2("http://127.0.0.1:" + port + "/big.bin"));
        List<String> head = new ArrayList<>();
        byte[] got = body(c, head);
        assertEquals(List.of("ESTABLISHED:200:" + big.length + ":HTTP/2"), head);
        assertArrayEquals(big, got, "3 MiB through the client's 1 MiB stream and connection windows");
    }

    @Test
    void postChunkedBodyLargerThanAStreamWindow() throws Exception {
        postAndCheck(new byte[200_000], null);
    }

    @Test
    void postWithContentLength() throws Exception {
        postAndCheck(new byte[70_001], "70001");
    }

    private void postAndCheck(byte[] b, String contentLength) throws Exception {
        new Random(b.length).nextBytes(b);
        server.clear(); // what other tests' servers heard
        postBody = b;
        ClientConnectInfo i = h2("http://127.0.0.1:" + port + "/post").method("POST");
        if (contentLength != null) {
            i.header("Content-Length", contentLength);
        }
        Connection c = ctx.connect(i);
        List<String> head = new ArrayList<>();
        String answer = new String(body(c, head), StandardCharsets.UTF_8);
        assertEquals("len=" + b.length + " sha256=" + sha256(b), answer);
        assertEquals("ESTABLISHED:200", head.get(0).substring(0, 15));
        assertEquals("POST on HTTP/2", nextServer());
    }

    @Test
    void severalConnectionsAtOnce() throws Exception {
        List<Connection> cs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            cs.add(ctx.connect(h2("http://127.0.0.1:" + port + "/hello.txt")));
        }
        List<String> all = new ArrayList<>();
        while (all.size() < 3 * cs.size()) {
            String e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "no event within 10 s; so far " + all);
            long id = Long.parseLong(e.substring(0, e.indexOf('|')));
            if (cs.stream().anyMatch(c -> c.id() == id)) {
                all.add(e);
            }
        }
        for (Connection c : cs) {
            assertEquals(List.of(c.id() + "|ESTABLISHED:200:14:HTTP/2", c.id() + "|READ:" + hex("hello over h2\n"),
                    c.id() + "|COMPLETED"), all.stream().filter(e -> e.startsWith(c.id() + "|")).toList());
        }
    }

    @Test
    void webSocketOverH2cEchoes() throws Exception {
        server.clear();
        byte[] bin = new byte[100_000];
        new Random(3).nextBytes(bin);
        script.clear();
        script.add(new Object[] {WriteMode.TEXT, true, "hello h2 ws".getBytes(StandardCharsets.UTF_8)});
        script.add(new Object[] {WriteMode.BINARY, true, bin});
        script.add(new Object[] {WriteMode.TEXT, false, "frag-".getBytes(StandardCharsets.UTF_8)});
        script.add(new Object[] {WriteMode.CONTINUATION, false, "ment".getBytes(StandardCharsets.UTF_8)});
        script.add(new Object[] {WriteMode.CONTINUATION, true, "ed".getBytes(StandardCharsets.UTF_8)});
        script.add(new Object[] {WriteMode.PING, true, "are you there".getBytes(StandardCharsets.UTF_8)});
        Connection c = ctx.connect(h2("ws://127.0.0.1:" + port + "/").protocols("wsecho"));
        assertEquals("CLIENT_ESTABLISHED:HTTP/2", next(c));
        assertEquals("ESTABLISHED on HTTP/2", nextServer(), "the server saw an extended CONNECT");
        assertEquals("T:11:" + hex("hello h2 ws"), next(c));
        assertEquals("B:" + bin.length + ":" + sha256(bin), next(c));
        List<String> rest = new ArrayList<>(List.of(next(c), next(c), next(c), next(c)));
        // the pong is answered at once, the echoes wait for WRITEABLE: only their own order counts
        assertTrue(rest.remove("PONG:are you there"), "no pong in " + rest);
        assertEquals(List.of("T:5:" + hex("frag-") + " first", "T:4:" + hex("ment"), "T:2:" + hex("ed") + " final"), rest);
        c.execute(() -> c.close(4001, "done here"));
        assertEquals("PEER_CLOSE:4001:done here", nextServer());
        assertEquals("CLIENT_CLOSED", next(c));
    }

    @Test
    void webSocketToAServerWithoutRfc8441FailsClearly() throws Exception {
        script.clear();
        Connection c = ctx.connect(h2("ws://127.0.0.1:" + noWsPort + "/").protocols("wsecho"));
        String e = next(c);
        assertTrue(e.startsWith("CLIENT_CONNECTION_ERROR:") && e.contains("SETTINGS_ENABLE_CONNECT_PROTOCOL"), e);
    }

    @Test
    void priorKnowledgeToAPortWithoutH2cFailsClearly() throws Exception {
        Connection c = ctx.connect(h2("http://127.0.0.1:" + noH2cPort + "/hello.txt"));
        String e = next(c);
        assertTrue(e.startsWith("CLIENT_CONNECTION_ERROR:") && e.contains("does not speak HTTP/2 with prior knowledge"), e);
    }

    @Test
    void http11WhenNotAskedFor() throws Exception {
        Connection c = ctx.connect(ClientConnectInfo.parse("http://127.0.0.1:" + port + "/hello.txt").localProtocol("rec"));
        List<String> head = new ArrayList<>();
        assertEquals("hello over h2\n", new String(body(c, head), StandardCharsets.UTF_8));
        assertEquals(List.of("ESTABLISHED:200:14:HTTP/1.1"), head);
    }

    static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** The client side: records what it hears; sends {@link #script} or {@link #postBody}. */
    static Protocol recorder() {
        return new Protocol() {
            @Override
            public Object newSession(Connection wsi) {
                // POST body offset; the WebSocket frame being received and whether it is a message's first
                return new Object[] {new int[1], new ByteArrayOutputStream(), Boolean.FALSE};
            }

            @Override
            public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                switch (reason) {
                    case CLIENT_ESTABLISHED -> {
                        events.add(wsi.id() + "|" + "CLIENT_ESTABLISHED:" + wsi.httpVersion());
                        wsi.requestWriteable();
                    }
                    case CLIENT_WRITEABLE -> {
                        Object[] m = script.poll();
                        if (m != null) {
                            wsi.write(ByteBuffer.wrap((byte[]) m[2]), (WriteMode) m[0], (Boolean) m[1]);
                            wsi.requestWriteable();
                        }
                    }
                    case CLIENT_RECEIVE -> {
                        // a frame may come in pieces (the read size): report whole frames
                        ByteArrayOutputStream frame = (ByteArrayOutputStream) ((Object[]) wsi.session())[1];
                        if (frame.size() == 0) {
                            ((Object[]) wsi.session())[2] = wsi.isFirstFragment();
                        }
                        byte[] piece = new byte[in.remaining()];
                        in.get(piece);
                        frame.writeBytes(piece);
                        if (wsi.remainingPacketPayload() > 0) {
                            break;
                        }
                        byte[] b = frame.toByteArray();
                        frame.reset();
                        boolean first = (Boolean) ((Object[]) wsi.session())[2];
                        String what = (wsi.isBinary() ? "B:" : "T:") + b.length + ":";
                        try {
                            what += b.length > 1000 ? sha256(b) : HexFormat.of().formatHex(b);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        boolean whole = first && wsi.isFinalFragment();
                        events.add(wsi.id() + "|" + what + (whole ? "" : first ? " first" : wsi.isFinalFragment() ? " final" : ""));
                    }
                    case CLIENT_RECEIVE_PONG -> events.add(wsi.id() + "|" + "PONG:" + StandardCharsets.UTF_8.decode(in));
                    case CLIENT_CLOSED -> events.add(wsi.id() + "|" + "CLIENT_CLOSED");
                    case CLIENT_CONNECTION_ERROR -> events.add(wsi.id() + "|" + "CLIENT_CONNECTION_ERROR:" + StandardCharsets.UTF_8.decode(in));
                    case ESTABLISHED_CLIENT_HTTP -> events.add(wsi.id() + "|" + "ESTABLISHED:" + wsi.responseStatus() + ":"
                            + wsi.responseHeader("content-length") + ":" + wsi.httpVersion());
                    case RECEIVE_CLIENT_HTTP -> wsi.httpClientRead();
                    case RECEIVE_CLIENT_HTTP_READ -> {
                        byte[] b = new byte[in.remaining()];
                        in.get(b);
                        events.add(wsi.id() + "|" + "READ:" + HexFormat.of().formatHex(b));
                    }
                    case COMPLETED_CLIENT_HTTP -> events.add(wsi.id() + "|" + "COMPLETED");
                    case CLOSED_CLIENT_HTTP -> events.add(wsi.id() + "|" + "CLOSED_HTTP");
                    case CLIENT_HTTP_WRITEABLE -> {
                        int[] off = (int[]) ((Object[]) wsi.session())[0];
                        byte[] b = postBody;
                        int n = Math.min(16_000, b.length - off[0]);
                        boolean fin = off[0] + n == b.length;
                        wsi.write(ByteBuffer.wrap(b, off[0], n), WriteMode.HTTP, fin);
                        off[0] += n;
                        if (!fin) {
                            wsi.requestWriteable();
                        }
                    }
                    default -> {
                    }
                }
                return Result.CONTINUE;
            }
        };
    }

    /** The server side of the WebSocket: echoes each frame as the client framed it; reports what it hears. */
    static Protocol wsEcho() {
        final class Echo {
            final ArrayDeque<Object[]> out = new ArrayDeque<>();
            ByteArrayOutputStream frame;
            WriteMode mode;
        }
        return new Protocol() {
            @Override
            public Object newSession(Connection wsi) {
                return new Echo();
            }

            @Override
            public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                Echo e = wsi.session();
                switch (reason) {
                    case ESTABLISHED -> server.add("ESTABLISHED on " + wsi.httpVersion());
                    case RECEIVE -> {
                        if (e.frame == null) { // a frame may come in pieces (the read size): join them
                            e.frame = new ByteArrayOutputStream();
                            e.mode = !wsi.isFirstFragment() ? WriteMode.CONTINUATION : wsi.isBinary() ? WriteMode.BINARY : WriteMode.TEXT;
                        }
                        byte[] b = new byte[in.remaining()];
                        in.get(b);
                        e.frame.writeBytes(b);
                        if (wsi.remainingPacketPayload() == 0) {
                            e.out.add(new Object[] {e.mode, wsi.isFinalFragment(), e.frame.toByteArray()});
                            e.frame = null;
                            wsi.requestWriteable();
                        }
                    }
                    case SERVER_WRITEABLE -> {
                        Object[] m = e.out.poll();
                        if (m != null) {
                            wsi.write(ByteBuffer.wrap((byte[]) m[2]), (WriteMode) m[0], (Boolean) m[1]);
                            if (!e.out.isEmpty()) {
                                wsi.requestWriteable();
                            }
                        }
                    }
                    case WS_PEER_INITIATED_CLOSE -> {
                        int code = in.remaining() >= 2 ? in.getShort() & 0xffff : -1;
                        server.add("PEER_CLOSE:" + code + ":" + StandardCharsets.UTF_8.decode(in));
                    }
                    default -> {
                    }
                }
                return Result.CONTINUE;
            }
        };
    }

    /** An HTTP callback mount answering a POST with its body's length and SHA-256. */
    static Protocol postEcho() {
        return new Protocol() {
            @Override
            public Object newSession(Connection wsi) {
                return new ByteArrayOutputStream();
            }

            @Override
            public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                ByteArrayOutputStream body = wsi.session();
                switch (reason) {
                    case HTTP -> server.add(wsi.request().method() + " on " + wsi.httpVersion());
                    case HTTP_BODY -> {
                        byte[] b = new byte[in.remaining()];
                        in.get(b);
                        body.writeBytes(b);
                    }
                    case HTTP_BODY_COMPLETION -> {
                        byte[] all = body.toByteArray();
                        try {
                            wsi.respond(HttpResponse.of(200).contentType("text/plain"),
                                    ByteBuffer.wrap(("len=" + all.length + " sha256=" + sha256(all)).getBytes(StandardCharsets.UTF_8)));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    default -> {
                    }
                }
                return Result.CONTINUE;
            }
        };
    }
}
