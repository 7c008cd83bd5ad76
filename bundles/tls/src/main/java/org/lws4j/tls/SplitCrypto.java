package org.lws4j.tls;

import java.security.AlgorithmParameterGenerator;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CertStoreParameters;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

import javax.crypto.Cipher;
import javax.crypto.ExemptionMechanism;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKeyFactory;

import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * The crypto under BCJSSE, split by kind, each kind from where it is fastest on Java 17 and the
 * other as a fallback for what the first lacks:
 *
 * <ul>
 * <li>symmetric (ciphers, MACs, digests, key generators): the JDK's providers first, whose
 *     AES-GCM uses the CPU's AES instructions (measured here: about 10 times bcprov's throughput;
 *     bcprov brings ChaCha20-Poly1305, ARIA, Camellia);
 * <li>public key (signatures, key agreement, key pairs, key factories): this bundle's bcprov
 *     first, whose P-256 and X25519 arithmetic costs the server about half the CPU per handshake
 *     that SunEC's does on Java 17.
 * </ul>
 *
 * Nothing is installed JVM-wide: the JDK's providers are found through the JCA, bcprov is used
 * by reference. Keys are the JDK's objects (see {@link PemFiles}); bcprov takes those.
 */
final class SplitCrypto extends JcaTlsCryptoProvider {
    private final JcaJceHelper helper;

    SplitCrypto(Provider bc) {
        this.helper = new Helper(new DefaultJcaJceHelper(), new ProviderJcaJceHelper(bc));
    }

    @Override
    public JcaTlsCrypto create(SecureRandom keyRandom, SecureRandom nonceRandom) {
        SecureRandom k = keyRandom != null ? keyRandom : new SecureRandom();
        return new JcaTlsCrypto(helper, k, nonceRandom != null ? nonceRandom : k) {
        };
    }

    @Override
    public JcaTlsCrypto create(SecureRandom random) {
        return create(random, null);
    }

    @Override
    public JcaJceHelper getHelper() {
        return helper;
    }

    /** Symmetric kinds from {@code jdk} first, public-key kinds from {@code bc} first; then the other. */
    private static final class Helper implements JcaJceHelper {
        private final JcaJceHelper jdk;
        private final JcaJceHelper bc;

        Helper(JcaJceHelper jdk, JcaJceHelper bc) {
            this.jdk = jdk;
            this.bc = bc;
        }

        @FunctionalInterface
        private interface Make<T> {
            T from(JcaJceHelper h) throws GeneralSecurityException;
        }

        /** From the JDK, else bcprov. */
        private <T, E extends GeneralSecurityException> T either(Make<T> make) throws E {
            return Helper.<T, E>inOrder(jdk, bc, make);
        }

        /** From bcprov, else the JDK. */
        private <T, E extends GeneralSecurityException> T publicKey(Make<T> make) throws E {
            return Helper.<T, E>inOrder(bc, jdk, make);
        }

        @SuppressWarnings("unchecked")
        private static <T, E extends GeneralSecurityException> T inOrder(JcaJceHelper first, JcaJceHelper second, Make<T> make)
                throws E {
            try {
                return make.from(first);
            } catch (GeneralSecurityException | RuntimeException notThere) {
                try {
                    return make.from(second);
                } catch (GeneralSecurityException e) {
                    throw (E) e;
                }
            }
        }

        @Override
        public Cipher createCipher(String a) throws NoSuchAlgorithmException, NoSuchPaddingException, NoSuchProviderException {
            return this.<Cipher, NoSuchAlgorithmException>either(h -> h.createCipher(a));
        }

        @Override
        public Mac createMac(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<Mac, NoSuchAlgorithmException>either(h -> h.createMac(a));
        }

        @Override
        public KeyAgreement createKeyAgreement(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<KeyAgreement, NoSuchAlgorithmException>publicKey(h -> h.createKeyAgreement(a));
        }

        @Override
        public AlgorithmParameterGenerator createAlgorithmParameterGenerator(String a)
                throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<AlgorithmParameterGenerator, NoSuchAlgorithmException>either(h -> h.createAlgorithmParameterGenerator(a));
        }

        @Override
        public AlgorithmParameters createAlgorithmParameters(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<AlgorithmParameters, NoSuchAlgorithmException>either(h -> h.createAlgorithmParameters(a));
        }

        @Override
        public KeyGenerator createKeyGenerator(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<KeyGenerator, NoSuchAlgorithmException>either(h -> h.createKeyGenerator(a));
        }

        @Override
        public KeyFactory createKeyFactory(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<KeyFactory, NoSuchAlgorithmException>publicKey(h -> h.createKeyFactory(a));
        }

        @Override
        public SecretKeyFactory createSecretKeyFactory(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<SecretKeyFactory, NoSuchAlgorithmException>either(h -> h.createSecretKeyFactory(a));
        }

        @Override
        public KeyPairGenerator createKeyPairGenerator(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<KeyPairGenerator, NoSuchAlgorithmException>publicKey(h -> h.createKeyPairGenerator(a));
        }

        @Override
        @SuppressWarnings("deprecation")
        public MessageDigest createDigest(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<MessageDigest, NoSuchAlgorithmException>either(h -> h.createDigest(a));
        }

        @Override
        public MessageDigest createMessageDigest(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<MessageDigest, NoSuchAlgorithmException>either(h -> h.createMessageDigest(a));
        }

        @Override
        public Signature createSignature(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<Signature, NoSuchAlgorithmException>publicKey(h -> h.createSignature(a));
        }

        @Override
        public CertificateFactory createCertificateFactory(String a) throws NoSuchProviderException, CertificateException {
            return this.<CertificateFactory, CertificateException>either(h -> h.createCertificateFactory(a));
        }

        @Override
        public SecureRandom createSecureRandom(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<SecureRandom, NoSuchAlgorithmException>either(h -> h.createSecureRandom(a));
        }

        @Override
        public CertPathBuilder createCertPathBuilder(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<CertPathBuilder, NoSuchAlgorithmException>either(h -> h.createCertPathBuilder(a));
        }

        @Override
        public CertPathValidator createCertPathValidator(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<CertPathValidator, NoSuchAlgorithmException>either(h -> h.createCertPathValidator(a));
        }

        @Override
        public CertStore createCertStore(String a, CertStoreParameters p)
                throws NoSuchAlgorithmException, InvalidAlgorithmParameterException, NoSuchProviderException {
            return this.<CertStore, NoSuchAlgorithmException>either(h -> h.createCertStore(a, p));
        }

        @Override
        public ExemptionMechanism createExemptionMechanism(String a) throws NoSuchAlgorithmException, NoSuchProviderException {
            return this.<ExemptionMechanism, NoSuchAlgorithmException>either(h -> h.createExemptionMechanism(a));
        }

        @Override
        public KeyStore createKeyStore(String a) throws KeyStoreException, NoSuchProviderException {
            return this.<KeyStore, KeyStoreException>either(h -> h.createKeyStore(a));
        }
    }
}
