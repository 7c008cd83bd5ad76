package org.lws4j.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.ClientConnectInfo;
import org.lws4j.api.Connection;
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
 * The three kinds of client against our own server on 127.0.0.1: a WebSocket echo round trip,
 * an HTTP GET read with the client read call, and a raw client on a fallback-to-raw vhost; plus
 * a connect to a closed port, and a peer that resets before it answers, reporting
 * CLIENT_CONNECTION_ERROR.
 */
class ClientSmokeTest {
    @TempDir
    static Path tmp;
    static ContextImpl ctx;
    static int port;
    static final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    /** What the "watch" client protocol is told, as "ID REASON". */
    static final BlockingQueue<String> watched = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(tmp.resolve("hello.txt"), "hello from the server\n");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ctx = new ContextImpl(new ContextConfig(1, "lws4j-test", 5, 0, 0, 0, 8192, 8, 1 << 20, 3, 0, 0), new LogImpl(3));
        ctx.start();
        Map<String, Map<String, String>> protos = new LinkedHashMap<>();
        protos.put("echo", Map.of());
        protos.put("client", Map.of());
        protos.put("rawecho", Map.of("raw", "1"));
        protos.put("watch", Map.of());
        MountConfig m = new MountConfig("/", "file://" + tmp, null, Map.of(), Map.of(), Map.of(), Map.of());
        ctx.addVhost(new VhostConfig("test", "localhost", port, "127.0.0.1", 5, List.of(m), protos, Map.of(),
                Map.of("fallback-to-raw", "1", "raw-fallback-timeout-ms", "500")));
        ctx.addProtocol("echo", echo(), 0, 1);
        ctx.addProtocol("client", client(), 0, 2);
        ctx.addProtocol("rawecho", rawEcho(), 0, 3);
        ctx.addProtocol("watch", (wsi, reason, in) -> {
            watched.add(wsi.id() + " " + reason);
            return Result.CONTINUE;
        }, 0, 4);
    }

    @AfterAll
    static void stop() {
        ctx.stop();
    }

    static Protocol echo() {
        return new Protocol() {
            @Override
            public Object newSession(Connection wsi) {
                return new ArrayList<byte[]>();
            }

            @Override
            public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                return echoCallback(wsi, reason, in);
            }
        };
    }

    static Result echoCallback(Connection wsi, Reason reason, ByteBuffer in) {
        {
            if (reason == Reason.RECEIVE) {
                List<byte[]> q = wsi.session();
                byte[] b = new byte[in.remaining()];
                in.get(b);
                q.add(b);
                wsi.requestWriteable();
            } else if (reason == Reason.SERVER_WRITEABLE) {
                List<byte[]> q = wsi.session();
                if (!q.isEmpty()) {
                    wsi.write(ByteBuffer.wrap(q.remove(0)), WriteMode.TEXT);
                }
            }
            return Result.CONTINUE;
        }
    }

    static Protocol rawEcho() {
        return new Protocol() {
            @Override
            public Object newSession(Connection wsi) {
                return new ArrayList<byte[]>();
            }

            @Override
            public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                List<byte[]> q = wsi.session();
                if (reason == Reason.RAW_RX) {
                    byte[] b = new byte[in.remaining()];
                    in.get(b);
                    q.add(b);
                    wsi.requestWriteable();
                } else if (reason == Reason.RAW_WRITEABLE && !q.isEmpty()) {
                    wsi.write(ByteBuffer.wrap(q.remove(0)), WriteMode.RAW);
                }
                return Result.CONTINUE;
            }
        };
    }

    /** Records what a client sees as "REASON:data". */
    static Protocol client() {
        return new Protocol() {
            @Override
            public Object newSession(Connection wsi) {
                return new ArrayList<byte[]>();
            }

            @Override
            public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                String data = StandardCharsets.UTF_8.decode(in).toString();
                switch (reason) {
                    case CLIENT_ESTABLISHED:
                    case RAW_ADOPT:
                        events.add(reason.name());
                        wsi.requestWriteable();
                        break;
                    case CLIENT_WRITEABLE:
                        wsi.write(ByteBuffer.wrap("hello ws".getBytes(StandardCharsets.UTF_8)), WriteMode.TEXT);
                        break;
                    case RAW_WRITEABLE:
                        wsi.write(ByteBuffer.wrap("hello raw\n".getBytes(StandardCharsets.UTF_8)), WriteMode.RAW);
                        break;
                    case ESTABLISHED_CLIENT_HTTP:
                        events.add(reason.name() + ":" + wsi.responseStatus() + ":" + wsi.responseHeader("content-length"));
                        break;
                    case RECEIVE_CLIENT_HTTP:
                        wsi.httpClientRead();
                        break;
                    case CLIENT_RECEIVE:
                    case RAW_RX:
                    case RECEIVE_CLIENT_HTTP_READ:
                    case CLIENT_CONNECTION_ERROR:
                        events.add(reason.name() + ":" + data);
                        break;
                    case COMPLETED_CLIENT_HTTP:
                    case CLIENT_CLOSED:
                        events.add(reason.name());
                        break;
                    default:
                        break;
                }
                return Result.CONTINUE;
            }
        };
    }

    static String next() throws InterruptedException {
        String e = events.poll(5, TimeUnit.SECONDS);
        assertTrue(e != null, "no client event within 5 s");
        return e;
    }

    @Test
    void webSocketClientRoundTrip() throws Exception {
        events.clear();
        Connection c = ctx.connect(ClientConnectInfo.parse("ws://127.0.0.1:" + port + "/").protocols("echo").localProtocol("client"));
        assertTrue(c.isClient());
        assertEquals("CLIENT_ESTABLISHED", next());
        assertEquals("CLIENT_RECEIVE:hello ws", next());
        c.execute(() -> c.close(1000, "done"));
        assertEquals("CLIENT_CLOSED", next());
    }

    @Test
    void httpClientGet() throws Exception {
        events.clear();
        ctx.connect(ClientConnectInfo.parse("http://127.0.0.1:" + port + "/hello.txt").localProtocol("client"));
        assertEquals("ESTABLISHED_CLIENT_HTTP:200:22", next());
        assertEquals("RECEIVE_CLIENT_HTTP_READ:hello from the server\n", next());
        assertEquals("COMPLETED_CLIENT_HTTP", next());
    }

    @Test
    void rawClientOnAFallbackVhost() throws Exception {
        events.clear();
        ctx.connect(ClientConnectInfo.parse("raw://127.0.0.1:" + port).localProtocol("client"));
        assertEquals("RAW_ADOPT", next());
        assertEquals("RAW_RX:hello raw\n", next());
    }

    /**
     * A peer that reads the request and resets the connection before answering (as a TLS peer
     * refusing our certificate does): the ws and the http client each hear
     * CLIENT_CONNECTION_ERROR; before, nothing came and the client waited for ever.
     */
    @Test
    void aResetBeforeTheAnswerIsAConnectionError() throws Exception {
        try (ServerSocket rst = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> resetAfterRequest(rst), "reset-after-request");
            t.setDaemon(true);
            t.start();
            for (String url : List.of("ws://127.0.0.1:" + rst.getLocalPort() + "/", "http://127.0.0.1:" + rst.getLocalPort() + "/")) {
                Connection c = ctx.connect(ClientConnectInfo.parse(url).protocols("echo").localProtocol("watch"));
                assertEquals(c.id() + " " + Reason.CLIENT_CONNECTION_ERROR, outcome(c.id()), url);
            }
        }
    }

    /** The first of CLIENT_CONNECTION_ERROR, CLIENT_ESTABLISHED, ESTABLISHED_CLIENT_HTTP the "watch" client {@code id} hears. */
    private static String outcome(long id) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        while (true) {
            String e = watched.poll(20, TimeUnit.SECONDS);
            assertTrue(e != null, "client " + id + ": no outcome; heard " + seen);
            seen.add(e);
            if (e.startsWith(id + " ") && (e.endsWith(" " + Reason.CLIENT_CONNECTION_ERROR) || e.endsWith(" " + Reason.CLIENT_ESTABLISHED)
                    || e.endsWith(" " + Reason.ESTABLISHED_CLIENT_HTTP))) {
                return e;
            }
        }
    }

    /** Accepts, reads a request head, and resets the connection (SO_LINGER 0), until closed. */
    private static void resetAfterRequest(ServerSocket rst) {
        try {
            while (true) {
                try (Socket s = rst.accept()) {
                    InputStream in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    for (int c; !head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0; ) {
                        head.append((char) c);
                    }
                    s.setSoLinger(true, 0);
                }
            }
        } catch (IOException over) {
            // the test is over
        }
    }

    @Test
    void connectToAClosedPortReportsAnError() throws Exception {
        events.clear();
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ctx.connect(ClientConnectInfo.parse("ws://127.0.0.1:" + closed + "/").localProtocol("client"));
        String e = next();
        assertTrue(e.startsWith("CLIENT_CONNECTION_ERROR:"), e);
    }
}
