package org.lws4j.group.relay;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where the group broker is and how to talk to it, read from the {@code group-broker*} keys of the
 * JSON config's {@code global} section or of the ConfigAdmin PID {@value #PID} (same keys). The
 * URL's scheme picks the broker bundle: {@code redis://} and {@code rediss://} (TLS) for Redis,
 * {@code nats://} and {@code tls://} (TLS) for NATS.
 *
 * @param scheme the URL's scheme, lower case
 * @param host the broker's host
 * @param port the broker's port (the scheme's default when the URL has none)
 * @param tls whether the connection is TLS ({@code rediss://}, {@code tls://}), trusted by the JVM's trust store
 * @param user user name, or null (from {@value #USER} or the URL)
 * @param password password, or null (from {@value #PASSWORD} or the URL)
 * @param prefix channel prefix ({@value #PREFIX}): nodes with the same prefix form one cluster
 * @param queueSize messages waiting to be sent before more are dropped ({@value #QUEUE})
 * @param retryMaxMillis longest wait between reconnection attempts ({@value #RETRY_MAX_MS})
 * @param caFile PEM file of the certificates a TLS broker's must chain to ({@value #CA}), or null
 *     for the JVM's trust store
 */
public record BrokerSettings(String scheme, String host, int port, boolean tls, String user, String password,
                             String prefix, int queueSize, long retryMaxMillis, Path caFile) {
    /** The ConfigAdmin PID the broker bundles read in Karaf (etc/org.lws4j.group.broker.cfg). */
    public static final String PID = "org.lws4j.group.broker";
    /** Key: the broker's URL; absent or empty, groups stay on this node. */
    public static final String URL = "group-broker";
    /** Key: the channel (Redis) or subject (NATS) prefix, default {@value #DEFAULT_PREFIX}. */
    public static final String PREFIX = "group-broker-prefix";
    /** Key: user name (overrides the URL's). */
    public static final String USER = "group-broker-user";
    /** Key: password (overrides the URL's). */
    public static final String PASSWORD = "group-broker-password";
    /** Key: the publish queue's capacity, default {@value #DEFAULT_QUEUE}. */
    public static final String QUEUE = "group-broker-queue";
    /** Key: longest back-off between reconnection attempts in ms, default {@value #DEFAULT_RETRY_MAX_MS}. */
    public static final String RETRY_MAX_MS = "group-broker-retry-max-ms";
    /** Key: a PEM file of CA certificates to trust for {@code rediss://} and {@code tls://} instead of the JVM's. */
    public static final String CA = "group-broker-ca";

    public static final String DEFAULT_PREFIX = "lws4j";
    public static final int DEFAULT_QUEUE = 10_000;
    public static final long DEFAULT_RETRY_MAX_MS = 5_000;

    /** Dot-separated tokens of letters, digits, '_' and '-': valid as a NATS subject prefix and a Redis glob without escapes. */
    private static final Pattern PREFIX_SYNTAX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    /** The broker's URL without credentials, for the log and the status page. */
    public String address() {
        return scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The settings in {@code props} (values as strings or numbers), or empty when {@value #URL} is
     * absent or blank.
     *
     * @throws IllegalArgumentException naming the key, when a value is wrong
     */
    public static Optional<BrokerSettings> from(Map<String, ?> props) {
        String url = text(props, URL);
        if (url == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(URL + ": \"" + redact(url) + "\" is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int defaultPort;
        boolean tls;
        switch (scheme) {
            case "redis" -> { defaultPort = 6379; tls = false; }
            case "rediss" -> { defaultPort = 6379; tls = true; }
            case "nats" -> { defaultPort = 4222; tls = false; }
            case "tls" -> { defaultPort = 4222; tls = true; }
            default -> throw new IllegalArgumentException(URL + ": \"" + redact(url) + "\" has no known scheme"
                    + " (expected redis://, rediss://, nats:// or tls://)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException(URL + ": \"" + redact(url) + "\" has no host (expected e.g. "
                    + scheme + "://127.0.0.1:" + defaultPort + ")");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String user = null;
        String password = null;
        String info = uri.getUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = colon >= 0 ? info.substring(0, colon) : info;
            password = colon >= 0 ? info.substring(colon + 1) : null;
            if (user.isEmpty()) {
                user = null; // redis://:password@host: AUTH with the password alone
            }
        }
        user = orElse(text(props, USER), user);
        password = orElse(text(props, PASSWORD), password);
        String prefix = orElse(text(props, PREFIX), DEFAULT_PREFIX);
        if (!PREFIX_SYNTAX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(PREFIX + ": \"" + prefix + "\" is not a valid prefix"
                    + " (letters, digits, '_' and '-', tokens separated by '.')");
        }
        int queue = (int) number(props, QUEUE, DEFAULT_QUEUE, 1, 1_000_000);
        long retryMax = number(props, RETRY_MAX_MS, DEFAULT_RETRY_MAX_MS, 100, 600_000);
        String ca = text(props, CA);
        Path caFile = null;
        if (ca != null) {
            caFile = Path.of(ca);
            if (!Files.isReadable(caFile)) {
                throw new IllegalArgumentException(CA + ": " + ca + ": no such file, or not readable");
            }
        }
        return Optional.of(new BrokerSettings(scheme, host, uri.getPort() > 0 ? uri.getPort() : defaultPort, tls,
                user, password, prefix, queue, retryMax, caFile));
    }

    private static String text(Map<String, ?> props, String key) {
        Object v = props.get(key);
        if (v == null) {
            return null;
        }
        String s = v.toString().trim();
        return s.isEmpty() ? null : s;
    }

    private static String orElse(String a, String b) {
        return a != null ? a : b;
    }

    private static long number(Map<String, ?> props, String key, long fallback, long min, long max) {
        String s = text(props, key);
        if (s == null) {
            return fallback;
        }
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": \"" + s + "\" is not a number");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + ": " + v + " is out of range (" + min + " to " + max + ")");
        }
        return v;
    }

    /**
     * The TLS context for a {@code rediss://} or {@code tls://} broker: trusting the certificates of
     * {@link #caFile()} when set, else the JVM's default.
     */
    public SSLContext sslContext() throws IOException, GeneralSecurityException {
        if (caFile == null) {
            return SSLContext.getDefault();
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(caFile)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
        }
        if (i == 0) {
            throw new GeneralSecurityException(CA + ": " + caFile + " holds no certificate");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** {@code url} with its password replaced by "***", for error messages. */
    static String redact(String url) {
        return url.replaceFirst("//([^/@:]*):[^/@]*@", "//$1:***@");
    }

    @Override
    public String toString() {
        return address() + " prefix " + prefix + (user != null ? " user " + user : "")
                + (password != null ? " (password set)" : "");
    }
}
