package org.lws4j.core.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.lws4j.api.HttpResponse;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.vhost.MountTable;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.core.vhost.VhostMatcher;
import org.lws4j.core.vhost.VhostProtocolImpl;
import org.lws4j.core.ws.WsHandler;
import org.lws4j.core.ws.WsUpgrade;

/**
 * What to do with a request whose head is complete: pick the vhost by Host (and check it against
 * TLS SNI), refuse what no mount may see, hand WebSocket upgrades to the ws role, and dispatch by
 * mount: files, redirects, a protocol's HTTP callbacks, or 503 while the serving plug-in is away.
 * Works on its handler's current exchange and answers through it.
 */
final class RequestRouter {
    private final HttpServerHandler h;
    private final ConnectionImpl conn;
    private final HttpHost host;
    private final List<VhostImpl> candidates;
    private final ContextConfig cfg;

    RequestRouter(HttpServerHandler h, ConnectionImpl conn, HttpHost host, List<VhostImpl> candidates) {
        this.h = h;
        this.conn = conn;
        this.host = host;
        this.candidates = candidates;
        this.cfg = host.config();
    }

    void route(Exchange ex) {
        RequestHead head = ex.head;
        List<String> hosts = head.headers("host");
        if (hosts.size() > 1 || (head.isHttp11() && hosts.isEmpty())) {
            h.fail(400, hosts.isEmpty() ? "HTTP/1.1 request without Host" : "more than one Host header");
            return;
        }
        String hostName = head.targetHost() != null ? head.targetHost() : (hosts.isEmpty() ? null : hosts.get(0));
        VhostImpl vhost = VhostMatcher.match(candidates, hostName);
        if (vhost == null) {
            h.respondError(503, "no vhost on this port any more", true);
            return;
        }
        conn.setVhost(vhost);
        if (conn.isSecure()) {
            // the handshake chose its vhost, and so its certificate and client-certificate policy,
            // once: from SNI, or without SNI the port's default vhost. A Host naming another
            // vhost is misdirected, unless (without SNI) that vhost asks the same of clients.
            String sni = conn.endpoint().sniHost();
            VhostImpl handshake = VhostMatcher.match(candidates, sni);
            if (sni != null && handshake != vhost) {
                h.refuse(421, "TLS SNI named " + sni + " but Host names " + hostName);
                return;
            }
            if (sni == null && handshake != vhost && !sameClientPolicy(handshake, vhost)) {
                h.refuse(421, "no TLS SNI: the handshake was vhost " + handshake.name()
                        + "'s, whose client-certificate policy differs from " + vhost.name() + "'s (Host " + hostName + ")");
                return;
            }
        } else if (vhost.config().flagOption("redirect-http", false)) {
            redirectToTls(ex, vhost, hostName);
            return;
        }
        String expect = head.header("expect");
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                h.fail(417, "expectation not supported: " + expect);
                return;
            }
            ex.expectContinue = ex.body != null && head.isHttp11();
        }
        if (head.rawPath().equals("*")) {
            // OPTIONS * : the server's own options
            h.respondNow(HttpResponse.of(204).header("Allow", "GET, HEAD, POST, OPTIONS"), ByteBuffer.allocate(0));
            return;
        }
        RequestPath path = RequestPath.parse(head.rawPath());
        if (path == null) {
            h.fail(400, "bad percent-encoding in path");
            return;
        }
        head.setPath(path);
        if (path.hasNul()) {
            h.fail(400, "NUL in path");
            return;
        }
        if (hasControl(path.decoded())) {
            // %0a and the like would forge lines wherever the path goes (CGI's PATH_INFO, logs)
            h.refuse(400, "control character in the decoded path " + head.rawPath());
            return;
        }
        if (path.hasSlashInSegment()) {
            // "/cgi%2fx" is not under mount "/cgi": an encoded '/' never separates segments, so
            // no mount may be chosen by one (file mounts refused it already)
            h.refuse(403, "encoded slash in path " + head.rawPath());
            return;
        }
        if (path.hasDotSegment()) {
            h.refuse(403, "dot segment in path " + head.rawPath());
            return;
        }
        if (WsUpgrade.isUpgrade(head)) {
            upgrade(ex, vhost);
            return;
        }
        MountConfig mount = vhost.mountTable().match(path.decoded());
        if (mount == null) {
            h.refuse(404, "no mount for " + path.decoded());
            return;
        }
        head.setMount(mount, MountTable.remainder(mount, path.decoded()));
        switch (mount.kind()) {
            case FILE:
                serveFile(ex, vhost, mount, path);
                break;
            case REDIR_HTTP:
            case REDIR_HTTPS:
                h.redirectTo(301, mount.origin());
                break;
            case CALLBACK:
                serveCallback(ex, vhost, mount);
                break;
            case PLUGIN:
            default:
                servePlugin(ex, vhost, mount);
                break;
        }
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** True when both vhosts verify clients alike: the same client-certificate requirement and CAs. */
    private static boolean sameClientPolicy(VhostImpl a, VhostImpl b) {
        return a.config().flagOption("client-cert-required", false) == b.config().flagOption("client-cert-required", false)
                && java.util.Objects.equals(a.config().options().get("host-ssl-ca"), b.config().options().get("host-ssl-ca"));
    }

    /** The WebSocket handshake: refuse it with a status, or answer 101 and hand over to the ws role. */
    private void upgrade(Exchange ex, VhostImpl vhost) {
        WsUpgrade.Decision d = WsUpgrade.decide(ex.head, vhost, host, conn);
        if (d.status() == 503 && !ex.waitingForProtocol && awaitProtocol(ex, vhost)) {
            return;
        }
        if (!d.accepted()) {
            countRefusedHandshake();
            conn.log(LogLevel.INFO, "%s: WebSocket handshake refused: %d %s", conn, d.status(), d.message());
            HttpResponse r = HttpResponse.of(d.status()).contentType("text/html");
            if (d.status() == 503) {
                r.header("Retry-After", String.valueOf(HttpServerHandler.RETRY_AFTER_SECS));
            } else {
                if (d.status() == 426) {
                    r.header("Sec-WebSocket-Version", "13");
                }
                ex.keepAlive = false;
            }
            h.respondNow(r, ResponseFraming.errorPage(d.status(), d.message()));
            return;
        }
        if (d.routed()) {
            conn.bindProtocol(d.binding(), d.session());
        } else {
            conn.bindProtocol(d.binding());
        }
        if (conn.call(Reason.FILTER_PROTOCOL_CONNECTION, null) == Result.CLOSE) {
            countRefusedHandshake();
            conn.unbindProtocol();
            d.extensions().forEach(a -> a.session().close());
            ex.keepAlive = false;
            h.refuse(403, "protocol " + d.binding().name() + " refused the connection");
            return;
        }
        h.endExchangeForUpgrade();
        conn.setRoleDeadline(0);
        conn.send(WsUpgrade.response(d, d.extensionsHeader()));
        conn.log(LogLevel.INFO, "%s: WebSocket on %s%s", conn, d.binding().name(),
                d.extensions().isEmpty() ? "" : " with " + d.extensionsHeader());
        conn.setHandler(new WsHandler(conn, ex.head, cfg, false, d.extensions()));
    }

    private void countRefusedHandshake() {
        org.lws4j.spi.metrics.MetricsSink m = conn.thread().metrics();
        if (m != null) {
            m.connectionRefused(conn.metricsVhost(), org.lws4j.spi.metrics.Refusal.WS_HANDSHAKE);
        }
    }

    /**
     * A handshake for a protocol parked over an update (handoff) waits for its next version,
     * reading paused, instead of a 503; then it is decided again (once). False when none of the
     * names it could get is parked.
     */
    private boolean awaitProtocol(Exchange ex, VhostImpl vhost) {
        for (String name : WsUpgrade.unboundOffered(ex.head, vhost)) {
            ex.waitingForProtocol = true;
            if (host.whenProtocolBack(vhost, name, () -> conn.execute(() -> {
                if (h.exchange() == ex && conn.isOpen()) {
                    upgrade(ex, vhost);
                    ex.waitingForProtocol = false;
                    conn.resumeRx();
                }
            }))) {
                conn.holdRx();
                conn.log(LogLevel.INFO, "%s: WebSocket handshake for %s waits for its next version", conn, name);
                return true;
            }
            ex.waitingForProtocol = false;
        }
        return false;
    }

    /** A plain vhost that sends everything to its TLS twin (same name): 301 to the https URL. */
    private void redirectToTls(Exchange ex, VhostImpl vhost, String hostHeader) {
        VhostImpl twin = host.tlsTwin(vhost.name());
        if (twin == null) {
            h.refuse(404, "redirect-http is set but vhost " + vhost.name() + " has no TLS twin");
            return;
        }
        String name = VhostMatcher.hostName(hostHeader);
        String authority = (name == null ? vhost.name() : name) + (twin.port() == 443 ? "" : ":" + twin.port());
        // the path and query only: an absolute-form target ("GET http://host/a") names the host too
        String q = ex.head.query();
        h.redirectTo(301, "https://" + authority + ex.head.rawPath() + (q == null ? "" : "?" + q));
    }

    private void serveFile(Exchange ex, VhostImpl vhost, MountConfig mount, RequestPath path) {
        String m = ex.head.method();
        if (!m.equals("GET") && !m.equals("HEAD")) {
            h.respondNow(HttpResponse.of(405).header("Allow", "GET, HEAD").contentType("text/html"),
                    ResponseFraming.errorPage(405, "This URL serves files; use GET or HEAD."));
            return;
        }
        if (path.hasSlashInSegment() || path.hasBackslash()) {
            h.refuse(403, "encoded slash or backslash in file path " + ex.head.rawPath());
            return;
        }
        String mountpoint = mount.mountpoint().endsWith("/")
                ? mount.mountpoint().substring(0, mount.mountpoint().length() - 1) : mount.mountpoint();
        if (!mountpoint.isEmpty() && path.decoded().equals(mountpoint)) {
            // "/ziptest" for mount "/ziptest": the mount is a directory, so send the client into it
            h.redirectTo(301, mountpoint + "/" + (ex.head.query() == null ? "" : "?" + ex.head.query()));
            return;
        }
        List<String> segs = path.segments().subList(MountTable.segmentCount(mount), path.segments().size());
        FileResponses.serve(h, conn, vhost, mount, segs, path.trailingSlash());
    }

    private void serveCallback(Exchange ex, VhostImpl vhost, MountConfig mount) {
        VhostProtocolImpl b = vhost.binding(mount.protocol());
        if (b == null && !ex.waitingForProtocol) {
            // parked over an update: the request waits for the next version (reading paused, so a
            // body stays unread) instead of a 503, within the handoff grace period
            ex.waitingForProtocol = true;
            if (host.whenProtocolBack(vhost, mount.protocol(), () -> conn.execute(() -> {
                if (h.exchange() == ex && conn.isOpen()) {
                    serveCallback(ex, vhost, mount);
                    ex.waitingForProtocol = false;
                    conn.resumeRx();
                }
            }))) {
                conn.holdRx();
                return;
            }
            ex.waitingForProtocol = false;
        }
        if (b == null) {
            h.unavailable("protocol " + mount.protocol() + " is not available now");
            return;
        }
        serveWith(ex, b);
    }

    /** A mount of a scheme a plug-in serves (cgi://): its protocol, as for CALLBACK mounts. */
    private void servePlugin(Exchange ex, VhostImpl vhost, MountConfig mount) {
        org.lws4j.spi.origin.MountOrigin origin = host.mountOrigin(mount.scheme());
        if (origin == null) {
            h.unavailable("no origin provider for '" + mount.scheme() + "://' mounts is installed");
            return;
        }
        VhostProtocolImpl b;
        try {
            b = vhost.originBinding(mount, origin);
        } catch (RuntimeException e) {
            conn.log(LogLevel.ERR, "%s: %s:// origin failed for %s: %s", conn, mount.scheme(), mount.mountpoint(), e);
            b = null;
        }
        if (b == null) {
            h.unavailable("the " + mount.scheme() + ":// origin refused mount " + mount.mountpoint());
            return;
        }
        serveWith(ex, b);
    }

    private void serveWith(Exchange ex, VhostProtocolImpl b) {
        conn.bindProtocol(b);
        ex.protocolBound = true;
        ByteBuffer in = ByteBuffer.wrap(ex.head.pathInMount().getBytes(StandardCharsets.UTF_8));
        if (conn.call(Reason.HTTP, in) == Result.CLOSE) {
            conn.closeAfterFlush("protocol closed the HTTP transaction");
            return;
        }
        // "100 Continue" only once the protocol has seen the request and not answered it already
        h.sendContinue();
        // the protocol may have answered, and so ended the exchange, inside the callback
        if (h.exchange() == ex && ex.body == null) {
            h.maybeComplete();
        }
    }
}
