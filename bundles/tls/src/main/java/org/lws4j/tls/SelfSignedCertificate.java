package org.lws4j.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes a self-signed EC P-256 certificate and its key, for a vhost that asks for one
 * ({@code "generate-self-signed": "1"}) while its certificate and key files do not exist: the
 * demo's https port works on a fresh machine with no manual step. The certificate names the vhost
 * and {@code localhost}, {@code 127.0.0.1} and {@code ::1}; it is valid for a year and is for TLS
 * servers only. The key is written PKCS#8, readable by its owner alone. Each file is written
 * whole (a temporary file moved in place), the key first.
 */
final class SelfSignedCertificate {
    static final Duration VALIDITY = Duration.ofDays(365);

    private final Provider bc;

    SelfSignedCertificate(Provider bc) {
        this.bc = bc;
    }

    /** Generates and writes the pair for {@code vhost}; returns the certificate. */
    X509Certificate write(String vhost, Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", bc);
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair kp = g.generateKeyPair();
        X509Certificate cert = certificate(vhost, kp);
        writeWhole(keyFile, pem(new JcaPKCS8Generator(kp.getPrivate(), null)), true);
        writeWhole(certFile, pem(cert), false);
        return cert;
    }

    X509Certificate certificate(String vhost, KeyPair kp) throws GeneralSecurityException, IOException {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "lws4j self-signed")
                .addRDN(BCStyle.CN, vhost)
                .build();
        Instant now = Instant.now();
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7f;
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(1, serial),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names(vhost).toArray(new GeneralName[0])));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(kp.getPublic()));
        try {
            return new JcaX509CertificateConverter().setProvider(bc).getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(bc).build(kp.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static List<GeneralName> names(String vhost) {
        Set<String> dns = new LinkedHashSet<>();
        List<GeneralName> out = new ArrayList<>();
        if (isIpLiteral(vhost)) {
            out.add(new GeneralName(GeneralName.iPAddress, vhost));
        } else {
            dns.add(vhost);
        }
        dns.add("localhost");
        for (String d : dns) {
            out.add(new GeneralName(GeneralName.dNSName, d));
        }
        for (String ip : List.of("127.0.0.1", "::1")) {
            if (!ip.equals(vhost)) {
                out.add(new GeneralName(GeneralName.iPAddress, ip));
            }
        }
        return out;
    }

    private static boolean isIpLiteral(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
        return w.toString();
    }

    private static void writeWhole(Path file, String text, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try {
                // a temporary file starts owner-only: the key stays so, the certificate is public
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // the file system has no POSIX permissions (Windows): the folder's apply
            }
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
                w.write(text);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
