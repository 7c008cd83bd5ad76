package org.lws4j.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenSSL cipher-string evaluation against what OpenSSL 3 itself selects: a fixed set of
 * strings with OpenSSL's answers recorded ({@code openssl-cipher-goldens.tsv}), a few hundred
 * random strings checked against the {@code openssl} command when it is installed, and each rule
 * of the syntax on its own.
 */
class CipherListTest {
    static final CipherTable TABLE = CipherTable.load();

    static List<String[]> goldens() throws Exception {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = CipherListTest.class.getResourceAsStream("openssl-cipher-goldens.tsv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                out.add(new String[] {line.substring(0, tab), line.substring(tab + 1)});
            }
        }
        return out;
    }

    static String names(String rule) throws CipherList.SyntaxException {
        return CipherList.evaluate(rule, TABLE).suites().stream().map(CipherTable.Suite::openssl)
                .collect(Collectors.joining(":"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void selectsWhatOpenSslSelects(String rule, String expected) throws Exception {
        assertEquals(expected, names(rule), rule);
    }

    @Test
    void tableHasEveryOpenSslSuiteInPreferenceOrder() {
        assertEquals(155, TABLE.suites().size());
        assertEquals("ECDHE-ECDSA-AES256-GCM-SHA384", TABLE.suites().get(0).openssl());
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", TABLE.suites().get(0).iana());
        assertEquals(TABLE.suite("ECDHE-RSA-AES128-GCM-SHA256"), TABLE.suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        assertTrue(TABLE.isAlias("MEDIUM"), "known to OpenSSL, though it selects nothing in OpenSSL 3");
    }

    /** Random strings of aliases, names, operators and separators, against the openssl command. */
    @Test
    void randomStringsAgreeWithTheOpensslCommand() throws Exception {
        requireOpenssl30();
        List<String> words = new ArrayList<>(List.of("ALL", "DEFAULT", "HIGH", "MEDIUM", "COMPLEMENTOFDEFAULT",
                "COMPLEMENTOFALL", "aNULL", "eNULL", "NULL", "kRSA", "RSA", "aRSA", "ECDHE", "kECDHE", "EECDH", "DHE",
                "EDH", "DH", "ECDSA", "aECDSA", "DSS", "PSK", "kPSK", "SRP", "AES", "AES128", "AES256", "AESGCM",
                "AESCCM", "AESCCM8", "CHACHA20", "CAMELLIA", "ARIA", "ARIAGCM", "CBC", "SHA1", "SHA", "SHA256",
                "SHA384", "MD5", "TLSv1.2", "TLSv1", "SSLv3", "FIPS", "ADH", "AECDH", "RC4", "3DES", "FOO",
                "ECDHE-RSA-AES128-GCM-SHA256", "AES128-SHA", "DHE-RSA-CHACHA20-POLY1305", "NULL-SHA256"));
        String[] ops = {"", "", "", "!", "-", "+"};
        String[] seps = {":", ":", ",", " ", ";"};
        Random rnd = new Random(20240605L);
        int checked = 0;
        for (int i = 0; i < 300; i++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + rnd.nextInt(5);
            for (int k = 0; k < n; k++) {
                if (k > 0) {
                    b.append(seps[rnd.nextInt(seps.length)]);
                }
                b.append(ops[rnd.nextInt(ops.length)]);
                b.append(words.get(rnd.nextInt(words.size())));
                if (rnd.nextInt(4) == 0) {
                    b.append('+').append(words.get(rnd.nextInt(words.size())));
                }
            }
            String rule = b.toString();
            assertEquals(openssl(rule), names(rule), rule);
            checked++;
        }
        assertEquals(300, checked);
    }

    @Test
    void bareNameAddsAtTheEndOnce() throws Exception {
        assertEquals("AES128-SHA:ECDHE-RSA-AES128-SHA", names("AES128-SHA:ECDHE-RSA-AES128-SHA:AES128-SHA"));
    }

    @Test
    void ianaNamesAreAcceptedToo() throws Exception {
        assertEquals("ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA",
                names("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:TLS_RSA_WITH_AES_128_CBC_SHA"));
    }

    @Test
    void plusJoinsAliasesIntoTheirIntersection() throws Exception {
        assertEquals("ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:"
                + "ECDHE-RSA-AES128-GCM-SHA256", names("ECDHE+AESGCM"));
        assertEquals("ECDHE-ECDSA-AES128-GCM-SHA256", names("ECDHE+AESGCM+AES128+ECDSA"));
    }

    @Test
    void bangRemovesForGoodAndMinusUntilAddedAgain() throws Exception {
        assertEquals("", names("!ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-SHA"));
        assertEquals("ECDHE-RSA-AES128-SHA", names("-ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-SHA"));
        // suites taken out with '-' come back ahead of the rest when the next rule adds them
        List<String> l = List.of(names("AES128-SHA:AES256-SHA:-AES256-SHA:AES").split(":"));
        assertEquals("AES128-SHA", l.get(0));
        assertEquals("AES256-SHA", l.get(1));
    }

    @Test
    void plusPrefixMovesToTheEnd() throws Exception {
        assertEquals("ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA",
                names("ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:+AES128"));
        assertEquals("", names("+AES128"), "'+' moves only what is in the list");
    }

    @Test
    void defaultCountsOnlyAtTheStart() throws Exception {
        assertEquals(names("ALL:!COMPLEMENTOFDEFAULT:!eNULL"), names("DEFAULT"));
        assertEquals("AES128-SHA", names("AES128-SHA:DEFAULT"));
        assertFalse(names("DEFAULT:!AES").contains("AES"));
    }

    @Test
    void unknownNamesAreIgnoredWithANote() throws Exception {
        CipherList.Result r = CipherList.evaluate("FOO:AES128-SHA:ECDHE+BAR", TABLE);
        assertEquals(List.of("AES128-SHA"), r.suites().stream().map(CipherTable.Suite::openssl).toList());
        assertEquals(2, r.notes().size(), r.notes().toString());
        assertTrue(r.notes().get(0).warning() && r.notes().get(0).text().contains("\"FOO\""), r.notes().toString());
        assertTrue(r.notes().get(1).text().contains("\"ECDHE+BAR\" ignored"), r.notes().toString());
        // taking out what does not exist changes nothing: no warning (lws's own default says !EXPORT)
        r = CipherList.evaluate("HIGH:!EXPORT:!HMAC_SHA1", TABLE);
        assertTrue(r.notes().stream().noneMatch(CipherList.Note::warning), r.notes().toString());
        assertEquals(2, r.notes().size());
    }

    @Test
    void tls13NamesAreNotForTheCipherList() throws Exception {
        CipherList.Result r = CipherList.evaluate("TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256", TABLE);
        assertEquals(1, r.suites().size());
        assertTrue(r.notes().get(0).text().contains("tls13-ciphers"), r.notes().toString());
    }

    @Test
    void strengthAndSeclevelAreIgnoredWithANote() throws Exception {
        CipherList.Result r = CipherList.evaluate("AES128-SHA:AES256-SHA:@STRENGTH:@SECLEVEL=2", TABLE);
        assertEquals("AES128-SHA:AES256-SHA", r.suites().stream().map(CipherTable.Suite::openssl)
                .collect(Collectors.joining(":")), "order kept");
        assertEquals(2, r.notes().size());
        assertTrue(r.notes().get(0).text().startsWith("@STRENGTH is ignored"), r.notes().toString());
        assertTrue(r.notes().get(1).text().startsWith("@SECLEVEL=2 is ignored"), r.notes().toString());
    }

    @Test
    void whatOpenSslRejectsIsASyntaxError() {
        assertThrows(CipherList.SyntaxException.class, () -> CipherList.evaluate("HIGH:@FOO", TABLE));
        assertThrows(CipherList.SyntaxException.class, () -> CipherList.evaluate("HIGH:$", TABLE));
        assertThrows(CipherList.SyntaxException.class, () -> CipherList.evaluate("HIGH:!", TABLE));
    }

    @Test
    void separatorsAndMissingSeparatorsAsOpenSslReadsThem() throws Exception {
        assertEquals(names("HIGH:!aNULL:!kRSA:ECDHE"), names("HIGH,!aNULL;!kRSA ECDHE"));
        assertEquals(names("HIGH:!aNULL"), names("HIGH!aNULL"), "OpenSSL starts a new element at an operator");
        assertEquals(names("HIGH"), names("  HIGH::  "));
    }

    /**
     * Fails unless the openssl command is OpenSSL 3.0 (Debian 12's openssl package): the table and
     * the goldens come from 3.0. A missing peer fails the test; it never skips.
     */
    static void requireOpenssl30() {
        String v;
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            v = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("openssl version failed: " + v);
            }
        } catch (Exception e) {
            fail("the openssl command is needed and is not installed: apt-get install openssl (.ci/run installs it): " + e);
            return;
        }
        assertTrue(v.startsWith("OpenSSL 3.0."), "this test compares with OpenSSL 3.0 (Debian 12's openssl package); found " + v);
    }

    /** What the openssl command selects for {@code rule} (TLS 1.2 and older), ':'-joined. */
    static String openssl(String rule) throws Exception {
        Process p = new ProcessBuilder("openssl", "ciphers", "-V", "--", rule).redirectErrorStream(false).start();
        p.getErrorStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        p.waitFor(10, TimeUnit.SECONDS);
        return Arrays.stream(out.split("\n")).map(String::trim).filter(l -> !l.isEmpty())
                .map(l -> l.split("\\s+")).filter(f -> f.length > 3 && !f[3].equals("TLSv1.3")).map(f -> f[2])
                .collect(Collectors.joining(":"));
    }
}
