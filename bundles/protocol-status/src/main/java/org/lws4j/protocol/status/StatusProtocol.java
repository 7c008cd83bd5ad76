package org.lws4j.protocol.status;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.Connection;
import org.lws4j.api.Context;
import org.lws4j.api.Protocol;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.ProtocolName;
import org.lws4j.api.Result;
import org.lws4j.api.VhostProtocol;
import org.lws4j.api.WriteMode;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;

/**
 * {@code lws-status}, wire-compatible with libwebsockets' plugin of that name: every connection
 * on it gets a JSON text message describing the server and its connections ({@link StatusJson}),
 * again whenever that changes, at most ten times a second.
 *
 * <p>Per vhost binding, a timed callback every {@value #PERIOD_MS} ms lets the
 * {@link StatusBoard} compare a fingerprint of the connections with the last one; on a change it
 * makes a new snapshot and asks for WRITEABLE on every viewer; each WRITEABLE sends the latest
 * snapshot it has not sent yet. A slow viewer simply skips the snapshots that came and went
 * while its socket was full. What viewers send is ignored, as lws does.
 */
@Component(service = Protocol.class)
@ProtocolName(StatusProtocol.NAME)
public final class StatusProtocol extends ProtocolAdapter {
    public static final String NAME = "lws-status";
    static final long PERIOD_MS = 100;
    static final int MAX_USER_AGENT = 255;
    private static final Object TICK = "tick";

    private final String hostname = hostname();

    /** Per connection: the board it watches and the snapshot it sent last. */
    static final class Session {
        StatusBoard board;
        long sent = -1;
        boolean overH2;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new Session();
    }

    /** lws's plugin asks for 512; nothing it is sent matters. */
    @Override
    public int rxBufferSize() {
        return 512;
    }

    @Override
    protected Result onProtocolInit(VhostProtocol binding) {
        Context ctx = binding.vhost().context();
        binding.setData(new StatusBoard(ctx, version(ctx), hostname));
        binding.timedCallback(TICK, PERIOD_MS, TimeUnit.MILLISECONDS);
        return Result.CONTINUE;
    }

    @Override
    protected void onTimedCallback(VhostProtocol binding, Object tag) {
        StatusBoard board = binding.data();
        if (board.tick(System.currentTimeMillis())) {
            binding.requestWriteableAll();
        }
        binding.timedCallback(TICK, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected Result onEstablished(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        s.board = wsi.protocolBinding().data();
        s.overH2 = "HTTP/2".equals(wsi.httpVersion());
        String ua = wsi.request().header("User-Agent");
        if (ua == null) {
            ua = "unknown";
        } else if (ua.length() > MAX_USER_AGENT) {
            ua = ua.substring(0, MAX_USER_AGENT);
        }
        s.board.join(new StatusBoard.Viewer(wsi.id(), host(wsi.peerAddress()), System.currentTimeMillis(), ua));
        // the last snapshot now, if there is one; the next tick sees the newcomer and sends again
        wsi.requestWriteable();
        return Result.CONTINUE;
    }

    @Override
    protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        StatusBoard.Snapshot snap = s.board == null ? null : s.board.latest();
        if (snap == null || snap.version() == s.sent) {
            return Result.CONTINUE;
        }
        s.sent = snap.version();
        return wsi.write(ByteBuffer.wrap(s.overH2 ? snap.jsonOverH2() : snap.json()), WriteMode.TEXT) ? Result.CONTINUE : Result.CLOSE;
    }

    @Override
    protected Result onClosed(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        if (s != null && s.board != null) {
            s.board.leave(wsi.id());
        }
        return Result.CONTINUE;
    }

    private static String host(InetSocketAddress a) {
        if (a == null) {
            return "unknown";
        }
        return a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    }

    /** The core's bundle version in OSGi, else what the core jar's manifest says, else "unknown". */
    static String version(Context ctx) {
        try {
            Bundle b = FrameworkUtil.getBundle(ctx.getClass());
            if (b != null) {
                return b.getVersion().toString();
            }
        } catch (LinkageError notInOsgi) {
            // embedded without the OSGi framework classes: fall through
        }
        String v = ctx.getClass().getPackage() == null ? null : ctx.getClass().getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /** gethostname(), as lws's canonical host name, without asking DNS. */
    static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h.trim();
        }
        for (String f : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
            try {
                String s = Files.readString(Path.of(f), StandardCharsets.UTF_8).trim();
                if (!s.isEmpty()) {
                    return s;
                }
            } catch (IOException | RuntimeException e) {
                // try the next
            }
        }
        return "localhost";
    }
}
