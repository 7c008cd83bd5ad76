package org.lws4j.tls;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.lws4j.spi.tls.TlsConfigException;

/**
 * The {@code ecdh-curve} option (lws's ECDH setting): one curve, or a list separated by
 * {@code :} or {@code ,} as OpenSSL's groups lists are, in OpenSSL's names ({@code prime256v1},
 * {@code P-256}, {@code secp384r1}, {@code X25519}...) or the TLS names. It picks the elliptic
 * curve groups for ECDHE, first and in the server's preference order. After them the NIST curves
 * stay available, because TLS ties ECDSA signature schemes to named groups (a P-256 certificate
 * signs only while secp256r1 is enabled; OpenSSL's curve setting never takes certificates away),
 * and so do the finite-field groups, so that DHE suites keep working as OpenSSL's ECDH setting
 * leaves DHE alone.
 */
final class NamedGroups {
    static final String OPTION = "ecdh-curve";

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("prime256v1", "secp256r1"), Map.entry("p-256", "secp256r1"), Map.entry("secp256r1", "secp256r1"),
            Map.entry("secp384r1", "secp384r1"), Map.entry("p-384", "secp384r1"),
            Map.entry("secp521r1", "secp521r1"), Map.entry("p-521", "secp521r1"),
            Map.entry("x25519", "x25519"), Map.entry("x448", "x448"),
            Map.entry("brainpoolp256r1", "brainpoolP256r1"), Map.entry("brainpoolp384r1", "brainpoolP384r1"),
            Map.entry("brainpoolp512r1", "brainpoolP512r1"),
            Map.entry("ffdhe2048", "ffdhe2048"), Map.entry("ffdhe3072", "ffdhe3072"), Map.entry("ffdhe4096", "ffdhe4096"),
            Map.entry("ffdhe6144", "ffdhe6144"), Map.entry("ffdhe8192", "ffdhe8192"));

    private static final List<String> KEPT = List.of("secp256r1", "secp384r1", "secp521r1", "ffdhe2048", "ffdhe3072",
            "ffdhe4096");

    private NamedGroups() {
    }

    /** The groups to enable, or null for the provider's defaults (option absent). */
    static String[] parse(String vhost, String value) throws TlsConfigException {
        if (value == null || value.isBlank()) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String n : value.trim().split("[:, ]+")) {
            String g = NAMES.get(n.toLowerCase(Locale.ROOT));
            if (g == null) {
                throw new TlsConfigException(vhost, OPTION, "\"" + n + "\" is not a curve lws4j knows (prime256v1, "
                        + "secp384r1, secp521r1, X25519, X448, brainpoolP256r1/384r1/512r1, ffdhe2048...)", null);
            }
            out.add(g);
        }
        out.addAll(KEPT);
        return out.toArray(new String[0]);
    }
}
