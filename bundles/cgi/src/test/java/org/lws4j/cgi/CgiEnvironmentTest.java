package org.lws4j.cgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.Mount;

class CgiEnvironmentTest {

    static Mount mount(String mountpoint, Map<String, String> cgiEnv) {
        return new Mount() {
            @Override public String mountpoint() { return mountpoint; }
            @Override public String origin() { return "cgi:///srv/cgi/test.sh"; }
            @Override public String scheme() { return "cgi"; }
            @Override public String originPath() { return "/srv/cgi/test.sh"; }
            @Override public Kind kind() { return Kind.PLUGIN; }
            @Override public String protocol() { return null; }
            @Override public String defaultDocument() { return null; }
            @Override public Map<String, String> options() { return Map.of(); }
            @Override public Map<String, String> optionMap(String key) { return key.equals("cgi-env") ? cgiEnv : Map.of(); }
            @Override public Map<String, String> pmo() { return Map.of(); }
        };
    }

    static HttpRequest request(String method, String target, String pathInMount, String... headers) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.computeIfAbsent(headers[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(headers[i + 1]);
        }
        int q = target.indexOf('?');
        return new HttpRequest() {
            @Override public String method() { return method; }
            @Override public String target() { return target; }
            @Override public String path() { return q < 0 ? target : target.substring(0, q); }
            @Override public String query() { return q < 0 ? null : target.substring(q + 1); }
            @Override public String version() { return "HTTP/1.1"; }
            @Override public Mount mount() { return null; }
            @Override public String pathInMount() { return pathInMount; }
            @Override public String header(String name) {
                List<String> v = headers(name);
                return v.isEmpty() ? null : v.get(0);
            }
            @Override public List<String> headers(String name) { return h.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()); }
            @Override public Set<String> headerNames() { return new LinkedHashSet<>(h.keySet()); }
            @Override public String urlArg(String name) { return null; }
            @Override public long contentLength() {
                String v = header("content-length");
                return v == null ? -1 : Long.parseLong(v);
            }
        };
    }

    private static Map<String, String> env(HttpRequest r, Map<String, String> cgiEnv) {
        CgiEnvironment.Request req = new CgiEnvironment.Request(r, new InetSocketAddress("127.0.0.1", 40000),
                new InetSocketAddress("127.0.0.1", 8123), false, "lws4j");
        return CgiEnvironment.of(req, mount("/cgi-bin/", cgiEnv), Path.of("/srv/cgi/test.sh"));
    }

    @Test
    void metaVariablesOfAPost() {
        Map<String, String> e = env(request("POST", "/cgi-bin/a/b?x=1&y=%20", "/a/b",
                "Host", "example.com:8123", "Content-Type", "text/plain", "Content-Length", "5",
                "Accept", "a", "Accept", "b", "Cookie", "c=1", "Cookie", "d=2"), Map.of("SECRET", "x", "PATH", "/opt/bin"));
        assertEquals("CGI/1.1", e.get("GATEWAY_INTERFACE"));
        assertEquals("lws4j", e.get("SERVER_SOFTWARE"));
        assertEquals("HTTP/1.1", e.get("SERVER_PROTOCOL"));
        assertEquals("example.com", e.get("SERVER_NAME"));
        assertEquals("8123", e.get("SERVER_PORT"));
        assertEquals("POST", e.get("REQUEST_METHOD"));
        assertEquals("x=1&y=%20", e.get("QUERY_STRING"));
        assertEquals("/cgi-bin/a/b?x=1&y=%20", e.get("REQUEST_URI"));
        assertEquals("/cgi-bin", e.get("SCRIPT_NAME"));
        assertEquals("/srv/cgi/test.sh", e.get("SCRIPT_FILENAME"));
        assertEquals("/a/b", e.get("PATH_INFO"));
        assertEquals("127.0.0.1", e.get("REMOTE_ADDR"));
        assertEquals("40000", e.get("REMOTE_PORT"));
        assertEquals("5", e.get("CONTENT_LENGTH"));
        assertEquals("text/plain", e.get("CONTENT_TYPE"));
        assertEquals("a, b", e.get("HTTP_ACCEPT"));
        assertEquals("c=1; d=2", e.get("HTTP_COOKIE"));
        assertEquals("x", e.get("SECRET"));
        assertEquals("/opt/bin", e.get("PATH"));
        assertFalse(e.containsKey("HTTP_CONTENT_TYPE"));
        assertFalse(e.containsKey("HTTP_CONTENT_LENGTH"));
        assertFalse(e.containsKey("HTTPS"));
    }

    @Test
    void getWithoutQueryOrPathInfo() {
        Map<String, String> e = env(request("GET", "/cgi-bin", "", "Host", "[::1]:8123"), Map.of());
        assertEquals("", e.get("QUERY_STRING"));
        assertNull(e.get("PATH_INFO"));
        assertNull(e.get("CONTENT_LENGTH"));
        assertNull(e.get("CONTENT_TYPE"));
        assertEquals("[::1]", e.get("SERVER_NAME"));
        assertEquals(CgiEnvironment.DEFAULT_PATH, e.get("PATH"));
    }

    @Test
    void proxyCredentialsAndAmbiguousNamesAreNotPassed() {
        Map<String, String> e = env(request("GET", "/cgi-bin", "", "Host", "h", "Proxy", "http://evil:3128",
                "Authorization", "Basic eA==", "Proxy-Authorization", "Basic eA==", "X-A_B", "smuggled", "X-A-B", "real"),
                Map.of());
        assertFalse(e.containsKey("HTTP_PROXY"));
        assertFalse(e.containsKey("HTTP_AUTHORIZATION"));
        assertFalse(e.containsKey("HTTP_PROXY_AUTHORIZATION"));
        assertEquals("real", e.get("HTTP_X_A_B"));
    }

    @Test
    void requestDataCannotOverrideMetaVariables() {
        Map<String, String> e = env(request("GET", "/cgi-bin", "", "Host", "h"), Map.of("REQUEST_METHOD", "x"));
        assertEquals("GET", e.get("REQUEST_METHOD"));
    }
}
