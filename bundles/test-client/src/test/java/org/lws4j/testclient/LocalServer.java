package org.lws4j.testclient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.lws4j.api.LogLevel;
import org.lws4j.api.Protocol;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;
import org.lws4j.protocol.dumbincrement.DumbIncrementProtocol;
import org.lws4j.protocol.echo.EchoProtocol;
import org.lws4j.protocol.mirror.MirrorProtocol;
import org.lws4j.protocol.rawtest.RawTestProtocol;

/**
 * The demo server in this JVM, on 127.0.0.1 and free ports: {@link #port} serves {@code dir}
 * and the demo WebSocket protocols (dumb-increment, mirror, lws-echo); {@link #rawPort} is a
 * fallback-to-raw vhost echoing with protocol-lws-raw-test. Its log lines are kept in {@link #log}.
 */
final class LocalServer implements AutoCloseable {
    final ContextImpl ctx;
    final int port;
    final int rawPort;
    final BlockingQueue<String> log = new LinkedBlockingQueue<>();

    LocalServer(Path dir, Map<String, Protocol> extra) throws IOException {
        port = freePort();
        rawPort = freePort();
        LogImpl l = new LogImpl(LogLevel.DEFAULT_MASK);
        l.addEmitter((level, t, line) -> log.add(level.tag() + ": " + line));
        ctx = new ContextImpl(new ContextConfig(1, "lws4j-test", 5, 0, 0, 0, 8192, 8, 1 << 20, l.mask(), 0, 0), l);
        ctx.start();
        Map<String, Map<String, String>> ws = new LinkedHashMap<>();
        ws.put(DumbIncrementProtocol.NAME, Map.of());
        ws.put(MirrorProtocol.NAME, Map.of());
        ws.put(EchoProtocol.NAME, Map.of());
        extra.keySet().forEach(n -> ws.put(n, Map.of()));
        MountConfig m = new MountConfig("/", "file://" + dir, null, Map.of(), Map.of(), Map.of(), Map.of());
        ctx.addVhost(new VhostConfig("test", "localhost", port, "127.0.0.1", 5, List.of(m), ws, Map.of(), Map.of()));
        ctx.addVhost(new VhostConfig("test", "raw", rawPort, "127.0.0.1", 5, List.of(m),
                Map.of(RawTestProtocol.NAME, Map.of("raw", "1", "fifo-path", dir.resolve("raw.fifo").toString())), Map.of(),
                Map.of("fallback-to-raw", "1", "raw-fallback-timeout-ms", "500")));
        long id = 1;
        ctx.addProtocol(DumbIncrementProtocol.NAME, new DumbIncrementProtocol(), 0, id++);
        ctx.addProtocol(MirrorProtocol.NAME, new MirrorProtocol(), 0, id++);
        ctx.addProtocol(EchoProtocol.NAME, new EchoProtocol(), 0, id++);
        ctx.addProtocol(RawTestProtocol.NAME, new RawTestProtocol(), 0, id++);
        for (Map.Entry<String, Protocol> e : extra.entrySet()) {
            ctx.addProtocol(e.getKey(), e.getValue(), 0, id++);
        }
    }

    LocalServer(Path dir) throws IOException {
        this(dir, Map.of());
    }

    /** A port nothing listens on (just closed). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        ctx.stop();
    }
}
