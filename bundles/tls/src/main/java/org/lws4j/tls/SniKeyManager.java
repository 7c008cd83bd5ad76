package org.lws4j.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.teletrust.TeleTrusTNamedCurves;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The server's key manager for one listener: the certificate of the vhost that the client's SNI
 * name picks ({@link SniSelector}), and nothing when that certificate's key cannot serve the key
 * type being asked about (the provider then tries another suite or signature scheme, or fails the
 * handshake: a vhost never answers with another vhost's certificate). Aliases are the vhosts'
 * positions on the listener. Called by the provider during handshakes, on service threads;
 * immutable.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    private final List<String> names;
    private final List<X509Certificate[]> chains = new ArrayList<>();
    private final List<PrivateKey> keys = new ArrayList<>();
    private final List<String> keyAlgs = new ArrayList<>();
    private final List<String> curves = new ArrayList<>();

    SniKeyManager(List<ServerSettings> vhosts) {
        this.names = vhosts.stream().map(ServerSettings::name).toList();
        for (ServerSettings v : vhosts) {
            chains.add(v.chain().toArray(new X509Certificate[0]));
            keys.add(v.key());
            PublicKey pub = v.chain().get(0).getPublicKey();
            keyAlgs.add(PemFiles.isEc(pub) ? "EC" : pub.getAlgorithm());
            curves.add(PemFiles.isEc(pub) ? curveName(pub) : null);
        }
    }

    /** The vhost (position) for the SNI name in {@code session}, the first without one. */
    int select(SSLSession session) {
        return SniSelector.select(names, sniName(session));
    }

    /** The host name a client asked for with SNI in {@code session}, or null. */
    static String sniName(SSLSession session) {
        if (!(session instanceof ExtendedSSLSession)) {
            return null;
        }
        try {
            for (SNIServerName n : ((ExtendedSSLSession) session).getRequestedServerNames()) {
                if (n instanceof SNIHostName) {
                    return ((SNIHostName) n).getAsciiName();
                }
            }
        } catch (UnsupportedOperationException e) {
            return null;
        }
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        int v = engine == null ? 0 : select(engine.getHandshakeSession());
        return serves(v, keyType) ? alias(v) : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return serves(0, keyType) ? alias(0) : null; // sockets are not used by lws4j; no SNI here
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (serves(i, keyType)) {
                out.add(alias(i));
            }
        }
        return out.isEmpty() ? null : out.toArray(new String[0]);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        int i = index(alias);
        return i < 0 ? null : chains.get(i).clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        int i = index(alias);
        return i < 0 ? null : keys.get(i);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    /**
     * Whether vhost {@code i}'s key can serve {@code keyType}, as the provider names key types:
     * "EC/secp256r1", "RSA", "RSASSA-PSS", "Ed25519" for TLS 1.3 signature schemes, "ECDHE_ECDSA",
     * "ECDHE_RSA", "DHE_RSA", "RSA" for TLS 1.2 key exchanges.
     */
    boolean serves(int i, String keyType) {
        if (keyType == null || i < 0 || i >= names.size()) {
            return false;
        }
        String type = keyType;
        String curve = null;
        int slash = type.indexOf('/');
        if (slash >= 0) {
            curve = type.substring(slash + 1);
            type = type.substring(0, slash);
        }
        int us = type.lastIndexOf('_');
        if (us >= 0) {
            type = type.substring(us + 1); // the TLS 1.2 key exchange's authentication part
        }
        String alg = keyAlgs.get(i);
        switch (type.toUpperCase(Locale.ROOT)) {
            case "EC":
            case "ECDSA":
                return alg.equals("EC") && (curve == null || curves.get(i) == null
                        || curve.toLowerCase(Locale.ROOT).startsWith(curves.get(i).toLowerCase(Locale.ROOT)));
            case "RSA":
                return alg.equals("RSA");
            case "RSASSA-PSS":
                return alg.equals("RSASSA-PSS");
            case "DSS":
            case "DSA":
                return alg.equals("DSA");
            default:
                return alg.equalsIgnoreCase(type);
        }
    }

    private static String curveName(PublicKey pub) {
        try {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(pub.getEncoded());
            Object p = info.getAlgorithm().getParameters();
            if (p instanceof ASN1ObjectIdentifier) {
                ASN1ObjectIdentifier oid = (ASN1ObjectIdentifier) p;
                String n = SECNamedCurves.getName(oid);
                return n != null ? n : TeleTrusTNamedCurves.getName(oid);
            }
        } catch (RuntimeException e) {
            // explicit curve parameters: let the provider judge
        }
        return null;
    }

    private static String alias(int i) {
        return "vhost-" + i;
    }

    private int index(String alias) {
        if (alias == null || !alias.startsWith("vhost-")) {
            return -1;
        }
        try {
            int i = Integer.parseInt(alias.substring(6));
            return i >= 0 && i < names.size() ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
