package org.lws4j.testkit;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a test's client sends to open an HTTP exchange or a WebSocket: method, target, version,
 * headers, and for HTTP the body's framing. A builder; each call returns it.
 *
 * <pre>{@code
 * TestRequest.post("/formtest").header("Content-Type", "application/x-www-form-urlencoded").body("a=1&b=2")
 * TestRequest.get("/?mirror=x").protocols("lws-mirror-protocol").header("User-Agent", "test")
 * }</pre>
 *
 * <p>A Host header naming the vhost is added when none is given.
 */
public final class TestRequest {
    final String method;
    final String target;
    String version = "HTTP/1.1";
    final Map<String, List<String>> headers = new LinkedHashMap<>();
    byte[] body;
    int pieceSize;
    InetSocketAddress peer;

    private TestRequest(String method, String target) {
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("a request target starts with '/': " + target);
        }
        this.method = method;
        this.target = target;
    }

    /** A GET of {@code target} (path and query, e.g. {@code "/app?x=1"}). */
    public static TestRequest get(String target) {
        return new TestRequest("GET", target);
    }

    /** A POST to {@code target}; give it a body with {@link #body} or declare one with {@link #contentLength}/{@link #chunked}. */
    public static TestRequest post(String target) {
        return new TestRequest("POST", target);
    }

    /** A request of any method. */
    public static TestRequest of(String method, String target) {
        return new TestRequest(method, target);
    }

    /** Adds a header (repeat it for several values). */
    public TestRequest header(String name, String value) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        return this;
    }

    /**
     * "HTTP/1.1" (the default), "HTTP/1.0", or "HTTP/2": a stream of an HTTP/2 connection (for a
     * WebSocket, RFC 8441), as {@code Connection.httpVersion()} then says.
     */
    public TestRequest version(String v) {
        this.version = v;
        return this;
    }

    /** Sec-WebSocket-Protocol: the protocols a WebSocket handshake asks for, in order. */
    public TestRequest protocols(String... names) {
        return header("Sec-WebSocket-Protocol", String.join(", ", names));
    }

    /** The body, with its Content-Length: sent whole right after the HTTP callback. */
    public TestRequest body(byte[] bytes) {
        return body(bytes, 0);
    }

    /** The body as UTF-8, with its Content-Length. */
    public TestRequest body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The body with its Content-Length, sent in pieces of {@code pieceSize} bytes (0: whole), one
     * HTTP_BODY each, right after the HTTP callback.
     */
    public TestRequest body(byte[] bytes, int pieceSize) {
        this.body = bytes.clone();
        this.pieceSize = pieceSize;
        headers.remove("Content-Length");
        return header("Content-Length", Integer.toString(bytes.length));
    }

    /** Declares a body of {@code n} bytes; the test sends it with {@link TestExchange#sendBody}. */
    public TestRequest contentLength(long n) {
        return header("Content-Length", Long.toString(n));
    }

    /** Declares a chunked body; the test sends it with {@link TestExchange#sendBody} and ends it with {@link TestExchange#endBody()}. */
    public TestRequest chunked() {
        return header("Transfer-Encoding", "chunked");
    }

    /** The peer's address (default 127.0.0.1 and a port of the connection's own). */
    public TestRequest peer(InetSocketAddress address) {
        this.peer = address;
        return this;
    }

    String method() {
        return method;
    }

    /** The first value of {@code name}, any case, or null. */
    String first(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** The headers by lower-case name, values in order, names in the order first sent, Host added. */
    Map<String, List<String>> headersFor(TestVhost vhost) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (first("Host") == null) {
            out.put("host", new ArrayList<>(List.of(vhost.name() + ":" + vhost.port())));
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            out.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(e.getValue());
        }
        return out;
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version;
    }
}
