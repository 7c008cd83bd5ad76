package org.lws4j.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.lws4j.api.HttpRequest;
import org.lws4j.api.Mount;

/** The head of a test request as a protocol reads it (lws's header table). Immutable. */
final class KitRequestHead implements HttpRequest {
    private final TestRequest request;
    private final Map<String, List<String>> headers;
    private final String path;
    private final String query;
    private final KitMount mount;
    private final String pathInMount;

    KitRequestHead(TestRequest request, TestVhost vhost) {
        this.request = request;
        this.headers = request.headersFor(vhost);
        int q = request.target.indexOf('?');
        this.path = decode(q < 0 ? request.target : request.target.substring(0, q), false);
        this.query = q < 0 ? null : request.target.substring(q + 1);
        this.mount = vhost.mountFor(path);
        this.pathInMount = mount == null ? path : mount.remainder(path);
    }

    KitMount kitMount() {
        return mount;
    }

    /** HTTP/1.1, or a stream of HTTP/2 (which the core serves with HTTP/1.1's semantics). */
    boolean isHttp11() {
        return "HTTP/1.1".equals(request.version) || "HTTP/2".equals(request.version);
    }

    boolean hasToken(String name, String token) {
        for (String v : headers(name)) {
            for (String t : v.split(",")) {
                if (t.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String method() {
        return request.method;
    }

    @Override
    public String target() {
        return request.target;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public String version() {
        return "HTTP/2".equals(request.version) ? "HTTP/1.1" : request.version; // as the core's stream exchange says
    }

    @Override
    public Mount mount() {
        return mount;
    }

    @Override
    public String pathInMount() {
        return pathInMount;
    }

    @Override
    public String header(String name) {
        List<String> v = headers(name);
        return v.isEmpty() ? null : v.get(0);
    }

    @Override
    public List<String> headers(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null ? List.of() : List.copyOf(v);
    }

    @Override
    public Set<String> headerNames() {
        return new LinkedHashSet<>(headers.keySet());
    }

    @Override
    public String urlArg(String name) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            String n = decode(eq < 0 ? part : part.substring(0, eq), true);
            if (n.equals(name)) {
                return eq < 0 ? "" : decode(part.substring(eq + 1), true);
            }
        }
        return null;
    }

    @Override
    public long contentLength() {
        String v = header("content-length");
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return request.toString();
    }

    /** Percent-decodes (as UTF-8; '+' as a space when {@code form}); a bad escape stays as sent. */
    static String decode(String s, boolean form) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            int hi;
            int lo;
            if (raw[i] == '%' && i + 2 < raw.length && (hi = Character.digit(raw[i + 1], 16)) >= 0
                    && (lo = Character.digit(raw[i + 2], 16)) >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(form && raw[i] == '+' ? ' ' : raw[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
