package org.lws4j.core.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.LogLevel;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.vhost.VhostImpl;

/** ConfiguredVhost on a real context: applied, re-applied, bad changes refused, removed. */
class ConfiguredVhostTest {
    private static final String FILE = "file:/opt/karaf/etc/org.lws4j.vhost-site.cfg";
    private final List<String> log = new CopyOnWriteArrayList<>();
    private ContextImpl ctx;
    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws IOException {
        LogImpl l = new LogImpl(LogLevel.ERR.bit() | LogLevel.WARN.bit() | LogLevel.NOTICE.bit());
        l.addEmitter((level, ts, line) -> log.add(line));
        ctx = new ContextImpl(ContextConfig.defaults(), l);
        ctx.start();
    }

    @AfterEach
    void stop() {
        ctx.stop();
    }

    private Map<String, Object> props(int port, String... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("felix.fileinstall.filename", FILE);
        m.put("service.pid", "org.lws4j.vhost.abc");
        m.put("port", Integer.toString(port));
        m.put("interface", "127.0.0.1");
        m.put("mounts.0.mountpoint", "/");
        m.put("mounts.0.origin", "file://" + tmp);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private VhostImpl only() {
        List<VhostImpl> vs = ctx.vhostImpls();
        assertEquals(1, vs.size(), vs.toString());
        return vs.get(0);
    }

    @Test
    void appliedReappliedBadChangesKeepTheLastGoodAndRemovedAtTheEnd() throws IOException {
        Files.writeString(tmp.resolve("index.html"), "hi");
        int port = freePort();
        ConfiguredVhost cv = new ConfiguredVhost(ctx, props(port));
        VhostImpl v = only();
        assertEquals("site", v.name());
        assertEquals(port, ctx.boundPort(v));
        assertEquals("etc/org.lws4j.vhost-site.cfg", v.config().source());

        // a good change: re-applied live, with the new mount
        cv.modified(props(port, "mounts.1.mountpoint", "/app", "mounts.1.origin", "callback://my-protocol"));
        assertEquals(2, only().mounts().size());
        assertTrue(log.stream().anyMatch(s -> s.contains("etc/org.lws4j.vhost-site.cfg: vhost site on port " + port
                + " re-applied")), log.toString());

        // a bad value: logged with its key, nothing changes
        VhostImpl before = only();
        cv.modified(props(port, "keepalive_timeout", "soon"));
        assertTrue(log.stream().anyMatch(s -> s.contains("etc/org.lws4j.vhost-site.cfg: keepalive_timeout:")), log.toString());
        assertTrue(log.stream().anyMatch(s -> s.contains("keeps its last good configuration")), log.toString());
        assertEquals(before, only());

        // a port that cannot be opened: the old vhost is put back
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            cv.modified(props(busy.getLocalPort()));
            assertEquals(port, only().port());
            assertEquals(port, ctx.boundPort(only()));
        }

        // touched, unchanged: nothing happens
        VhostImpl same = only();
        cv.modified(props(port, "mounts.1.mountpoint", "/app", "mounts.1.origin", "callback://my-protocol"));
        assertEquals(same, only());

        cv.deactivate();
        assertEquals(List.of(), ctx.vhostImpls());
    }

    @Test
    void aBadFirstConfigurationServesNothingUntilFixed() throws IOException {
        int port = freePort();
        ConfiguredVhost cv = new ConfiguredVhost(ctx, props(port, "mounts.0.origin", "relative/dir"));
        assertEquals(List.of(), ctx.vhostImpls());
        assertTrue(log.stream().anyMatch(s -> s.contains("mounts.0.origin") && s.contains("relative/dir")), log.toString());
        assertTrue(log.stream().anyMatch(s -> s.contains("not served until the configuration is fixed")), log.toString());
        cv.modified(props(port));
        assertEquals(port, only().port());
        cv.deactivate();
    }

    @Test
    void theCommandsShowTheVhostItsLimitsAndConnections() throws IOException {
        int port = freePort();
        ConfiguredVhost cv = new ConfiguredVhost(ctx, props(port, "ws-protocols", "dumb-increment-protocol",
                "mounts.1.mountpoint", "/app", "mounts.1.origin", "callback://my-protocol"));
        LwsCommands cmd = new LwsCommands(ctx, null);
        String text = cmd.vhostsText();
        assertTrue(text.contains("vhost site port " + port + ": tls no, keepalive 5 s"), text);
        assertTrue(text.contains("request body 64 MiB"), text);
        assertTrue(text.contains("header pool 0 of 32 in use (8 KiB each)"), text);
        assertTrue(text.matches("(?s).*/app\\s+callback://my-protocol\\s+protocol missing: 503.*"), text);
        assertTrue(text.matches("(?s).*dumb-increment-protocol\\s+missing.*"), text);
        assertTrue(text.contains("127.0.0.1:" + port), text);
        String conns = cmd.connectionsText(null);
        assertTrue(conns.startsWith("ID  VHOST  PROTOCOL  ROLE  PEER  AGE  IN  OUT\n"), conns);
        assertTrue(conns.endsWith("0 connections\n"), conns);
        cv.deactivate();
    }
}
