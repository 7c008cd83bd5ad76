package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lws4j.api.LogLevel;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.log.StderrEmitter;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.core.ws.TestProtocol.Mode;

/**
 * A real context with one vhost on 127.0.0.1 offering {@link TestProtocol}s (the first is the
 * default), for the WebSocket socket tests. Each test class starts the servers it needs in
 * {@code @BeforeAll} and closes them in {@code @AfterAll}. Set the environment variable
 * LWS4J_TEST_LOG to see the server's log on stderr.
 *
 * <p>Two standard servers: {@link #startBig()} with the default size limits offers echo
 * (default), second-echo, small-rx (rxBufferSize 100), flow (pauses rx on its first RECEIVE) and
 * misuse (writes where it must not); {@link #startSmall()} offers echo with ws-max-frame-size
 * {@value #SMALL_FRAME} and ws-max-message-size {@value #SMALL_MESSAGE}.
 */
final class WsTestServer implements AutoCloseable {
    static final int SMALL_FRAME = 1000;
    static final int SMALL_MESSAGE = 2500;
    private static final int LOG_MASK = LogLevel.ERR.bit() | LogLevel.WARN.bit() | LogLevel.NOTICE.bit()
            | LogLevel.INFO.bit();

    /** The servers running now, by port, so a client can ask its server what it has read. */
    private static final Map<Integer, WsTestServer> RUNNING = new java.util.concurrent.ConcurrentHashMap<>();

    final ContextImpl ctx;
    /** The server's log lines so far. */
    java.util.Queue<String> log;
    final VhostImpl vhost;
    final int port;
    private final Map<String, TestProtocol> protocols = new HashMap<>();

    private WsTestServer(ContextImpl ctx, VhostImpl vhost, int port) {
        this.ctx = ctx;
        this.vhost = vhost;
        this.port = port;
    }

    /** Default size limits; echo (default), second-echo, small-rx, flow and misuse. */
    static WsTestServer startBig() throws IOException {
        return start(config(ContextConfig.DEFAULT_WS_MAX, ContextConfig.DEFAULT_WS_MAX, 0),
                new TestProtocol("echo", Mode.ECHO, 0), new TestProtocol("second-echo", Mode.ECHO, 0),
                new TestProtocol("small-rx", Mode.ECHO, 100), new TestProtocol("flow", Mode.FLOW, 0),
                new TestProtocol("misuse", Mode.MISUSE, 0));
    }

    /** Frames up to {@value #SMALL_FRAME} bytes, messages up to {@value #SMALL_MESSAGE}; echo only. */
    static WsTestServer startSmall() throws IOException {
        return start(config(SMALL_FRAME, SMALL_MESSAGE, 0), new TestProtocol("echo", Mode.ECHO, 0));
    }

    /** One service thread, a 5 s timeout, the given WebSocket limits and ping interval (0: never). */
    static ContextConfig config(long maxFrame, long maxMessage, int pingPongSecs) {
        return new ContextConfig(1, "lws4j-test", 5, 0, 0, 0, 4096, 8, 1 << 20, LOG_MASK, 0, pingPongSecs, maxFrame,
                maxMessage);
    }

    static WsTestServer start(ContextConfig cfg, TestProtocol... protocols) throws IOException {
        Map<String, org.lws4j.api.Protocol> named = new LinkedHashMap<>();
        for (TestProtocol p : protocols) {
            named.put(p.name, p);
        }
        return start(cfg, named);
    }

    /** Offers {@code protocols} (the first is the default); {@link #protocol} finds those that are TestProtocols. */
    static WsTestServer start(ContextConfig cfg, Map<String, ? extends org.lws4j.api.Protocol> protocols) throws IOException {
        LogImpl log = new LogImpl(cfg.logLevel());
        java.util.Queue<String> lines = new java.util.concurrent.ConcurrentLinkedQueue<>();
        log.addEmitter((level, ts, line) -> lines.add(line));
        if (System.getenv("LWS4J_TEST_LOG") != null) {
            log.addEmitter(new StderrEmitter(System.err));
        }
        ContextImpl ctx = new ContextImpl(cfg, log);
        ctx.start();
        Map<String, Map<String, String>> offered = new LinkedHashMap<>();
        for (String name : protocols.keySet()) {
            offered.put(name, Map.of());
        }
        // the vhost config treats port 0 as "no listener", so take a free port (retrying a race)
        for (int attempt = 0; attempt < 10; attempt++) {
            int port = freePort();
            VhostImpl v = ctx.addVhost(new VhostConfig("ws-test", "localhost", port, "127.0.0.1", 5, List.of(),
                    offered, Map.of(), Map.of()));
            if (v != null) {
                assertEquals(port, ctx.boundPort(v));
                WsTestServer s = new WsTestServer(ctx, v, port);
                s.log = lines;
                RUNNING.put(port, s);
                long id = 1;
                for (Map.Entry<String, ? extends org.lws4j.api.Protocol> p : protocols.entrySet()) {
                    ctx.addProtocol(p.getKey(), p.getValue(), 0, id++);
                    if (p.getValue() instanceof TestProtocol t) {
                        s.protocols.put(p.getKey(), t);
                    }
                }
                return s;
            }
        }
        ctx.stop();
        throw new IOException("no free port");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** The server listening on {@code port}, or null. */
    static WsTestServer at(int port) {
        return RUNNING.get(port);
    }

    /** The service thread (there is one). */
    ServiceThread thread() {
        return ctx.threads().get(0);
    }

    TestProtocol protocol(String name) {
        return protocols.get(name);
    }

    /** A client of the default protocol, with a fresh tag. */
    WsTestClient client() throws IOException {
        return client(WsTestClient.newTag());
    }

    /** A client of the default protocol, tagged {@code tag} for the protocol's records. */
    WsTestClient client(String tag) throws IOException {
        return WsTestClient.open(port, tag, null);
    }

    @Override
    public void close() {
        RUNNING.remove(port, this);
        ctx.stop();
    }
}
