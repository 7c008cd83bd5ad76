package org.lws4j.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.lws4j.spi.tls.TlsConfigException;

/** OpenSSL cipher settings to what a JSSE provider is asked to enable. */
class SuiteSelectionTest {
    static final CipherTable TABLE = CipherTable.load();
    /** A provider that has a few suites only. */
    static final Set<String> SUPPORTED = Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA");

    static SuiteSelection.Result server(Map<String, String> o) throws TlsConfigException {
        return SuiteSelection.resolve("site", o, TABLE, SUPPORTED, List.of(), true);
    }

    @Test
    void openSslNamesBecomeJsseNamesInOrderWithTls13First() throws Exception {
        SuiteSelection.Result r = server(Map.of("ssl-cipher-list", "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA"));
        assertArrayEquals(new String[] {"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"}, r.suites());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, r.protocols());
        assertTrue(r.notes().isEmpty(), r.notes().toString());
    }

    @Test
    void suitesTheProviderLacksAreSkippedWithANote() throws Exception {
        SuiteSelection.Result r = server(Map.of("ssl-cipher-list", "ECDHE+AESGCM:DHE-RSA-AES128-GCM-SHA256"));
        assertEquals(4 + 3, r.suites().length);
        assertEquals(1, r.notes().size(), r.notes().toString());
        assertEquals("ssl-cipher-list: 1 suite(s) skipped, the JSSE provider lacks them: DHE-RSA-AES128-GCM-SHA256",
                r.notes().get(0).text());
    }

    @Test
    void anEmptyResultIsAConfigErrorNamingVhostAndKey() {
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> server(Map.of("ssl-cipher-list", "PSK")));
        assertEquals("site", e.vhost());
        assertEquals("ssl-cipher-list", e.option());
        assertTrue(e.getMessage().startsWith("vhost site: ssl-cipher-list: \"PSK\" selects no cipher suite the JSSE provider has"
                + " (OpenSSL would select "), e.getMessage());
        e = assertThrows(TlsConfigException.class, () -> server(Map.of("ciphers", "FOO:!ALL")));
        assertEquals("ciphers", e.option(), "lwsws's key is named as written");
        e = assertThrows(TlsConfigException.class, () -> server(Map.of("ssl-cipher-list", "HIGH:@BOGUS")));
        assertEquals("ssl-cipher-list", e.option());
        assertTrue(e.getMessage().contains("@BOGUS"), e.getMessage());
    }

    @Test
    void lwswsCiphersKeyWorksAndSslCipherListWinsOverIt() throws Exception {
        assertEquals("TLS_RSA_WITH_AES_128_CBC_SHA", server(Map.of("ciphers", "AES128-SHA", "tls13-ciphers", "")).suites()[0]);
        SuiteSelection.Result r = server(Map.of("ciphers", "AES128-SHA", "ssl-cipher-list", "ECDHE-RSA-AES128-GCM-SHA256",
                "tls13-ciphers", ""));
        assertArrayEquals(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, r.suites());
        assertTrue(r.notes().get(0).text().startsWith("ciphers is ignored"), r.notes().toString());
    }

    @Test
    void tls13CiphersPicksTls13SuitesOrTurnsTls13Off() throws Exception {
        SuiteSelection.Result r = server(Map.of("tls13-ciphers", "TLS_AES_128_GCM_SHA256"));
        assertEquals("TLS_AES_128_GCM_SHA256", r.suites()[0]);
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", r.suites()[1], "then the default TLS 1.2 list");
        r = server(Map.of("tls13-ciphers", ""));
        assertArrayEquals(new String[] {"TLSv1.2"}, r.protocols());
        assertTrue(List.of(r.suites()).stream().allMatch(x -> x.contains("_WITH_")));
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> server(Map.of("tls13-ciphers", "TLS_FOO")));
        assertEquals("tls13-ciphers", e.option());
        e = assertThrows(TlsConfigException.class, () -> server(Map.of("tls13-ciphers", "TLS_AES_128_CCM_8_SHA256")));
        assertTrue(e.getMessage().contains("selects no TLS 1.3 suite"), e.getMessage());
    }

    @Test
    void serverDefaultIsMozillaIntermediateAndClientDefaultIsTheProviders() throws Exception {
        SuiteSelection.Result r = server(Map.of());
        assertArrayEquals(new String[] {"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}, r.suites());
        assertEquals(1, r.notes().size(), "the DHE and ChaCha suites this provider lacks");
        SuiteSelection.Result c = SuiteSelection.resolve(null, Map.of(), TABLE, SUPPORTED,
                List.of("TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"), false);
        assertArrayEquals(new String[] {"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
                "TLS_RSA_WITH_AES_128_CBC_SHA"}, c.suites());
    }

    @Test
    void ecdhCurveTakesOpenSslNamesAndNamesItselfWhenWrong() throws Exception {
        assertArrayEquals(new String[] {"x25519", "secp384r1", "secp256r1", "secp521r1", "ffdhe2048", "ffdhe3072", "ffdhe4096"},
                NamedGroups.parse("site", "X25519:P-384"));
        assertArrayEquals(new String[] {"secp256r1", "secp384r1", "secp521r1", "ffdhe2048", "ffdhe3072", "ffdhe4096"},
                NamedGroups.parse("site", "prime256v1"));
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> NamedGroups.parse("site", "prime999v9"));
        assertEquals("ecdh-curve", e.option());
        assertEquals("site", e.vhost());
    }
}
