package org.lws4j.tls;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.lws4j.spi.tls.TlsConfigException;

/**
 * The cipher suites and protocol versions of one vhost (or client), from its options:
 *
 * <ul>
 * <li>{@code ssl-cipher-list} (lwsws calls it {@code ciphers}): an OpenSSL cipher string for TLS
 *     1.2 (see {@link CipherList}); absent, the Mozilla "intermediate" list on a server, the
 *     provider's defaults on a client;
 * <li>{@code tls13-ciphers}: TLS 1.3 suites as OpenSSL's ciphersuites setting has them, names
 *     separated by {@code :}; absent, OpenSSL's default; empty, no TLS 1.3.
 * </ul>
 *
 * Suites the JSSE provider lacks are left out with a note; a list that ends up empty is a
 * {@link TlsConfigException} naming the option. Only TLS 1.3 and 1.2 are ever enabled.
 */
final class SuiteSelection {
    static final String CIPHER_LIST = "ssl-cipher-list";
    static final String LWSWS_CIPHERS = "ciphers";
    static final String TLS13_CIPHERS = "tls13-ciphers";

    /** Mozilla's "intermediate" server configuration (ECDHE and DHE, AEAD only). */
    static final String SERVER_DEFAULT = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
            + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
            + "ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
    /** OpenSSL's default TLS 1.3 ciphersuites, in its order. */
    static final String TLS13_DEFAULT = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";

    /** What to enable on an engine, and what the options asked for that was left out. */
    record Result(String[] suites, String[] protocols, List<CipherList.Note> notes) {
    }

    private SuiteSelection() {
    }

    /**
     * @param supported the provider's supported suite names
     * @param providerDefaults the provider's default enabled suites (a client without a cipher list uses them)
     * @param server true for a server's defaults
     */
    static Result resolve(String vhost, Map<String, String> options, CipherTable table, Set<String> supported,
            List<String> providerDefaults, boolean server) throws TlsConfigException {
        List<CipherList.Note> notes = new ArrayList<>();
        String listKey = options.containsKey(CIPHER_LIST) ? CIPHER_LIST
                : options.containsKey(LWSWS_CIPHERS) ? LWSWS_CIPHERS : null;
        if (listKey == CIPHER_LIST && options.containsKey(LWSWS_CIPHERS)) {
            notes.add(new CipherList.Note(true, LWSWS_CIPHERS + " is ignored: " + CIPHER_LIST + " is set too"));
        }
        List<String> tls12 = new ArrayList<>();
        if (listKey == null && !server) {
            for (String s : providerDefaults) {
                if (!isTls13(s)) {
                    tls12.add(s);
                }
            }
        } else {
            String rule = listKey == null ? SERVER_DEFAULT : options.get(listKey);
            String key = listKey == null ? CIPHER_LIST : listKey;
            CipherList.Result r;
            try {
                r = CipherList.evaluate(rule, table);
            } catch (CipherList.SyntaxException e) {
                throw new TlsConfigException(vhost, key, "\"" + rule + "\": " + e.getMessage(), e);
            }
            for (CipherList.Note n : r.notes()) {
                notes.add(new CipherList.Note(n.warning(), key + ": " + n.text()));
            }
            List<String> lacking = new ArrayList<>();
            for (CipherTable.Suite s : r.suites()) {
                if (supported.contains(s.iana())) {
                    tls12.add(s.iana());
                } else {
                    lacking.add(s.openssl());
                }
            }
            if (!lacking.isEmpty()) {
                notes.add(new CipherList.Note(false, key + ": " + lacking.size()
                        + " suite(s) skipped, the JSSE provider lacks them: " + String.join(" ", lacking)));
            }
            if (tls12.isEmpty()) {
                throw new TlsConfigException(vhost, key, "\"" + rule + "\" selects no cipher suite the JSSE provider has"
                        + (r.suites().isEmpty() ? "" : " (OpenSSL would select " + r.suites().size() + ": "
                        + String.join(" ", r.suites().stream().map(CipherTable.Suite::openssl).toList()) + ")"), null);
            }
        }

        List<String> tls13 = new ArrayList<>();
        String t13 = options.getOrDefault(TLS13_CIPHERS, TLS13_DEFAULT).trim();
        if (!t13.isEmpty()) {
            Set<String> names = new LinkedHashSet<>();
            for (String n : t13.split("[:, ]+")) {
                if (n.isEmpty()) {
                    continue;
                }
                if (!CipherTable.TLS13.contains(n)) {
                    // OpenSSL refuses the whole setting for a name it does not know
                    throw new TlsConfigException(vhost, TLS13_CIPHERS, "\"" + n + "\" is not a TLS 1.3 suite (expected some of "
                            + String.join(":", CipherTable.TLS13) + ")", null);
                }
                names.add(n);
            }
            List<String> lacking = new ArrayList<>();
            for (String n : names) {
                if (supported.contains(n)) {
                    tls13.add(n);
                } else {
                    lacking.add(n);
                }
            }
            if (!lacking.isEmpty()) {
                notes.add(new CipherList.Note(tls13.isEmpty(), TLS13_CIPHERS + ": skipped, the JSSE provider lacks them: "
                        + String.join(" ", lacking)));
            }
            if (tls13.isEmpty()) {
                throw new TlsConfigException(vhost, TLS13_CIPHERS, "\"" + t13 + "\" selects no TLS 1.3 suite the JSSE"
                        + " provider has (an empty value turns TLS 1.3 off)", null);
            }
        }
        List<String> all = new ArrayList<>(tls13);
        all.addAll(tls12);
        String[] protocols = tls13.isEmpty() ? new String[] {"TLSv1.2"} : new String[] {"TLSv1.3", "TLSv1.2"};
        return new Result(all.toArray(new String[0]), protocols, List.copyOf(notes));
    }

    static boolean isTls13(String suite) {
        return CipherTable.TLS13.contains(suite) || !suite.contains("_WITH_");
    }
}
