package org.lws4j.core.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.lws4j.api.ClientConnectInfo;
import org.lws4j.spi.extension.Extension;
import org.lws4j.spi.extension.ExtensionOffer;
import org.lws4j.spi.extension.ExtensionSession;
import org.lws4j.api.Reason;
import org.lws4j.api.Role;
import org.lws4j.core.http.HttpHost;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.conn.RoleHandler;
import org.lws4j.core.ws.WsHandler;
import org.lws4j.core.ws.WsUpgrade;

/**
 * The client side of the opening handshake (RFC 6455 section 4.1): sends the upgrade request once
 * connected, checks the answer (101, Upgrade, Connection, Sec-WebSocket-Accept, the protocol and
 * extensions it agreed to) and hands over to the WebSocket role, which calls CLIENT_ESTABLISHED.
 * Any failure is CLIENT_CONNECTION_ERROR with the reason.
 */
final class WsClientHandshake extends RoleHandler {
    private final ClientConnectInfo info;
    private final HttpHost host;
    private final String key;
    private final List<Extension> offered = new ArrayList<>();
    private final ResponseHeadReader reader = new ResponseHeadReader();
    private boolean failed;

    WsClientHandshake(ConnectionImpl conn, ClientConnectInfo info, HttpHost host) {
        super(conn);
        this.info = info;
        this.host = host;
        byte[] k = new byte[16];
        ThreadLocalRandom.current().nextBytes(k);
        this.key = Base64.getEncoder().encodeToString(k);
    }

    @Override
    public Role role() {
        return Role.WEBSOCKET;
    }

    @Override
    public void onConnected() {
        StringBuilder b = new StringBuilder(256);
        b.append("GET ").append(info.path()).append(" HTTP/1.1\r\n");
        b.append("Host: ").append(info.host()).append(portSuffix()).append("\r\n");
        b.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
        b.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
        b.append("Sec-WebSocket-Version: 13\r\n");
        if (!info.protocols().isEmpty()) {
            b.append("Sec-WebSocket-Protocol: ").append(String.join(", ", info.protocols())).append("\r\n");
        }
        if (info.origin() != null) {
            b.append("Origin: ").append(info.origin()).append("\r\n");
        }
        List<String> offers = new ArrayList<>();
        for (String name : List.of("permessage-deflate")) {
            Extension e = host.extension(name);
            ExtensionOffer o = e == null ? null : e.clientOffer();
            if (o != null) {
                offered.add(e);
                offers.add(o.toString());
            }
        }
        if (!offers.isEmpty()) {
            b.append("Sec-WebSocket-Extensions: ").append(String.join(", ", offers)).append("\r\n");
        }
        info.headers().forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        b.append("\r\n");
        conn.setRoleDeadline(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(info.connectTimeoutMillis()));
        conn.send(ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.ISO_8859_1)));
    }

    private String portSuffix() {
        int p = info.port();
        return (info.tls() && p == 443) || (!info.tls() && p == 80) ? "" : ":" + p;
    }

    @Override
    public void onData(ByteBuffer in) {
        if (failed || !reader.feed(in)) {
            return;
        }
        if (reader.error() != null) {
            fail(reader.error());
            return;
        }
        if (reader.status() != 101) {
            fail("the server answered " + reader.status() + " " + reader.reason() + " instead of 101");
            return;
        }
        if (!reader.hasToken("upgrade", "websocket") || !reader.hasToken("connection", "upgrade")) {
            fail("the 101 lacks Upgrade: websocket or Connection: Upgrade");
            return;
        }
        if (!WsUpgrade.accept(key).equals(reader.header("sec-websocket-accept"))) {
            fail("Sec-WebSocket-Accept does not match our key");
            return;
        }
        String proto = reader.header("sec-websocket-protocol");
        if (proto != null && !info.protocols().contains(proto.trim())) {
            fail("the server picked protocol " + proto + ", which we did not ask for");
            return;
        }
        List<WsUpgrade.Agreed> agreed = new ArrayList<>();
        try {
            for (ExtensionOffer r : ExtensionOffer.parse(reader.headers("sec-websocket-extensions"))) {
                Extension e = offeredNamed(r.name());
                ExtensionSession s = e == null ? null : e.clientAccept(r, WsUpgrade.limits(conn.binding(), host));
                if (s == null) {
                    agreed.forEach(a -> a.session().close());
                    fail("the server agreed to an extension we cannot take: " + r);
                    return;
                }
                agreed.add(new WsUpgrade.Agreed(e, s));
            }
        } catch (IllegalArgumentException bad) {
            fail("malformed Sec-WebSocket-Extensions: " + bad.getMessage());
            return;
        }
        conn.setRoleDeadline(0);
        WsHandler ws = new WsHandler(conn, null, host.config(), true, agreed);
        conn.setHandler(ws);
        if (in.hasRemaining() && conn.isOpen()) {
            ws.onData(in); // frames that came in the same packet as the 101
        }
    }

    private Extension offeredNamed(String name) {
        for (Extension e : offered) {
            ExtensionOffer o = e.clientOffer();
            if (o != null && o.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private void fail(String why) {
        failed = true;
        conn.failClient("WebSocket handshake failed", why);
    }

    @Override
    public void onConnectFailed(String why) {
        fail(why);
    }

    @Override
    public void onRoleTimeout() {
        fail(conn.isConnecting() ? "connect timed out" : "no handshake answer in time");
    }

    @Override
    public void onEof() {
        fail("the server closed the connection during the handshake");
    }

    @Override
    public void onClosed(String why) {
        if (!failed) {
            // closed before any answer (a reset, a TLS alert): still a connection error
            failed = true;
            conn.callConnectionError(why);
        }
    }

    @Override
    public void onUnbind() {
        failed = true;
        conn.unbindProtocol();
        conn.closeNow("protocol went away");
    }
}
