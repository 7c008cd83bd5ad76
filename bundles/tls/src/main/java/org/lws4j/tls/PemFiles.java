package org.lws4j.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.lws4j.spi.tls.TlsConfigException;

/**
 * Reads PEM files as OpenSSL writes them: certificate chains and CA bundles ({@code CERTIFICATE}
 * blocks), and private keys, RSA or EC, in every form OpenSSL uses: PKCS#1
 * ({@code RSA PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}, with or without the
 * {@code EC PARAMETERS} block before it), PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8
 * ({@code ENCRYPTED PRIVATE KEY}) and the legacy encrypted PEM ({@code Proc-Type: 4,ENCRYPTED}).
 * Keys and certificates come out as the JDK's own objects (bcprov only decrypts). Problems are
 * {@link TlsConfigException}s naming the vhost and option. Stateless.
 */
final class PemFiles {
    private final Provider bc;

    PemFiles(Provider bc) {
        this.bc = bc;
    }

    /** Every certificate in {@code file}, in file order (leaf first for a chain); at least one. */
    List<X509Certificate> certificates(Path file, String vhost, String option) throws TlsConfigException {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser p = parser(file, vhost, option)) {
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter(); // JDK objects, see BcTlsProvider
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder) {
                    out.add(conv.getCertificate((X509CertificateHolder) o));
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new TlsConfigException(vhost, option, file + ": not a PEM certificate file: " + describe(e), e);
        }
        if (out.isEmpty()) {
            throw new TlsConfigException(vhost, option, file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it", null);
        }
        return out;
    }

    /**
     * The private key in {@code file} (other blocks, such as certificates or EC parameters, are
     * passed over). {@code passphrase} (null for none) opens encrypted keys.
     */
    PrivateKey privateKey(Path file, char[] passphrase, String vhost, String option, String passphraseOption)
            throws TlsConfigException {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter(); // JDK key objects: the JDK's crypto signs with them
        try (PEMParser p = parser(file, vhost, option)) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof PEMKeyPair) {
                    return conv.getKeyPair((PEMKeyPair) o).getPrivate();
                }
                if (o instanceof PrivateKeyInfo) {
                    return conv.getPrivateKey((PrivateKeyInfo) o);
                }
                if (o instanceof PEMEncryptedKeyPair) {
                    needPassphrase(passphrase, file, vhost, passphraseOption);
                    try {
                        PEMKeyPair kp = ((PEMEncryptedKeyPair) o)
                                .decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(bc).build(passphrase));
                        return conv.getKeyPair(kp).getPrivate();
                    } catch (IOException | RuntimeException e) {
                        throw wrongPassphrase(file, vhost, passphraseOption, e);
                    }
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    needPassphrase(passphrase, file, vhost, passphraseOption);
                    try {
                        PrivateKeyInfo info = ((PKCS8EncryptedPrivateKeyInfo) o).decryptPrivateKeyInfo(
                                new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(bc).build(passphrase));
                        return conv.getPrivateKey(info);
                    } catch (org.bouncycastle.pkcs.PKCSException | org.bouncycastle.operator.OperatorCreationException
                            | RuntimeException e) {
                        throw wrongPassphrase(file, vhost, passphraseOption, e);
                    }
                }
            }
        } catch (IOException e) {
            throw new TlsConfigException(vhost, option, file + ": not a PEM key file: " + describe(e), e);
        }
        throw new TlsConfigException(vhost, option, file + ": no private key in it (expected -----BEGIN PRIVATE KEY-----,"
                + " RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)", null);
    }

    /** True when {@code file} holds a private key block (a certificate file may carry its key too). */
    static boolean hasPrivateKey(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).contains("PRIVATE KEY-----");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Checks that {@code key} is the private half of {@code cert}'s public key, by signing a probe. */
    void checkPair(PrivateKey key, X509Certificate cert, String vhost, String option) throws TlsConfigException {
        PublicKey pub = cert.getPublicKey();
        String alg = signatureFor(key);
        if (alg == null || !key.getAlgorithm().equals(pub.getAlgorithm()) && !(isEc(key) && isEc(pub))) {
            throw new TlsConfigException(vhost, option, "the key (" + key.getAlgorithm() + ") does not match the "
                    + pub.getAlgorithm() + " certificate " + cert.getSubjectX500Principal().getName(), null);
        }
        try {
            byte[] probe = "lws4j key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            if (v.verify(sig)) {
                return;
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsConfigException(vhost, option, "cannot check the key against the certificate: " + describe(e), e);
        }
        throw new TlsConfigException(vhost, option, "the key does not match the certificate "
                + cert.getSubjectX500Principal().getName(), null);
    }

    private static String signatureFor(PrivateKey key) {
        if (isEc(key)) {
            return "SHA256withECDSA";
        }
        if (key.getAlgorithm().equals("RSA")) {
            return "SHA256withRSA";
        }
        if (key.getAlgorithm().equals("RSASSA-PSS")) {
            return "SHA256withRSAandMGF1";
        }
        if (key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("Ed448")) {
            return key.getAlgorithm();
        }
        return null;
    }

    static boolean isEc(java.security.Key k) {
        return k.getAlgorithm().equals("EC") || k.getAlgorithm().equals("ECDSA");
    }

    private static PEMParser parser(Path file, String vhost, String option) throws TlsConfigException {
        try {
            Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
            return new PEMParser(r);
        } catch (NoSuchFileException e) {
            throw new TlsConfigException(vhost, option, file + ": no such file", e);
        } catch (IOException e) {
            throw new TlsConfigException(vhost, option, file + ": cannot read: " + describe(e), e);
        }
    }

    private static void needPassphrase(char[] passphrase, Path file, String vhost, String passphraseOption)
            throws TlsConfigException {
        if (passphrase == null) {
            throw new TlsConfigException(vhost, passphraseOption, file + " is encrypted: set " + passphraseOption, null);
        }
    }

    private static TlsConfigException wrongPassphrase(Path file, String vhost, String passphraseOption, Exception e) {
        return new TlsConfigException(vhost, passphraseOption, "does not open the encrypted key " + file
                + " (wrong passphrase?): " + describe(e), e);
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
