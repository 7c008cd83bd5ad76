package org.lws4j.tls;

import java.nio.ByteBuffer;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;
import java.util.function.BiFunction;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

import org.bouncycastle.jsse.BCSNIHostName;
import org.bouncycastle.jsse.BCSNIMatcher;
import org.bouncycastle.jsse.BCSNIServerName;

/**
 * A server engine of BCJSSE as lws4j hands it to the core: every call goes to the BCJSSE engine,
 * and it remembers the SNI name the client sent, because a BCJSSE session stops answering
 * {@link ExtendedSSLSession#getRequestedServerNames()} (UnsupportedOperationException) once the
 * handshake is over, while the core, like any JSSE user, asks the session for it to compare it
 * with the Host header. The name is caught by an SNI matcher that accepts every name (unknown
 * names are served by the listener's first vhost, as in lws).
 *
 * <p>When the handshake ends it runs a check ({@link AfterHandshake}) that can still refuse the
 * connection: the provider fixes whether it asks for a client certificate before SNI is known, so
 * on a listener where only some vhosts require one, it asks everyone and this check refuses a
 * connection to such a vhost that came without one.
 *
 * <p>Used like any SSLEngine, on one thread at a time.
 */
final class ServerEngine extends SSLEngine {
    private final SSLEngine e;
    private final AfterHandshake after;
    private volatile String sni;
    private boolean checked;

    /** Decides, when a handshake is over, whether the connection may go on. */
    interface AfterHandshake {
        /** Throws to refuse the connection. */
        void check(ServerEngine engine) throws SSLException;
    }

    ServerEngine(SSLEngine bcEngine, String peerHost, int peerPort, AfterHandshake after) {
        super(peerHost, peerPort);
        this.e = bcEngine;
        this.after = after;
    }

    /** The matcher to install on the BCJSSE engine: records the name the client sent. */
    BCSNIMatcher matcher() {
        return new BCSNIMatcher(0) { // host_name
            @Override
            public boolean matches(BCSNIServerName name) {
                String host = null;
                try {
                    host = name instanceof BCSNIHostName ? ((BCSNIHostName) name).getAsciiName()
                            : new BCSNIHostName(name.getEncoded()).getAsciiName();
                } catch (RuntimeException notAHostName) {
                    // served as if no name was sent
                }
                sni = host;
                return true;
            }
        };
    }

    /** The host name the client sent with SNI, or null. */
    String sniName() {
        return sni;
    }

    /** The BCJSSE engine underneath. */
    SSLEngine bcEngine() {
        return e;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        return checked(e.wrap(srcs, offset, length, dst));
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
        return checked(e.wrap(src, dst));
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, ByteBuffer dst) throws SSLException {
        return checked(e.wrap(srcs, dst));
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        return checked(e.unwrap(src, dsts, offset, length));
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
        return checked(e.unwrap(src, dst));
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts) throws SSLException {
        return checked(e.unwrap(src, dsts));
    }

    /** Runs the after-handshake check once, when the provider says the handshake is over. */
    private SSLEngineResult checked(SSLEngineResult r) throws SSLException {
        if (!checked && r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
            checked = true;
            try {
                after.check(this);
            } catch (SSLException refused) {
                e.closeOutbound();
                throw refused;
            }
        }
        return r;
    }

    @Override
    public Runnable getDelegatedTask() {
        return e.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
        e.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
        return e.isInboundDone();
    }

    @Override
    public void closeOutbound() {
        e.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
        return e.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return e.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return e.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        e.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return e.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return e.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        e.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return new Session(e.getSession());
    }

    @Override
    public SSLSession getHandshakeSession() {
        return e.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
        e.beginHandshake();
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
        return e.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        e.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return e.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        e.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return e.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        e.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return e.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        e.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return e.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return e.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        e.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol() {
        return e.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return e.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        e.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return e.getHandshakeApplicationProtocolSelector();
    }

    @Override
    public String toString() {
        return "lws4j " + e;
    }

    /** The BCJSSE session, with the requested server name answered from what SNI said. */
    private final class Session extends ExtendedSSLSession {
        private final SSLSession s;

        Session(SSLSession s) {
            this.s = s;
        }

        @Override
        public List<SNIServerName> getRequestedServerNames() {
            String n = sni;
            if (n == null) {
                return List.of();
            }
            try {
                return List.of(new SNIHostName(n));
            } catch (IllegalArgumentException e) {
                return List.of();
            }
        }

        @Override
        public String[] getLocalSupportedSignatureAlgorithms() {
            return s instanceof ExtendedSSLSession ? ((ExtendedSSLSession) s).getLocalSupportedSignatureAlgorithms()
                    : new String[0];
        }

        @Override
        public String[] getPeerSupportedSignatureAlgorithms() {
            return s instanceof ExtendedSSLSession ? ((ExtendedSSLSession) s).getPeerSupportedSignatureAlgorithms()
                    : new String[0];
        }

        @Override
        public List<byte[]> getStatusResponses() {
            return s instanceof ExtendedSSLSession ? ((ExtendedSSLSession) s).getStatusResponses() : List.of();
        }

        @Override
        public byte[] getId() {
            return s.getId();
        }

        @Override
        public SSLSessionContext getSessionContext() {
            return s.getSessionContext();
        }

        @Override
        public long getCreationTime() {
            return s.getCreationTime();
        }

        @Override
        public long getLastAccessedTime() {
            return s.getLastAccessedTime();
        }

        @Override
        public void invalidate() {
            s.invalidate();
        }

        @Override
        public boolean isValid() {
            return s.isValid();
        }

        @Override
        public void putValue(String name, Object value) {
            s.putValue(name, value);
        }

        @Override
        public Object getValue(String name) {
            return s.getValue(name);
        }

        @Override
        public void removeValue(String name) {
            s.removeValue(name);
        }

        @Override
        public String[] getValueNames() {
            return s.getValueNames();
        }

        @Override
        public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
            return s.getPeerCertificates();
        }

        @Override
        public Certificate[] getLocalCertificates() {
            return s.getLocalCertificates();
        }

        @Override
        @SuppressWarnings("removal")
        public javax.security.cert.X509Certificate[] getPeerCertificateChain() throws SSLPeerUnverifiedException {
            return s.getPeerCertificateChain();
        }

        @Override
        public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
            return s.getPeerPrincipal();
        }

        @Override
        public Principal getLocalPrincipal() {
            return s.getLocalPrincipal();
        }

        @Override
        public String getCipherSuite() {
            return s.getCipherSuite();
        }

        @Override
        public String getProtocol() {
            return s.getProtocol();
        }

        @Override
        public String getPeerHost() {
            return s.getPeerHost();
        }

        @Override
        public int getPeerPort() {
            return s.getPeerPort();
        }

        @Override
        public int getPacketBufferSize() {
            return s.getPacketBufferSize();
        }

        @Override
        public int getApplicationBufferSize() {
            return s.getApplicationBufferSize();
        }
    }
}
