package org.lws4j.api;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a client connection connects to and how (lws's {@code lws_client_connect_info}). Built
 * with {@link #parse(String)} or {@link #of(String, int)} and the setters, then given to
 * {@link Context#connect}. The method decides the role: none for a WebSocket, "GET", "POST" and
 * the other HTTP methods for HTTP, {@link #RAW} for a raw socket. Not thread-safe; build it on
 * one thread, hand it over, and do not change it afterwards.
 */
@ProviderType
public final class ClientConnectInfo {
    /** The method of raw socket connections. */
    public static final String RAW = "RAW";
    /** {@link #httpVersion(String)}: HTTP/1.1 only (lws's ALPN "http/1.1", its {@code --h1}). */
    public static final String HTTP_1_1 = "HTTP/1.1";
    /** {@link #httpVersion(String)}: HTTP/2 when the server agrees, with prior knowledge on cleartext. */
    public static final String HTTP_2 = "HTTP/2";
    /** The default connect timeout: 5 seconds. */
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 5000;

    private final String address;
    private final int port;
    private String path = "/";
    private String host;
    private String origin;
    private final List<String> protocols = new ArrayList<>();
    private String method;
    private boolean tls;
    private boolean allowSelfSigned;
    private boolean skipHostCheck;
    private String caFile;
    private String vhost;
    private String localProtocol;
    private int connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
    private String httpVersion;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private ClientConnectInfo(String address, int port) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("no address");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("bad port " + port);
        }
        this.address = address;
        this.port = port;
    }

    /** A connection to {@code address}:{@code port}, a WebSocket to "/" until told otherwise. */
    public static ClientConnectInfo of(String address, int port) {
        return new ClientConnectInfo(address, port);
    }

    /**
     * From a URL: {@code ws://}, {@code wss://} (WebSocket), {@code http://}, {@code https://}
     * (HTTP GET) or {@code raw://host:port} (raw socket).
     *
     * @throws IllegalArgumentException for a URL of another scheme or without host
     */
    public static ClientConnectInfo parse(String url) {
        URI u = URI.create(url);
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        boolean secure = scheme.equals("wss") || scheme.equals("https");
        int defPort;
        switch (scheme) {
            case "ws":
            case "http":
                defPort = 80;
                break;
            case "wss":
            case "https":
                defPort = 443;
                break;
            case "raw":
                defPort = -1;
                break;
            default:
                throw new IllegalArgumentException("not a ws, wss, http, https or raw URL: " + url);
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("no host in " + url);
        }
        int p = u.getPort() > 0 ? u.getPort() : defPort;
        if (p <= 0) {
            throw new IllegalArgumentException("a raw URL needs a port: " + url);
        }
        ClientConnectInfo i = new ClientConnectInfo(u.getHost(), p).tls(secure);
        String pq = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        i.path(u.getRawQuery() == null ? pq : pq + "?" + u.getRawQuery());
        if (scheme.startsWith("http")) {
            i.method("GET");
        } else if (scheme.equals("raw")) {
            i.method(RAW);
        }
        return i;
    }

    public ClientConnectInfo path(String p) {
        this.path = p;
        return this;
    }

    /** The Host header (and TLS SNI name); the address when not set. */
    public ClientConnectInfo host(String h) {
        this.host = h;
        return this;
    }

    public ClientConnectInfo origin(String o) {
        this.origin = o;
        return this;
    }

    /** WebSocket subprotocols to ask for, in order of preference. */
    public ClientConnectInfo protocols(String... names) {
        protocols.clear();
        Collections.addAll(protocols, names);
        return this;
    }

    /** null for a WebSocket, an HTTP method, or {@link #RAW}. */
    public ClientConnectInfo method(String m) {
        this.method = m == null ? null : m.toUpperCase(Locale.ROOT);
        return this;
    }

    public ClientConnectInfo tls(boolean on) {
        this.tls = on;
        return this;
    }

    /** Accept a server certificate that is self-signed (lws's LCCSCF_ALLOW_SELFSIGNED). */
    public ClientConnectInfo allowSelfSigned(boolean on) {
        this.allowSelfSigned = on;
        return this;
    }

    /** Do not check the certificate's name against the host (lws's LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK). */
    public ClientConnectInfo skipHostCheck(boolean on) {
        this.skipHostCheck = on;
        return this;
    }

    /** A PEM file of CA certificates to verify the server against, instead of the JDK's trust store. */
    public ClientConnectInfo caFile(String pemPath) {
        this.caFile = pemPath;
        return this;
    }

    /** The vhost whose protocols serve the connection; the context's first when not set. */
    public ClientConnectInfo vhost(String name) {
        this.vhost = name;
        return this;
    }

    /**
     * The local protocol that gets the connection's callbacks; for WebSockets the first of
     * {@link #protocols} when not set.
     */
    public ClientConnectInfo localProtocol(String name) {
        this.localProtocol = name;
        return this;
    }

    public ClientConnectInfo connectTimeoutMillis(int ms) {
        if (ms <= 0) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.connectTimeoutMs = ms;
        return this;
    }

    /**
     * Which HTTP the connection speaks (lws's ALPN list and its clients' {@code --h1}); null, the
     * default, lets the scheme decide:
     *
     * <ul>
     * <li>null: an https request offers {@code h2} and {@code http/1.1} by ALPN and speaks what
     *     the server picks, as lws's client does with its default ALPN list; http, ws and wss
     *     speak HTTP/1.1 (a WebSocket then never meets a server that picks h2 but does not allow
     *     WebSockets over it);
     * <li>{@link #HTTP_2}: over TLS, offer {@code h2} and {@code http/1.1} and speak what the
     *     server picks (a WebSocket over h2 is an RFC 8441 extended CONNECT, and fails with
     *     CLIENT_CONNECTION_ERROR when the server picked h2 without allowing it); over cleartext,
     *     HTTP/2 with prior knowledge (RFC 9113 3.3, h2c);
     * <li>{@link #HTTP_1_1}: HTTP/1.1 only, ALPN {@code http/1.1}.
     * </ul>
     *
     * {@link Connection#httpVersion()} says which one a connection speaks once it is established.
     *
     * @throws IllegalArgumentException for another value
     */
    public ClientConnectInfo httpVersion(String version) {
        if (version != null && !version.equals(HTTP_1_1) && !version.equals(HTTP_2)) {
            throw new IllegalArgumentException("httpVersion must be null, " + HTTP_1_1 + " or " + HTTP_2 + ", not " + version);
        }
        this.httpVersion = version;
        return this;
    }

    /** An extra request header (HTTP and WebSocket handshakes). */
    public ClientConnectInfo header(String name, String value) {
        if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("line break in header");
        }
        headers.put(name, value);
        return this;
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    public String path() {
        return path;
    }

    public String host() {
        return host != null ? host : address;
    }

    public String origin() {
        return origin;
    }

    public List<String> protocols() {
        return Collections.unmodifiableList(protocols);
    }

    public String method() {
        return method;
    }

    public boolean isWebSocket() {
        return method == null;
    }

    public boolean isRaw() {
        return RAW.equals(method);
    }

    public boolean tls() {
        return tls;
    }

    public boolean allowSelfSigned() {
        return allowSelfSigned;
    }

    public boolean skipHostCheck() {
        return skipHostCheck;
    }

    public String caFile() {
        return caFile;
    }

    public String vhost() {
        return vhost;
    }

    /** The local protocol: as set, else the first WebSocket subprotocol asked for, else null. */
    public String localProtocol() {
        if (localProtocol != null) {
            return localProtocol;
        }
        return protocols.isEmpty() ? null : protocols.get(0);
    }

    public int connectTimeoutMillis() {
        return connectTimeoutMs;
    }

    /** As set by {@link #httpVersion(String)}: null, {@link #HTTP_1_1} or {@link #HTTP_2}. */
    public String httpVersion() {
        return httpVersion;
    }

    public Map<String, String> headers() {
        return Collections.unmodifiableMap(headers);
    }

    @Override
    public String toString() {
        String scheme = isRaw() ? "raw" : isWebSocket() ? (tls ? "wss" : "ws") : (tls ? "https" : "http");
        return scheme + "://" + address + ":" + port + (isRaw() ? "" : path);
    }
}
