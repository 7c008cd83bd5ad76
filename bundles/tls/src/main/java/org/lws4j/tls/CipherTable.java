package org.lws4j.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenSSL's TLS 1.2-and-older cipher suites in OpenSSL's own preference order, each with its
 * OpenSSL name, its IANA (and JSSE) name, and every cipher-string alias that selects it. Read
 * from {@code openssl-ciphers.tsv}, which {@code src/build/openssl-cipher-table.py} writes from
 * what the {@code openssl ciphers} command says, so the aliases mean exactly what they mean to
 * OpenSSL 3. Immutable and thread-safe.
 */
final class CipherTable {
    /** One cipher suite: names, the TLS version that introduced it, and the aliases that select it. */
    record Suite(String openssl, String iana, String version, Set<String> aliases) {
    }

    /** The TLS 1.3 suites OpenSSL knows; they are never selected by a cipher list (see tls13-ciphers). */
    static final List<String> TLS13 = List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256");

    private final List<Suite> suites;
    private final Map<String, Suite> byName = new HashMap<>();
    private final Set<String> aliases;

    private CipherTable(List<Suite> suites, Set<String> aliases) {
        this.suites = List.copyOf(suites);
        this.aliases = Collections.unmodifiableSet(aliases);
        for (Suite s : suites) {
            byName.put(s.openssl(), s);
            byName.put(s.iana(), s);
        }
    }

    /** The table this bundle ships. */
    static CipherTable load() {
        try (InputStream in = CipherTable.class.getResourceAsStream("openssl-ciphers.tsv")) {
            if (in == null) {
                throw new IllegalStateException("openssl-ciphers.tsv is missing from the bundle");
            }
            return read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CipherTable read(BufferedReader r) throws IOException {
        List<Suite> suites = new ArrayList<>();
        Set<String> aliases = new LinkedHashSet<>();
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("#aliases\t")) {
                aliases.addAll(List.of(line.substring(9).trim().split(" +")));
                continue;
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            // id, openssl, iana, version, kx, au, enc, mac, aliases
            String[] f = line.split("\t");
            if (f.length < 9) {
                throw new IOException("openssl-ciphers.tsv: bad line: " + line);
            }
            Set<String> a = new LinkedHashSet<>(List.of(f[8].trim().split(" +")));
            suites.add(new Suite(f[1], f[2], f[3], Collections.unmodifiableSet(a)));
        }
        return new CipherTable(suites, aliases);
    }

    /** Every suite, in OpenSSL's preference order. */
    List<Suite> suites() {
        return suites;
    }

    /** The suite with this OpenSSL or IANA name (case matters, as in OpenSSL), or null. */
    Suite suite(String name) {
        return byName.get(name);
    }

    /** True when OpenSSL knows {@code name} as an alias (some select nothing in OpenSSL 3: RC4, 3DES, MEDIUM...). */
    boolean isAlias(String name) {
        return aliases.contains(name);
    }
}
