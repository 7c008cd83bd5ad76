package org.lws4j.core.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import org.lws4j.spi.tls.TlsProvider;
import org.lws4j.core.loop.Endpoint;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.spi.metrics.MetricsSink;
import org.lws4j.spi.metrics.Refusal;

/**
 * TLS over a socket, driven without blocking inside the service loop: records read from the
 * socket are unwrapped into application bytes, application bytes are wrapped into records, and
 * the handshake advances whenever either side moves. Delegated tasks (key exchange math) run
 * inline on the service thread: no thread per connection.
 *
 * <p>Buffers: {@code netIn} holds socket bytes not yet unwrapped (filling mode), {@code netOut}
 * records not yet written (filling mode), {@code appIn} decrypted bytes not yet handed up
 * (draining mode). They are allocated when the first record arrives.
 */
public final class TlsEndpoint implements Endpoint {
    private static final ByteBuffer[] NONE = {ByteBuffer.allocate(0)};
    private static final int TLS_HANDSHAKE_RECORD = 0x16;

    private final SocketChannel ch;
    private final SSLEngine engine;
    private final TlsProvider.Server server;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer appIn;
    private boolean firstByteChecked;
    private boolean handshakeDone;
    private boolean eof;
    private String sni;
    // metrics of a server connection: where they go, its port's default vhost, when it was accepted
    private ServiceThread countOn;
    private String portVhost;
    private long acceptedAt;

    public TlsEndpoint(SocketChannel ch, SSLEngine engine, TlsProvider.Server server) {
        this.ch = ch;
        this.engine = engine;
        this.server = server;
        SSLSession s = engine.getSession();
        this.netIn = ByteBuffer.allocate(s.getPacketBufferSize());
        this.netOut = ByteBuffer.allocate(s.getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(s.getApplicationBufferSize());
        this.appIn.flip();
    }

    @Override
    public java.nio.channels.SelectableChannel channel() {
        return ch;
    }

    @Override
    public java.net.InetSocketAddress remote() {
        try {
            return (java.net.InetSocketAddress) ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public java.net.InetSocketAddress local() {
        try {
            return (java.net.InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** A client engine speaks first: the ClientHello goes out as soon as the socket is connected. */
    @Override
    public void start() throws IOException {
        if (engine.getUseClientMode()) {
            firstByteChecked = true; // the server's answer is TLS by definition; anything else fails the handshake
            engine.beginHandshake();
            advanceHandshakeWrites();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            if (appIn.hasRemaining()) {
                total += move(appIn, dst);
                continue;
            }
            if (!advanceHandshakeWrites()) {
                break; // records wait for the socket; input waits for them
            }
            if (netIn.position() > 0) {
                Progress p = unwrap();
                if (p == Progress.PRODUCED || p == Progress.HANDSHAKE) {
                    continue;
                }
                if (p == Progress.CLOSED) {
                    eof = true;
                    break;
                }
            }
            if (eof) {
                break;
            }
            int n = ch.read(netIn);
            if (n < 0) {
                eof = true;
                try {
                    engine.closeInbound();
                } catch (SSLException truncated) {
                    // the peer closed without close_notify: the end all the same
                }
                break;
            }
            if (n == 0) {
                break;
            }
        }
        if (total == 0 && eof && !appIn.hasRemaining()) {
            return -1;
        }
        return total;
    }

    private enum Progress { PRODUCED, HANDSHAKE, NEED_INPUT, CLOSED }

    /** Unwraps what netIn holds; says whether it produced bytes, moved the handshake, or needs input. */
    private Progress unwrap() throws IOException {
        netIn.flip();
        try {
            if (!firstByteChecked && netIn.hasRemaining()) {
                firstByteChecked = true;
                int b = netIn.get(0) & 0xff;
                if (b != TLS_HANDSHAKE_RECORD) {
                    refused(Refusal.NOT_TLS);
                    throw new NotTlsException(b);
                }
            }
            appIn.clear();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } catch (SSLException fatal) {
                sendAlert();
                if (!handshakeDone) {
                    refused(Refusal.TLS_HANDSHAKE);
                }
                throw fatal;
            } finally {
                appIn.flip();
            }
            noteHandshake(r.getHandshakeStatus());
            if (sni == null && !handshakeDone) {
                sni = requestedName(engine.getHandshakeSession());
            }
            switch (r.getStatus()) {
                case OK:
                    if (r.bytesProduced() > 0) {
                        return Progress.PRODUCED;
                    }
                    return r.bytesConsumed() > 0 || r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING
                            ? Progress.HANDSHAKE : Progress.NEED_INPUT;
                case BUFFER_OVERFLOW:
                    appIn = ByteBuffer.allocate(Math.max(appIn.capacity() * 2, engine.getSession().getApplicationBufferSize()));
                    appIn.flip();
                    return Progress.HANDSHAKE;
                case BUFFER_UNDERFLOW:
                    if (netIn.limit() == netIn.capacity()) {
                        ByteBuffer bigger = ByteBuffer.allocate(Math.max(netIn.capacity() * 2, engine.getSession().getPacketBufferSize()));
                        bigger.put(netIn);
                        bigger.flip();
                        netIn = bigger;
                    }
                    return Progress.NEED_INPUT;
                case CLOSED:
                default:
                    return Progress.CLOSED;
            }
        } finally {
            netIn.compact();
        }
    }

    /**
     * After a fatal error the engine holds the alert it wants to send (handshake_failure, ...):
     * send it, so the peer learns why, before the connection is closed.
     */
    private void sendAlert() {
        try {
            for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                SSLEngineResult r = engine.wrap(NONE, netOut);
                if (r.bytesProduced() == 0) {
                    break;
                }
            }
            flush();
        } catch (IOException | RuntimeException ignored) {
            // the connection is failing anyway
        }
    }

    /** The SNI host name a session carries, or null (some providers cannot tell after the handshake). */
    private static String requestedName(SSLSession s) {
        if (!(s instanceof ExtendedSSLSession)) {
            return null;
        }
        try {
            for (SNIServerName n : ((ExtendedSSLSession) s).getRequestedServerNames()) {
                if (n instanceof SNIHostName) {
                    return ((SNIHostName) n).getAsciiName();
                }
            }
        } catch (UnsupportedOperationException notKept) {
            // BCJSSE's final session does not keep the requested names: the handshake session did
        }
        return null;
    }

    /**
     * Runs delegated tasks and writes what the handshake asks to send. Returns false when the
     * socket cannot take those records now (the connection waits for writeable).
     */
    private boolean advanceHandshakeWrites() throws IOException {
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable t;
                while ((t = engine.getDelegatedTask()) != null) {
                    t.run();
                }
                continue;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                if (!wrapOnce(NONE)) {
                    return false;
                }
                continue;
            }
            if (hs == HandshakeStatus.NOT_HANDSHAKING && !handshakeDone && engine.getSession().isValid()
                    && firstByteChecked) {
                handshakeFinished();
            }
            return flush();
        }
    }

    /** Wraps once into netOut, flushing it when full; false if the socket is full. */
    private boolean wrapOnce(ByteBuffer[] src) throws IOException {
        SSLEngineResult r = engine.wrap(src, netOut);
        noteHandshake(r.getHandshakeStatus());
        switch (r.getStatus()) {
            case OK:
                return flush() || r.bytesProduced() > 0 && netOut.position() < netOut.capacity();
            case BUFFER_OVERFLOW:
                if (!flush()) {
                    return false;
                }
                if (netOut.position() == 0 && netOut.capacity() < engine.getSession().getPacketBufferSize()) {
                    netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                }
                return true;
            case CLOSED:
                throw new IOException("TLS session closed");
            default:
                return true;
        }
    }

    private void noteHandshake(HandshakeStatus hs) {
        if (hs == HandshakeStatus.FINISHED && !handshakeDone) {
            handshakeFinished();
        }
    }

    private void handshakeFinished() {
        handshakeDone = true;
        MetricsSink m = countOn == null ? null : countOn.metrics();
        if (m != null) {
            String v = tlsVhost();
            m.tlsHandshake(v != null ? v : portVhost, System.nanoTime() - acceptedAt);
        }
    }

    private void refused(Refusal why) {
        MetricsSink m = countOn == null ? null : countOn.metrics();
        if (m != null) {
            m.connectionRefused(portVhost, why);
        }
    }

    /**
     * A server connection accepted now on a port whose default vhost is {@code portVhost}: its
     * handshake and failures are reported to {@code pt}'s metrics service, if one is installed.
     */
    public void countOn(ServiceThread pt, String portVhost) {
        this.countOn = pt;
        this.portVhost = portVhost;
        this.acceptedAt = System.nanoTime();
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        if (!handshakeDone) {
            advanceHandshakeWrites();
            if (!handshakeDone) {
                return 0; // application bytes wait in the connection until the handshake is done
            }
        }
        long taken = 0;
        while (remaining(srcs) > 0) {
            SSLEngineResult r = engine.wrap(srcs, netOut);
            taken += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new IOException("TLS session closed");
            }
            if (!flush()) {
                break; // the socket is full: the rest waits
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && netOut.position() == 0
                    && r.bytesConsumed() == 0) {
                netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            }
        }
        return taken;
    }

    @Override
    public boolean flush() throws IOException {
        if (netOut.position() == 0) {
            return true;
        }
        netOut.flip();
        try {
            ch.write(netOut);
        } finally {
            netOut.compact();
        }
        return netOut.position() == 0;
    }

    @Override
    public boolean hasPendingOutput() {
        return netOut.position() > 0;
    }

    @Override
    public boolean hasBufferedInput() {
        return appIn.hasRemaining() || netIn.position() > 0;
    }

    @Override
    public boolean canTransferFiles() {
        return false;
    }

    @Override
    public void shutdownOutput() throws IOException {
        engine.closeOutbound();
        try {
            while (!engine.isOutboundDone()) {
                SSLEngineResult r = engine.wrap(NONE, netOut);
                if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException e) {
            // nothing more can be said to this peer
        }
        flush();
        ch.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    /** True once the handshake has completed. */
    public boolean handshakeDone() {
        return handshakeDone;
    }

    @Override
    public String sniHost() {
        if (sni == null) {
            sni = requestedName(engine.getSession());
        }
        return sni;
    }

    @Override
    public String tlsVhost() {
        return server == null ? null : server.vhostFor(engine);
    }

    public SSLEngine engine() {
        return engine;
    }

    private static int move(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        ByteBuffer slice = from.slice();
        slice.limit(n);
        to.put(slice);
        from.position(from.position() + n);
        return n;
    }

    private static long remaining(ByteBuffer[] bufs) {
        long n = 0;
        for (ByteBuffer b : bufs) {
            n += b.remaining();
        }
        return n;
    }

    /** The first byte on a TLS port was not a TLS handshake record: a plain request, or noise. */
    /** Plain bytes where a TLS handshake should start. */
    public static final class NotTlsException extends Endpoint.ForeignBytesException {
        private static final long serialVersionUID = 1L;

        NotTlsException(int firstByte) {
            super("not TLS", firstByte);
        }
    }
}
