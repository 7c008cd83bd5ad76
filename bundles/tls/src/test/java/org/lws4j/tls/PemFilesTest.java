package org.lws4j.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lws4j.spi.tls.TlsConfigException;
import org.lws4j.tls.TestPki.KeyForm;

/** Certificates and keys in every PEM form OpenSSL writes, RSA and EC, and the errors they can raise. */
class PemFilesTest {
    static final PemFiles PEM = new PemFiles(TestPki.BC);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyForm.class)
    void readsEcKeys(KeyForm form) throws Exception {
        KeyPair kp = TestPki.ec();
        Path f = TestPki.writeKey(dir.resolve("ec.pem"), kp.getPrivate(), form, "s3cret");
        PrivateKey k = PEM.privateKey(f, "s3cret".toCharArray(), "v", "host-ssl-key", "host-ssl-passphrase");
        assertArrayEquals(kp.getPrivate().getEncoded(), k.getEncoded(), form.toString());
        PEM.checkPair(k, TestPki.leaf("v", kp, null).cert(), "v", "host-ssl-key");
    }

    @ParameterizedTest
    @EnumSource(value = KeyForm.class, names = "SEC1_WITH_PARAMETERS", mode = EnumSource.Mode.EXCLUDE)
    void readsRsaKeys(KeyForm form) throws Exception {
        KeyPair kp = TestPki.rsa();
        Path f = TestPki.writeKey(dir.resolve("rsa.pem"), kp.getPrivate(), form, "s3cret");
        String text = Files.readString(f);
        if (form == KeyForm.PKCS1_OR_SEC1) {
            assertTrue(text.contains("BEGIN RSA PRIVATE KEY"), text);
        }
        PrivateKey k = PEM.privateKey(f, "s3cret".toCharArray(), "v", "host-ssl-key", "host-ssl-passphrase");
        assertEquals("RSA", k.getAlgorithm());
        PEM.checkPair(k, TestPki.leaf("v", kp, null).cert(), "v", "host-ssl-key");
    }

    @Test
    void writesTheFormsItClaims() throws Exception {
        KeyPair kp = TestPki.ec();
        assertTrue(read(TestPki.writeKey(dir.resolve("a"), kp.getPrivate(), KeyForm.PKCS1_OR_SEC1, null))
                .contains("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(read(TestPki.writeKey(dir.resolve("b"), kp.getPrivate(), KeyForm.SEC1_WITH_PARAMETERS, null))
                .startsWith("-----BEGIN EC PARAMETERS-----"));
        assertTrue(read(TestPki.writeKey(dir.resolve("c"), kp.getPrivate(), KeyForm.PKCS8, null))
                .contains("-----BEGIN PRIVATE KEY-----"));
        assertTrue(read(TestPki.writeKey(dir.resolve("d"), kp.getPrivate(), KeyForm.ENCRYPTED_PKCS8, "x"))
                .contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assertTrue(read(TestPki.writeKey(dir.resolve("e"), kp.getPrivate(), KeyForm.LEGACY_ENCRYPTED_AES, "x"))
                .contains("Proc-Type: 4,ENCRYPTED"));
    }

    @Test
    void encryptedKeyWithoutPassphraseNamesThePassphraseOption() throws Exception {
        Path f = TestPki.writeKey(dir.resolve("k.pem"), TestPki.ec().getPrivate(), KeyForm.ENCRYPTED_PKCS8, "s3cret");
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> PEM.privateKey(f, null, "site", "host-ssl-key", "host-ssl-passphrase"));
        assertEquals("site", e.vhost());
        assertEquals("host-ssl-passphrase", e.option());
        assertTrue(e.getMessage().startsWith("vhost site: host-ssl-passphrase: "), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = KeyForm.class, names = {"ENCRYPTED_PKCS8", "LEGACY_ENCRYPTED_AES", "LEGACY_ENCRYPTED_3DES"})
    void wrongPassphraseNamesThePassphraseOption(KeyForm form) throws Exception {
        Path f = TestPki.writeKey(dir.resolve("k.pem"), TestPki.rsa().getPrivate(), form, "s3cret");
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> PEM.privateKey(f, "wrong".toCharArray(), "site", "host-ssl-key", "host-ssl-passphrase"));
        assertEquals("host-ssl-passphrase", e.option(), e.getMessage());
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws Exception {
        TestPki.Issued a = TestPki.leaf("a", TestPki.ec(), null);
        TestPki.Issued b = TestPki.leaf("b", TestPki.ec(), null);
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> PEM.checkPair(a.keys().getPrivate(), b.cert(), "a", "host-ssl-key"));
        assertEquals("host-ssl-key", e.option());
        TestPki.Issued r = TestPki.leaf("r", TestPki.rsa(), null);
        e = assertThrows(TlsConfigException.class, () -> PEM.checkPair(r.keys().getPrivate(), a.cert(), "a", "host-ssl-key"));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void chainsComeInFileOrder() throws Exception {
        TestPki.Issued ca = TestPki.ca("Test CA");
        TestPki.Issued leaf = TestPki.leaf("a.example", TestPki.ec(), ca);
        Path f = TestPki.writeCerts(dir.resolve("chain.pem"), leaf.chain());
        assertEquals(leaf.chain(), PEM.certificates(f, "a.example", "host-ssl-cert"));
    }

    @Test
    void missingOrWrongFilesNameTheirOption() throws Exception {
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> PEM.certificates(dir.resolve("nope.pem"), "site", "host-ssl-cert"));
        assertEquals("host-ssl-cert", e.option());
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        Path key = TestPki.writeKey(dir.resolve("key.pem"), TestPki.ec().getPrivate(), KeyForm.PKCS8, null);
        e = assertThrows(TlsConfigException.class, () -> PEM.certificates(key, "site", "host-ssl-ca"));
        assertEquals("host-ssl-ca", e.option());
        Path cert = TestPki.writeCerts(dir.resolve("cert.pem"), TestPki.ca("x").chain());
        e = assertThrows(TlsConfigException.class, () -> PEM.privateKey(cert, null, "site", "host-ssl-key", "p"));
        assertEquals("host-ssl-key", e.option());
        Path junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n");
        e = assertThrows(TlsConfigException.class, () -> PEM.certificates(junk, "site", "host-ssl-cert"));
        assertEquals("host-ssl-cert", e.option());
    }

    /** Files the openssl command writes, in each of its forms. */
    @Test
    void readsWhatTheOpensslCommandWrites() throws Exception {
        CipherListTest.requireOpenssl30();
        List<String[]> forms = new ArrayList<>();
        forms.add(new String[] {"ec-pkcs8.pem", "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec-pkcs8.pem"});
        forms.add(new String[] {"ec-sec1.pem", "ecparam -name prime256v1 -genkey -out ec-sec1.pem"});
        forms.add(new String[] {"rsa-pkcs1.pem", "genrsa -traditional -out rsa-pkcs1.pem 2048"});
        forms.add(new String[] {"rsa-pkcs8.pem", "genrsa -out rsa-pkcs8.pem 2048"});
        forms.add(new String[] {"rsa-enc-pkcs8.pem", "pkcs8 -topk8 -v2 aes256 -in rsa-pkcs1.pem -passout pass:s3cret -out rsa-enc-pkcs8.pem"});
        forms.add(new String[] {"rsa-legacy.pem", "rsa -traditional -aes128 -in rsa-pkcs1.pem -passout pass:s3cret -out rsa-legacy.pem"});
        forms.add(new String[] {"ec-legacy.pem", "ec -aes256 -in ec-sec1.pem -passout pass:s3cret -out ec-legacy.pem"});
        for (String[] f : forms) {
            openssl(f[1]);
            openssl("req -x509 -new -key " + f[0] + " -passin pass:s3cret -subj /CN=" + f[0] + " -days 1 -out " + f[0] + ".crt");
            PrivateKey k = PEM.privateKey(dir.resolve(f[0]), "s3cret".toCharArray(), "v", "host-ssl-key", "host-ssl-passphrase");
            PEM.checkPair(k, PEM.certificates(dir.resolve(f[0] + ".crt"), "v", "host-ssl-cert").get(0), "v", "host-ssl-key");
        }
    }

    private void openssl(String args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args.split(" ")));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, args + ": " + out);
    }

    private static String read(Path f) throws Exception {
        return Files.readString(f);
    }
}
