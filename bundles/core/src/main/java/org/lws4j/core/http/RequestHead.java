package org.lws4j.core.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.lws4j.api.HttpRequest;
import org.lws4j.api.Mount;

/**
 * A parsed request head, copied out of the header buffer so the buffer can go back to the pool
 * at once. Header names are stored lower case; values as sent (ISO-8859-1 decoded).
 */
public final class RequestHead implements HttpRequest {
    private final String method;
    private final String target;
    private final String rawPath;
    private final String query;
    private final String version;
    private final String[] names;
    private final String[] values;
    private final String targetHost;
    private RequestPath path;
    private Mount mount;
    private String pathInMount = "";

    RequestHead(String method, String target, String rawPath, String query, String version,
                String[] names, String[] values, String targetHost) {
        this.method = method;
        this.target = target;
        this.rawPath = rawPath;
        this.query = query;
        this.version = version;
        this.names = names;
        this.values = values;
        this.targetHost = targetHost;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String target() {
        return target;
    }

    /** The path as sent, still percent-encoded. */
    public String rawPath() {
        return rawPath;
    }

    /** The host of an absolute-form target ("GET http://host/ HTTP/1.1"), or null. */
    public String targetHost() {
        return targetHost;
    }

    /** The decoded path, set by the handler once it checked it. */
    public RequestPath decodedPath() {
        return path;
    }

    void setPath(RequestPath p) {
        path = p;
    }

    void setMount(Mount m, String remainder) {
        mount = m;
        pathInMount = remainder;
    }

    @Override
    public String path() {
        return path == null ? rawPath : path.decoded();
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public String version() {
        return version;
    }

    public boolean isHttp11() {
        return "HTTP/1.1".equals(version);
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
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return values[i];
            }
        }
        return null;
    }

    @Override
    public List<String> headers(String name) {
        List<String> l = new ArrayList<>(1);
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                l.add(values[i]);
            }
        }
        return l;
    }

    @Override
    public Set<String> headerNames() {
        return new LinkedHashSet<>(List.of(names));
    }

    /** True if a comma-separated header (e.g. Connection) has {@code token} among its values. */
    public boolean headerHasToken(String name, String token) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                for (String t : values[i].split(",")) {
                    if (t.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Override
    public String urlArg(String name) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            if (decodeQuery(k).equals(name)) {
                return eq < 0 ? "" : decodeQuery(part.substring(eq + 1));
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

    /** Percent-decodes a query component ('+' is a space); bad escapes are kept as they are. */
    static String decodeQuery(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                out[n++] = ' ';
            } else if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out[n++] = (byte) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
