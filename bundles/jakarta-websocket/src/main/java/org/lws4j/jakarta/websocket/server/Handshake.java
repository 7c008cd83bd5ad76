package org.lws4j.jakarta.websocket.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.ServerEndpointConfig;

import org.lws4j.api.Connection;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.LogLevel;
import org.lws4j.api.WsRoute;
import org.lws4j.jakarta.websocket.session.SessionImpl;

/**
 * The Jakarta side of an upgrade whose path matched an endpoint, on the service thread: the
 * configurator checks the origin (403), picks the subprotocol and the extensions, modifies the
 * handshake (its response headers go into the 101), and makes the endpoint instance; then the
 * session is made, to be opened at ESTABLISHED. The configurator runs with this bundle as the
 * context class loader, so that {@code super} calls reach the container's default configurator.
 */
final class Handshake {
    private static final Set<String> OWN_HEADERS = Set.of("upgrade", "connection", "sec-websocket-accept",
            "sec-websocket-protocol", "sec-websocket-extensions", "content-length", "transfer-encoding");

    private Handshake() {
    }

    static WsRoute accept(Connection wsi, HttpRequest req, EndpointTable.Match m) {
        Registration r = m.registration();
        ServerEndpointConfig cfg = org.lws4j.jakarta.websocket.endpoint.EndpointConfigs.perSession(r.config());
        ServerEndpointConfig.Configurator c = cfg.getConfigurator();
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(Handshake.class.getClassLoader());
        try {
            if (!c.checkOrigin(req.header("origin"))) {
                return WsRoute.refuse(403, "origin " + req.header("origin") + " is not allowed for " + cfg.getPath());
            }
            List<String> asked = tokens(req.headers("sec-websocket-protocol"));
            String sub = asked.isEmpty() ? "" : c.getNegotiatedSubprotocol(cfg.getSubprotocols(), asked);
            List<Extension> installed = cfg.getExtensions().isEmpty()
                    ? new ArrayList<>(r.container().getInstalledExtensions()) : cfg.getExtensions();
            List<Extension> agreed = c.getNegotiatedExtensions(installed, offers(req.headers("sec-websocket-extensions")));
            HandshakeRequestImpl hreq = new HandshakeRequestImpl(req, wsi.isSecure(), m.pathParameters());
            Map<String, List<String>> respHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            c.modifyHandshake(cfg, hreq, () -> respHeaders);
            Endpoint endpoint = r.newEndpoint(cfg);
            String answer = sub == null || sub.isEmpty() ? null : sub;
            SessionImpl s = new SessionImpl(wsi.id(), r, endpoint, cfg, new SessionImpl.Request(wsi.isSecure(),
                    hreq.getRequestURI(), hreq.getQueryString(), hreq.getParameterMap(), m.pathParameters(), answer));
            List<String> names = new ArrayList<>();
            for (Extension e : agreed) {
                names.add(e.getName());
            }
            WsRoute route = WsRoute.accept(s).subprotocol(answer).extensions(names);
            respHeaders.forEach((name, values) -> {
                if (!OWN_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT)) && values != null) {
                    values.forEach(v -> route.header(name, v));
                }
            });
            return route;
        } catch (Exception | LinkageError e) {
            wsi.context().log().log(LogLevel.ERR, "Jakarta endpoint %s: handshake failed: %s", r.describe(), e);
            return WsRoute.refuse(500, "the endpoint failed to accept the connection");
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /** Comma-separated tokens of all the header's values, in order. */
    static List<String> tokens(List<String> values) {
        List<String> l = new ArrayList<>();
        for (String v : values) {
            for (String t : v.split(",")) {
                if (!t.isBlank()) {
                    l.add(t.trim());
                }
            }
        }
        return l;
    }

    /** The offers of a Sec-WebSocket-Extensions header, as Jakarta extensions (name and parameters). */
    static List<Extension> offers(List<String> values) {
        List<Extension> l = new ArrayList<>();
        for (String offer : tokens(values)) {
            String[] parts = offer.split(";");
            List<Extension.Parameter> params = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                int eq = p.indexOf('=');
                String name = eq < 0 ? p : p.substring(0, eq).trim();
                String value = eq < 0 ? null : p.substring(eq + 1).trim().replace("\"", "");
                params.add(new Param(name, value));
            }
            l.add(extension(parts[0].trim(), params));
        }
        return l;
    }

    static Extension extension(String name, List<Extension.Parameter> params) {
        return new Ext(name, List.copyOf(params));
    }

    private record Ext(String getName, List<Parameter> getParameters) implements Extension {
    }

    private record Param(String getName, String getValue) implements Extension.Parameter {
    }
}
