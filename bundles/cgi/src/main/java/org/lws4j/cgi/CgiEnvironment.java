package org.lws4j.cgi;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.lws4j.api.HttpRequest;
import org.lws4j.api.Mount;

/**
 * The environment a CGI program runs with: RFC 3875 meta-variables for one request, over the
 * mount's {@code cgi-env} and a default PATH. Nothing of the server's own environment is passed.
 *
 * <p>Request headers become {@code HTTP_*} variables, except those RFC 3875 section 4.1.18 says
 * to leave out or that have their own variable: Content-Type and Content-Length
 * (CONTENT_TYPE, CONTENT_LENGTH), Authorization and Proxy-Authorization (credentials), and
 * Proxy, which would become HTTP_PROXY and steer the program's own HTTP clients ("httpoxy").
 * A header whose name has an underscore is left out too: "X-A_B" and "X-A-B" would both be
 * HTTP_X_A_B, and one could pass for the other.
 */
final class CgiEnvironment {
    /** PATH when the mount's cgi-env does not set one. */
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private static final Set<String> NOT_PASSED = Set.of("content-type", "content-length", "authorization",
            "proxy-authorization", "proxy");

    /** What the request and connection tell about the exchange; the loop fills it in. */
    record Request(HttpRequest http, InetSocketAddress peer, InetSocketAddress local, boolean secure,
                   String serverSoftware) {
    }

    private CgiEnvironment() {
    }

    /** The environment for running {@code script} for {@code r} on {@code mount}. */
    static Map<String, String> of(Request r, Mount mount, Path script) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        for (Map.Entry<String, String> e : mount.optionMap("cgi-env").entrySet()) {
            if (isVariableName(e.getKey())) {
                env.put(e.getKey(), clean(e.getValue()));
            }
        }
        HttpRequest http = r.http();
        put(env, "GATEWAY_INTERFACE", "CGI/1.1");
        put(env, "SERVER_SOFTWARE", r.serverSoftware());
        put(env, "SERVER_PROTOCOL", http.version());
        put(env, "SERVER_NAME", serverName(http.header("Host"), r.local()));
        put(env, "SERVER_PORT", r.local() == null ? null : Integer.toString(r.local().getPort()));
        put(env, "REQUEST_METHOD", http.method());
        put(env, "REQUEST_URI", http.target());
        put(env, "QUERY_STRING", http.query() == null ? "" : http.query());
        put(env, "SCRIPT_NAME", scriptName(mount.mountpoint()));
        put(env, "SCRIPT_FILENAME", script.toString());
        String pathInfo = http.pathInMount();
        if (pathInfo != null && !pathInfo.isEmpty()) {
            put(env, "PATH_INFO", pathInfo);
        }
        if (r.peer() != null) {
            put(env, "REMOTE_ADDR", address(r.peer()));
            put(env, "REMOTE_PORT", Integer.toString(r.peer().getPort()));
        }
        if (r.secure()) {
            put(env, "HTTPS", "on");
        }
        if (http.contentLength() >= 0) {
            put(env, "CONTENT_LENGTH", Long.toString(http.contentLength()));
        }
        put(env, "CONTENT_TYPE", http.header("Content-Type"));
        for (String name : http.headerNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (NOT_PASSED.contains(lower) || !isHeaderName(name)) {
                continue;
            }
            List<String> values = http.headers(name);
            String joined = String.join(lower.equals("cookie") ? "; " : ", ", values);
            put(env, "HTTP_" + lower.toUpperCase(Locale.ROOT).replace('-', '_'), joined);
        }
        return env;
    }

    /** The mountpoint as the script's URL path: no trailing slash, "" for "/". */
    static String scriptName(String mountpoint) {
        return mountpoint.endsWith("/") ? mountpoint.substring(0, mountpoint.length() - 1) : mountpoint;
    }

    /** The Host header's host (without port), or our address when there is no usable one. */
    static String serverName(String host, InetSocketAddress local) {
        if (host != null) {
            String h = host.strip();
            if (h.startsWith("[")) {
                int close = h.indexOf(']');
                h = close > 0 ? h.substring(0, close + 1) : "";
            } else if (h.indexOf(':') >= 0) {
                h = h.substring(0, h.indexOf(':'));
            }
            if (!h.isEmpty() && h.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                return h;
            }
        }
        return local == null ? "localhost" : address(local);
    }

    private static String address(InetSocketAddress a) {
        return a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    }

    private static void put(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, clean(value));
        }
    }

    /** An environment string cannot hold NUL; the core refuses it in requests, this is a second line. */
    private static String clean(String value) {
        return value.indexOf('\0') < 0 ? value : value.replace("\0", "");
    }

    private static boolean isHeaderName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    private static boolean isVariableName(String name) {
        return name != null && !name.isEmpty() && name.indexOf('=') < 0 && name.indexOf('\0') < 0;
    }
}
