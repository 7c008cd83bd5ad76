package org.lws4j.tls;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.lws4j.api.Context;
import org.lws4j.api.Log;
import org.lws4j.spi.tls.TlsConfigException;
import org.lws4j.spi.tls.TlsProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * lws4j's TLS provider on BouncyCastle: BCJSSE engines, PEM certificates and keys read with
 * bcpkix, OpenSSL cipher lists, SNI among the vhosts of a listener, self-signed certificates on
 * demand. See {@link ServerSettings} and {@link TlsClient} for the options it reads.
 *
 * <p>It uses its own instances of the BouncyCastle providers and installs nothing JVM-wide
 * ({@code Security.addProvider} is never called), so stopping, updating or uninstalling the
 * bundle leaves nothing behind. BCJSSE does the TLS protocol; the crypto underneath is split
 * ({@link SplitCrypto}): ciphers and MACs from the JDK (AES-GCM on the CPU's AES instructions),
 * signatures and key exchange from bcprov. Keys and certificates are JDK objects, which both
 * take; bcprov and bcpkix read, decrypt and make the PEM files. It needs the core's {@link Context}: its log lines (and
 * BCJSSE's, see {@link JsseLogBridge}) go to the context's log, so the service appears only once
 * a context runs. Thread-safe: the core calls it from its config and service threads.
 */
@Component(service = TlsProvider.class)
public final class BcTlsProvider implements TlsProvider {
    private final Log log;
    private final JsseLogBridge bridge;
    /** The BouncyCastle side, made by the first {@link #engine()}; guarded by {@code this}. */
    private Engine engine;

    /**
     * What BouncyCastle needs set up before a TLS server or client can be made: its providers,
     * the cipher table, the PEM reader and the certificate generator. Making it costs about two
     * seconds of CPU on a small machine (bcprov computes every named curve's parameters when its
     * provider is built, and the JIT compiles that arithmetic), so it is made when the first TLS
     * listener or client asks for it, not when the service starts: a server with no TLS vhost
     * never pays for it, and one with TLS vhosts pays before it accepts anything (the core asks
     * for the TLS listeners' server sides before the first connection is taken).
     */
    private static final class Engine {
        final Provider bc = new BouncyCastleProvider();
        /** BCJSSE on split crypto (see the class comment). */
        final Provider jsse = new BouncyCastleJsseProvider(false, new SplitCrypto(bc));
        final SecureRandom random = new SecureRandom();
        final CipherTable table = CipherTable.load();
        final PemFiles pem = new PemFiles(bc);
        final SelfSignedCertificate generator = new SelfSignedCertificate(bc);
        final Set<String> supported;
        final List<String> defaults;

        Engine() throws GeneralSecurityException {
            SSLContext c = SSLContext.getInstance("TLS", jsse);
            c.init(null, null, random);
            SSLEngine e = c.createSSLEngine();
            this.supported = Set.of(e.getSupportedCipherSuites());
            this.defaults = List.of(e.getEnabledCipherSuites());
        }
    }

    /** For DS: logs through {@code context}'s log. */
    @Activate
    public BcTlsProvider(@Reference(name = "context") Context context) {
        this(context.log());
    }

    /** Logs through {@code log} (tests, or use outside a framework). */
    BcTlsProvider(Log log) {
        this.log = Objects.requireNonNull(log);
        this.bridge = new JsseLogBridge(log);
    }

    /** The BouncyCastle side, made on first use (see {@link Engine}). */
    private synchronized Engine engine() throws TlsConfigException {
        if (engine == null) {
            try {
                engine = new Engine();
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new TlsConfigException(null, null, "BouncyCastle's JSSE provider does not start: " + e, e);
            }
            log.info("tls: BouncyCastle %s, JSSE %s: %d cipher suites", engine.bc.getVersionStr(),
                    engine.jsse.getVersionStr(), engine.supported.size());
        }
        return engine;
    }

    @Deactivate
    void deactivate() {
        bridge.close();
    }

    @Override
    public Server server(List<VhostTls> vhosts) throws TlsConfigException {
        if (vhosts.isEmpty()) {
            throw new TlsConfigException(null, null, "a TLS listener needs at least one vhost", null);
        }
        Engine en = engine();
        SelfSignedCertificate generator = en.generator;
        List<ServerSettings> settings = new ArrayList<>();
        synchronized (generator) { // one listener's vhosts may share files that one of them generates
            for (VhostTls v : vhosts) {
                ServerSettings s = ServerSettings.read(v.name(), v.options(), env(en, v.name()));
                for (CipherList.Note n : s.suites().notes()) {
                    log.log(n.warning() ? org.lws4j.api.LogLevel.WARN : org.lws4j.api.LogLevel.NOTICE, "vhost %s: %s",
                            v.name(), n.text());
                }
                settings.add(s);
            }
        }
        ServerSettings first = settings.get(0);
        for (ServerSettings s : settings.subList(1, settings.size())) {
            if (!Arrays.equals(s.suites().suites(), first.suites().suites())
                    || !Arrays.equals(s.namedGroups(), first.namedGroups()) || !Arrays.equals(s.alpn(), first.alpn())) {
                log.notice("vhost %s: shares its port with vhost %s, whose cipher suites, curves and ALPN the port uses"
                        + " (as in lws, SNI picks the certificate and client-certificate rules, not those)", s.name(),
                        first.name());
            }
        }
        try {
            TlsServer server = new TlsServer(settings, en.jsse, en.random);
            for (ServerSettings s : settings) {
                X509Certificate c = s.chain().get(0);
                log.info("vhost %s: certificate %s (%s), valid until %s%s", s.name(), c.getSubjectX500Principal().getName(),
                        c.getPublicKey().getAlgorithm(), c.getNotAfter().toInstant(),
                        s.needClientAuth() ? ", client certificates required" : "");
            }
            log.info("vhost %s: TLS suites %s", first.name(), String.join(" ", first.suites().suites()));
            return server;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsConfigException(first.name(), null, "BouncyCastle's JSSE provider refuses the settings: "
                    + PemFiles.describe(e), e);
        }
    }

    @Override
    public Client client(Map<String, String> options) throws TlsConfigException {
        Engine en = engine();
        TlsClient c = new TlsClient(options, en.jsse, en.pem, en.table, en.supported, en.defaults, en.random);
        for (CipherList.Note n : c.notes()) {
            log.log(n.warning() ? org.lws4j.api.LogLevel.WARN : org.lws4j.api.LogLevel.NOTICE, "tls client: %s", n.text());
        }
        return c;
    }

    private ServerSettings.Env env(Engine en, String vhost) {
        return new ServerSettings.Env() {
            @Override
            public PemFiles pem() {
                return en.pem;
            }

            @Override
            public SelfSignedCertificate generator() {
                return en.generator;
            }

            @Override
            public CipherTable table() {
                return en.table;
            }

            @Override
            public Set<String> supportedSuites() {
                return en.supported;
            }

            @Override
            public List<String> defaultSuites() {
                return en.defaults;
            }

            @Override
            public void notice(String line) {
                log.notice("vhost %s: %s", vhost, line);
            }
        };
    }
}
