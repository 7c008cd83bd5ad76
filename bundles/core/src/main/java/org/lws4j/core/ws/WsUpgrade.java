package org.lws4j.core.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import java.util.LinkedHashMap;
import java.util.Map;

import org.lws4j.spi.extension.Extension;
import org.lws4j.spi.extension.ExtensionOffer;
import org.lws4j.spi.extension.ExtensionSession;
import org.lws4j.core.http.HttpHost;
import org.lws4j.core.http.RequestHead;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.core.vhost.VhostProtocolImpl;

/**
 * The server side of the opening handshake (RFC 6455 section 4.2): checks the request, picks the
 * protocol and computes the accept key. Picking follows lws: the client's names in its order, the
 * first one the vhost offers and has bound now; with no Sec-WebSocket-Protocol, the vhost's
 * default protocol (pvo "default": "1", else its first). A name the vhost offers but has not bound
 * right now gets 503 with Retry-After (unless it is parked over an update: then the handshake
 * waits for its next version, see {@link #unboundOffered}); names it does not offer at all are
 * refused with 400.
 */
public final class WsUpgrade {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /**
     * What to do with an upgrade request: accept with a binding, or refuse with a status. A
     * decision a {@link WsRouting router} made carries the session it made, the subprotocol to
     * answer and extra response headers ({@code routed}).
     */
    public record Decision(int status, String message, VhostProtocolImpl binding, boolean clientNamedIt, String accept,
                           List<Agreed> extensions, boolean routed, String subprotocol, List<String[]> headers,
                           Object session) {
        public boolean accepted() {
            return status == 101;
        }

        static Decision refuse(int status, String message) {
            return new Decision(status, message, null, false, null, List.of(), false, null, List.of(), null);
        }

        static Decision byName(VhostProtocolImpl b, boolean clientNamedIt, String accept, List<Agreed> extensions) {
            return new Decision(101, null, b, clientNamedIt, accept, extensions, false, null, List.of(), null);
        }

        /** The Sec-WebSocket-Protocol answer, or null. */
        String protocolAnswer() {
            return routed ? subprotocol : clientNamedIt ? binding.name() : null;
        }

        /** The Sec-WebSocket-Extensions answer, or null when none was agreed. */
        public String extensionsHeader() {
            if (extensions.isEmpty()) {
                return null;
            }
            StringBuilder b = new StringBuilder();
            for (Agreed e : extensions) {
                b.append(b.length() == 0 ? "" : ", ").append(e.session().response());
            }
            return b.toString();
        }
    }

    /** An extension agreed on a connection: the service and its session. */
    public record Agreed(Extension extension, ExtensionSession session) {
    }

    private WsUpgrade() {
    }

    /** True when the request asks for a WebSocket (Upgrade: websocket). */
    public static boolean isUpgrade(RequestHead head) {
        return head.headerHasToken("upgrade", "websocket");
    }

    public static Decision decide(RequestHead head, VhostImpl vhost, HttpHost host) {
        return decide(head, vhost, host, null);
    }

    /**
     * Decides an upgrade; with {@code conn}, the routers bound on the vhost are asked first
     * ({@link WsRouting}), then the protocol is chosen by name.
     */
    public static Decision decide(RequestHead head, VhostImpl vhost, HttpHost host, org.lws4j.core.conn.ConnectionImpl conn) {
        if (!head.method().equals("GET")) {
            return Decision.refuse(400, "a WebSocket handshake must be a GET");
        }
        if (!head.isHttp11()) {
            return Decision.refuse(400, "a WebSocket handshake needs HTTP/1.1");
        }
        if (!head.headerHasToken("connection", "upgrade")) {
            return Decision.refuse(400, "WebSocket handshake without Connection: Upgrade");
        }
        String version = head.header("sec-websocket-version");
        if (version == null || !version.trim().equals("13")) {
            return Decision.refuse(426, "only WebSocket version 13 is supported");
        }
        List<String> keys = head.headers("sec-websocket-key");
        if (keys.size() != 1 || !validKey(keys.get(0).trim())) {
            return Decision.refuse(400, "missing or malformed Sec-WebSocket-Key");
        }
        // "Content-Length: 0" declares no body (the JDK 17 client sends it); anything more is a body
        String cl = head.header("content-length");
        if ((cl != null && !cl.trim().equals("0")) || head.header("transfer-encoding") != null) {
            return Decision.refuse(400, "a WebSocket handshake has no body");
        }
        List<ExtensionOffer> offers;
        try {
            offers = ExtensionOffer.parse(head.headers("sec-websocket-extensions"));
        } catch (IllegalArgumentException e) {
            return Decision.refuse(400, "malformed Sec-WebSocket-Extensions: " + e.getMessage());
        }
        if (conn != null) {
            Decision routed = WsRouting.route(conn, head, vhost, host, offers, accept(keys.get(0).trim()));
            if (routed != null) {
                return routed;
            }
        }
        List<String> asked = requested(head);
        VhostProtocolImpl chosen = null;
        boolean offeredButAbsent = false;
        if (asked.isEmpty()) {
            String def = defaultProtocol(vhost);
            if (def == null) {
                return Decision.refuse(400, "this vhost offers no WebSocket protocol");
            }
            chosen = vhost.binding(def);
            offeredButAbsent = chosen == null;
        } else {
            for (String name : asked) {
                if (!vhost.protocolNames().contains(name)) {
                    continue;
                }
                VhostProtocolImpl b = vhost.binding(name);
                if (b != null) {
                    chosen = b;
                    break;
                }
                offeredButAbsent = true;
            }
        }
        if (chosen == null) {
            return offeredButAbsent
                    ? Decision.refuse(503, "protocol " + String.join(", ", asked) + " is not available right now")
                    : Decision.refuse(400, "none of the requested protocols (" + String.join(", ", asked) + ") is offered here");
        }
        return Decision.byName(chosen, !asked.isEmpty(), accept(keys.get(0).trim()),
                negotiate(offers, host, limits(chosen, host)));
    }

    /**
     * The names this handshake could be given that the vhost offers but has not bound right now,
     * in the order they would be picked (those a 503 was about).
     */
    public static List<String> unboundOffered(RequestHead head, VhostImpl vhost) {
        List<String> asked = requested(head);
        if (asked.isEmpty()) {
            String def = defaultProtocol(vhost);
            asked = def == null ? List.of() : List.of(def);
        }
        List<String> out = new ArrayList<>();
        for (String name : asked) {
            if (vhost.protocolNames().contains(name) && vhost.binding(name) == null) {
                out.add(name);
            }
        }
        return out;
    }

    /** The receive piece size and message limit a connection on {@code b} will have. */
    public static ExtensionSession.Limits limits(org.lws4j.core.conn.Binding b, HttpHost host) {
        int rx = b.rxBufferSize();
        return new ExtensionSession.Limits(rx > 0 ? rx : WsHandler.DEFAULT_RX, host.config().wsMaxMessageSize());
    }

    /**
     * Agrees extensions in the client's order: for each extension name offered (first appearance
     * first) whose service is installed, the service picks among that name's offers. Two
     * extensions never share RSV bits; an extension that throws is skipped with a log line.
     */
    static List<Agreed> negotiate(List<ExtensionOffer> offers, HttpHost host, ExtensionSession.Limits limits) {
        Map<String, List<ExtensionOffer>> byName = new LinkedHashMap<>();
        for (ExtensionOffer o : offers) {
            if (o.wellFormed()) {
                byName.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(o);
            }
        }
        List<Agreed> agreed = new ArrayList<>();
        int usedBits = 0;
        for (Map.Entry<String, List<ExtensionOffer>> e : byName.entrySet()) {
            Extension ext = host.extension(e.getKey());
            if (ext == null) {
                continue;
            }
            ExtensionSession session;
            try {
                session = ext.accept(e.getValue(), limits);
            } catch (RuntimeException bad) {
                continue;
            }
            if (session == null) {
                continue;
            }
            if ((session.rsvBits() & usedBits) != 0 || (session.rsvBits() & ~0x70) != 0) {
                session.close();
                continue;
            }
            usedBits |= session.rsvBits();
            agreed.add(new Agreed(ext, session));
        }
        return agreed;
    }

    /** The 101 response head. */
    public static ByteBuffer response(Decision d, String extensions) {
        StringBuilder b = new StringBuilder(160);
        b.append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
        b.append("Sec-WebSocket-Accept: ").append(d.accept()).append("\r\n");
        String protocol = d.protocolAnswer();
        if (protocol != null) {
            b.append("Sec-WebSocket-Protocol: ").append(protocol).append("\r\n");
        }
        for (String[] h : d.headers()) {
            b.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        if (extensions != null && !extensions.isEmpty()) {
            b.append("Sec-WebSocket-Extensions: ").append(extensions).append("\r\n");
        }
        b.append("\r\n");
        return ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The client's protocol names in order (all Sec-WebSocket-Protocol headers, comma separated). */
    static List<String> requested(RequestHead head) {
        List<String> l = new ArrayList<>();
        for (String h : head.headers("sec-websocket-protocol")) {
            for (String t : h.split(",")) {
                String n = t.trim();
                if (!n.isEmpty()) {
                    l.add(n);
                }
            }
        }
        return l;
    }

    private static String defaultProtocol(VhostImpl vhost) {
        for (String name : vhost.protocolNames()) {
            String d = vhost.pvo(name).get("default");
            if (d != null && org.lws4j.core.config.ConfigValues.isTrue(d)) {
                return name;
            }
        }
        return vhost.config().wsProtocols().isEmpty() ? null : vhost.config().wsProtocols().keySet().iterator().next();
    }

    private static boolean validKey(String k) {
        if (k.length() != 24) {
            return false; // 16 bytes in base64 are exactly 24 characters, padding included
        }
        try {
            return Base64.getDecoder().decode(k).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Sec-WebSocket-Accept for {@code key}. */
    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 missing from the JDK", e);
        }
    }
}
