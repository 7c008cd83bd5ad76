package org.lws4j.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Keys, certificates and PEM files for tests, made with bcpkix in every form OpenSSL writes. */
final class TestPki {
    static final Provider BC = new BouncyCastleProvider();

    /** A key pair and its certificate chain (leaf first). */
    record Issued(KeyPair keys, List<X509Certificate> chain) {
        X509Certificate cert() {
            return chain.get(0);
        }
    }

    /** How a private key is written. */
    enum KeyForm { PKCS1_OR_SEC1, SEC1_WITH_PARAMETERS, PKCS8, ENCRYPTED_PKCS8, LEGACY_ENCRYPTED_AES, LEGACY_ENCRYPTED_3DES }

    private TestPki() {
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", BC);
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** A self-signed CA. */
    static Issued ca(String cn) throws Exception {
        KeyPair kp = ec();
        X500Name n = new X500Name("CN=" + cn);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(n, BigInteger.valueOf(System.nanoTime()),
                new Date(System.currentTimeMillis() - 3_600_000L), new Date(System.currentTimeMillis() + 86_400_000L), n,
                kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(kp, List.of(sign(b, kp.getPrivate())));
    }

    /** A leaf for {@code cn} (also its DNS name) signed by {@code issuer}, or self-signed when null. */
    static Issued leaf(String cn, KeyPair kp, Issued issuer) throws Exception {
        return leaf(cn, kp, issuer, System.currentTimeMillis() + 86_400_000L);
    }

    static Issued leaf(String cn, KeyPair kp, Issued issuer, long notAfter) throws Exception {
        X500Name subject = new X500Name("CN=" + cn);
        X500Name issuerName = issuer == null ? subject
                : X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(System.nanoTime()),
                new Date(System.currentTimeMillis() - 3_600_000L), new Date(notAfter), subject, kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, cn)));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        X509Certificate c = sign(b, issuer == null ? kp.getPrivate() : issuer.keys().getPrivate());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(c);
        if (issuer != null) {
            chain.addAll(issuer.chain());
        }
        return new Issued(kp, chain);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().setProvider(BC)
                .getCertificate(b.build(new JcaContentSignerBuilder(alg).setProvider(BC).build(key)));
    }

    static Path writeCerts(Path file, List<X509Certificate> certs) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            for (X509Certificate c : certs) {
                p.writeObject(c);
            }
        }
        Files.writeString(file, w.toString(), StandardCharsets.US_ASCII);
        return file;
    }

    static Path writeKey(Path file, PrivateKey key, KeyForm form, String pass) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            switch (form) {
                case PKCS1_OR_SEC1:
                    p.writeObject(key);
                    break;
                case SEC1_WITH_PARAMETERS:
                    p.writeObject(new PemObject("EC PARAMETERS", SECObjectIdentifiers.secp256r1.getEncoded()));
                    p.writeObject(key);
                    break;
                case PKCS8:
                    p.writeObject(new JcaPKCS8Generator(key, null));
                    break;
                case ENCRYPTED_PKCS8:
                    p.writeObject(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                            .setProvider(BC).setPassword(pass.toCharArray()).build()));
                    break;
                case LEGACY_ENCRYPTED_AES:
                    p.writeObject(new JcaMiscPEMGenerator(key, new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC)
                            .build(pass.toCharArray())));
                    break;
                case LEGACY_ENCRYPTED_3DES:
                default:
                    p.writeObject(new JcaMiscPEMGenerator(key, new JcePEMEncryptorBuilder("DES-EDE3-CBC").setProvider(BC)
                            .build(pass.toCharArray())));
                    break;
            }
        }
        Files.writeString(file, w.toString(), StandardCharsets.US_ASCII);
        return file;
    }
}
