package org.lws4j.core.http;

import java.nio.ByteBuffer;
import java.util.List;

import org.lws4j.api.LogLevel;
import org.lws4j.core.config.ConfigValues;
import org.lws4j.core.log.LogBuild;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.raw.RawHandler;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.core.vhost.VhostProtocolImpl;

/**
 * lws's LWS_SERVER_OPTION_FALLBACK_TO_RAW: on a port whose default vhost has
 * {@code "fallback-to-raw": "1"}, a connection that does not start like HTTP (or stays silent for
 * {@code raw-fallback-timeout-ms}) becomes a raw one on the vhost's protocol with pvo
 * {@code "raw": "1"}. The HTTP role decides when; this says whether, how long, and makes the switch.
 */
final class RawFallback {
    static final long DEFAULT_TIMEOUT_MS = 2000;

    private RawFallback() {
    }

    /** True when the port's default vhost (the first candidate) falls back to raw. */
    static boolean enabled(List<VhostImpl> candidates) {
        return !candidates.isEmpty() && candidates.get(0).config().flagOption("fallback-to-raw", false);
    }

    /** How long a new connection may stay silent and still be taken for HTTP. */
    static long timeoutMillis(VhostImpl v) {
        String t = v.config().options().get("raw-fallback-timeout-ms");
        try {
            return t == null ? DEFAULT_TIMEOUT_MS : Math.max(1, Long.parseLong(t.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_TIMEOUT_MS;
        }
    }

    /**
     * The connection becomes raw on {@code v}'s first bound protocol with pvo "raw": "1", or is
     * closed when there is none; {@code replay} holds bytes already taken as a would-be request
     * head, handed over first, then the rest of {@code in}.
     */
    static void become(ConnectionImpl conn, VhostImpl v, byte[] replay, ByteBuffer in) {
        VhostProtocolImpl b = null;
        for (String name : v.protocolNames()) {
            String raw = v.pvo(name).get("raw");
            if (raw != null && ConfigValues.isTrue(raw) && v.binding(name) != null) {
                b = v.binding(name);
                break;
            }
        }
        if (b == null) {
            conn.closeNow("not HTTP, and no protocol with pvo raw=1 is bound on vhost " + v.name());
            return;
        }
        if (LogBuild.INFO && conn.host().log().enabled(LogLevel.INFO)) {
            conn.log(LogLevel.INFO, "%s: not HTTP: raw on %s", conn, b.name());
        }
        conn.setVhost(v);
        conn.bindProtocol(b);
        RawHandler r = new RawHandler(conn, false, false);
        conn.setHandler(r);
        if (replay.length > 0 && conn.isOpen()) {
            r.onData(ByteBuffer.wrap(replay));
        }
        if (in != null && in.hasRemaining() && conn.isOpen()) {
            r.onData(in);
        }
    }
}
