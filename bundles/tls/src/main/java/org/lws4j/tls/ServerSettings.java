package org.lws4j.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lws4j.spi.tls.TlsConfigException;

/**
 * The TLS settings of one server vhost, read from its options and loaded from its files:
 *
 * <ul>
 * <li>{@code host-ssl-cert}: the PEM certificate chain, leaf first (required: it is what makes
 *     the vhost a TLS vhost);
 * <li>{@code host-ssl-key}: the PEM private key, RSA or EC, in any of OpenSSL's forms; when
 *     absent, the certificate file must hold the key too; {@code host-ssl-passphrase} opens an
 *     encrypted key;
 * <li>{@code host-ssl-ca}: PEM CA certificates that client certificates are verified against, and
 *     whose names the server sends when it asks for one; {@code client-cert-required} ("1")
 *     makes the server ask for a client certificate and refuse the handshake without a valid one
 *     (lws's LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT; as in lws, the CA alone does not
 *     make the server ask);
 * <li>{@code ssl-cipher-list}, {@code tls13-ciphers}: see {@link SuiteSelection};
 *     {@code ecdh-curve}: see {@link NamedGroups};
 * <li>{@code alpn}: application protocols offered, comma-separated, in preference order (default {@code h2,http/1.1}: HTTP/2 for clients that offer it; {@code http/1.1} turns HTTP/2 off for the port);
 * <li>{@code generate-self-signed} ("1"): when neither the certificate nor the key file exists,
 *     make a self-signed EC P-256 pair there first (see {@link SelfSignedCertificate}).
 * </ul>
 */
record ServerSettings(String name, List<X509Certificate> chain, PrivateKey key, List<X509Certificate> clientCas,
        boolean needClientAuth, SuiteSelection.Result suites, String[] namedGroups, String[] alpn) {

    static final String CERT = "host-ssl-cert";
    static final String KEY = "host-ssl-key";
    static final String PASSPHRASE = "host-ssl-passphrase";
    static final String CA = "host-ssl-ca";
    static final String CLIENT_CERT_REQUIRED = "client-cert-required";
    static final String ALPN = "alpn";
    static final String GENERATE = "generate-self-signed";

    /** What reading needs from the provider: its PEM reader, generator, cipher table and suites. */
    interface Env {
        PemFiles pem();

        SelfSignedCertificate generator();

        CipherTable table();

        java.util.Set<String> supportedSuites();

        List<String> defaultSuites();

        /** A line for the log, prefixed by nothing: the caller names the vhost. */
        void notice(String line);
    }

    static ServerSettings read(String vhost, Map<String, String> o, Env env) throws TlsConfigException {
        Path certFile = path(vhost, o, CERT);
        if (certFile == null) {
            throw new TlsConfigException(vhost, CERT, "missing (the PEM certificate chain)", null);
        }
        Path keyFile = path(vhost, o, KEY);
        if (isTrue(o.get(GENERATE))) {
            generateIfMissing(vhost, certFile, keyFile, env);
        }
        List<X509Certificate> chain = env.pem().certificates(certFile, vhost, CERT);
        char[] pass = o.containsKey(PASSPHRASE) ? o.get(PASSPHRASE).toCharArray() : null;
        PrivateKey key;
        String keyOption = KEY;
        if (keyFile == null) {
            if (!PemFiles.hasPrivateKey(certFile)) {
                throw new TlsConfigException(vhost, KEY, "missing (the PEM private key; " + certFile
                        + " holds no key either)", null);
            }
            keyOption = CERT;
            key = env.pem().privateKey(certFile, pass, vhost, CERT, PASSPHRASE);
        } else {
            key = env.pem().privateKey(keyFile, pass, vhost, KEY, PASSPHRASE);
        }
        env.pem().checkPair(key, chain.get(0), vhost, keyOption);

        Path caFile = path(vhost, o, CA);
        List<X509Certificate> cas = caFile == null ? List.of() : env.pem().certificates(caFile, vhost, CA);
        boolean need = isTrue(o.get(CLIENT_CERT_REQUIRED));
        if (need && cas.isEmpty()) {
            throw new TlsConfigException(vhost, CLIENT_CERT_REQUIRED, "needs " + CA
                    + " (the CA certificates client certificates are verified against)", null);
        }
        SuiteSelection.Result suites = SuiteSelection.resolve(vhost, o, env.table(), env.supportedSuites(),
                env.defaultSuites(), true);
        String[] groups = NamedGroups.parse(vhost, o.get(NamedGroups.OPTION));
        String[] alpn = o.getOrDefault(ALPN, "h2,http/1.1").trim().split("\\s*,\\s*");
        if (alpn.length == 1 && alpn[0].isEmpty()) {
            alpn = new String[0];
        }
        return new ServerSettings(vhost, List.copyOf(chain), key, List.copyOf(cas), need, suites, groups, alpn);
    }

    private static void generateIfMissing(String vhost, Path certFile, Path keyFile, Env env) throws TlsConfigException {
        if (keyFile == null) {
            throw new TlsConfigException(vhost, KEY, "missing: " + GENERATE + " needs a file name for the key", null);
        }
        boolean cert = Files.exists(certFile);
        boolean key = Files.exists(keyFile);
        if (cert && key) {
            return;
        }
        if (cert != key) {
            // never overwrite half of a pair someone may care about
            throw new TlsConfigException(vhost, cert ? KEY : CERT, (cert ? keyFile : certFile) + ": no such file, and "
                    + (cert ? certFile : keyFile) + " exists: " + GENERATE + " makes both or none", null);
        }
        try {
            X509Certificate c = env.generator().write(vhost, certFile, keyFile);
            env.notice(String.format("generated a self-signed EC P-256 certificate %s (SHA-256 %s), valid until %s,"
                    + " into %s (key %s)", c.getSubjectX500Principal().getName(), fingerprint(c),
                    c.getNotAfter().toInstant(), certFile, keyFile));
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsConfigException(vhost, GENERATE, "cannot write a self-signed certificate to " + certFile + ": "
                    + PemFiles.describe(e), e);
        }
    }

    static String fingerprint(X509Certificate c) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
            StringBuilder b = new StringBuilder();
            for (byte x : d) {
                if (b.length() > 0) {
                    b.append(':');
                }
                b.append(String.format("%02X", x & 0xff));
            }
            return b.toString();
        } catch (GeneralSecurityException e) {
            return "?";
        }
    }

    private static Path path(String vhost, Map<String, String> o, String option) throws TlsConfigException {
        String v = o.get(option);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Path.of(v.trim());
        } catch (InvalidPathException e) {
            throw new TlsConfigException(vhost, option, "\"" + v + "\" is not a file name", e);
        }
    }

    static boolean isTrue(String v) {
        if (v == null) {
            return false;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.equals("on") || s.equals("yes") || s.equals("true")) {
            return true;
        }
        try {
            return Integer.parseInt(s) != 0; // lws's arg_to_bool: a non-zero number
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
