package org.lws4j.jakarta.websocket.server;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.websocket.server.HandshakeRequest;

import org.lws4j.api.HttpRequest;

/**
 * The opening handshake request as a configurator sees it: a copy of the headers (names matched
 * without regard to case), the request URI (ws or wss, the Host, the path and query), the query
 * parameters with the path's variables added. Made on the service thread from the core's request,
 * which is only valid during the handshake; this copy may be kept. No user principal or HTTP
 * session: lws4j has none.
 */
final class HandshakeRequestImpl implements HandshakeRequest {
    private final Map<String, List<String>> headers;
    private final URI uri;
    private final String query;
    private final Map<String, List<String>> parameters;

    HandshakeRequestImpl(HttpRequest req, boolean secure, Map<String, String> pathParameters) {
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : req.headerNames()) {
            h.put(name, List.copyOf(req.headers(name)));
        }
        this.headers = Collections.unmodifiableMap(h);
        this.query = req.query();
        String host = req.header("host");
        this.uri = uri(secure ? "wss" : "ws", host == null ? "localhost" : host, req.path(), query);
        Map<String, List<String>> p = parse(query);
        pathParameters.forEach((k, v) -> p.putIfAbsent(k, List.of(v)));
        this.parameters = Collections.unmodifiableMap(p);
    }

    private static URI uri(String scheme, String authority, String path, String query) {
        try {
            return new URI(scheme, authority, path, query, null);
        } catch (java.net.URISyntaxException e) {
            return URI.create(scheme + "://localhost/");
        }
    }

    /** The query's arguments, percent-decoded, in order; an argument without '=' has the value "". */
    static Map<String, List<String>> parse(String query) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return m;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        m.replaceAll((k, v) -> List.copyOf(v));
        return m;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    @Override
    public Map<String, List<String>> getHeaders() {
        return headers;
    }

    @Override
    public Principal getUserPrincipal() {
        return null;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }

    @Override
    public Object getHttpSession() {
        return null;
    }

    @Override
    public Map<String, List<String>> getParameterMap() {
        return parameters;
    }

    @Override
    public String getQueryString() {
        return query;
    }
}
