package org.lws4j.core.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

import org.lws4j.api.ClientConnectInfo;
import org.lws4j.core.h2.ErrorCode;
import org.lws4j.core.h2.H2Connection;
import org.lws4j.core.h2.H2Limits;
import org.lws4j.core.h2.H2Listener;
import org.lws4j.core.h2.H2Request;
import org.lws4j.core.h2.HeaderField;
import org.lws4j.core.http.StatusText;
import org.lws4j.core.loop.Endpoint;
import org.lws4j.core.tls.TlsEndpoint;
import org.lws4j.core.ws.WsUpgrade;

/**
 * The socket of a client connection that may speak HTTP/2 (lws's client nwsi and its one stream
 * in one): until the protocol is known it passes bytes through; once TLS's ALPN says {@code h2},
 * or at once for HTTP/2 with prior knowledge on cleartext, it runs an {@link H2Connection} in the
 * client role and carries one stream, translating at its edge, so that the HTTP/1.1 client roles
 * above ({@link HttpClientHandler}, {@link WsClientHandshake} and then the WebSocket role) work
 * unchanged and the protocol sees the same callbacks:
 *
 * <ul>
 * <li>out: the role's HTTP/1.1 request head becomes the stream's HEADERS (an RFC 8441 extended
 *     CONNECT for a WebSocket upgrade, sent once the server's SETTINGS allowed it), its body
 *     (fixed or chunked) DATA within the stream's and the connection's windows, the WebSocket's
 *     frames (masked, RFC 6455 framing unchanged, RFC 8441 section 5) DATA;
 * <li>in: the response head becomes an HTTP/1.1 head (a 200 to an extended CONNECT a 101 with the
 *     accept value of the role's key: the stream's own 200 is the server's proof, RFC 8441 has no
 *     key), DATA the body, END_STREAM the end of input (so a body without content-length is read
 *     to its end as if close-delimited).
 * </ul>
 *
 * The stream's window reopens only as the role takes the bytes, so a protocol that reads slowly
 * holds the server back by HTTP/2 flow control, as TCP does over HTTP/1.1. A stream reset or a
 * connection error is a read error naming the HTTP/2 code. Service thread only.
 */
final class H2ClientEndpoint implements Endpoint, H2Listener {
    private static final ByteBuffer[] NONE = new ByteBuffer[0];
    private static final int MAX_HEAD = 16 * 1024;

    private enum Mode { UNDECIDED, H1, H2 }

    private final Endpoint inner;
    private final ClientConnectInfo info;
    private final ArrayDeque<ByteBuffer> frames = new ArrayDeque<>();
    private final ByteBuffer net = ByteBuffer.allocate(32 * 1024);
    /** What the role reads: the synthesized head, then body octets (counted for the window). */
    private final ArrayDeque<ByteBuffer> toRole = new ArrayDeque<>();
    private final RequestTranslator request = new RequestTranslator();
    private Mode mode;
    private H2Connection h2;
    private int streamId = -1;
    private boolean websocket;
    private String wsKey;
    private boolean responded;
    private boolean inputEnded;
    private boolean shut;
    private String failure;

    /**
     * @param inner        the socket's endpoint (plain or TLS)
     * @param priorKnowledge speak HTTP/2 from the start (cleartext, the user asked for it); else
     *                     ALPN decides once the TLS handshake is done
     */
    H2ClientEndpoint(Endpoint inner, ClientConnectInfo info, boolean priorKnowledge) {
        this.inner = inner;
        this.info = info;
        this.mode = priorKnowledge ? Mode.H2 : inner instanceof TlsEndpoint ? Mode.UNDECIDED : Mode.H1;
    }

    // ---- deciding ------------------------------------------------------------------------------

    @Override
    public void start() throws IOException {
        inner.start();
        if (mode == Mode.H2) {
            startH2();
        }
    }

    private void decide() {
        if (mode == Mode.UNDECIDED && ((TlsEndpoint) inner).handshakeDone()) {
            String picked = ((TlsEndpoint) inner).engine().getApplicationProtocol();
            mode = "h2".equals(picked) ? Mode.H2 : Mode.H1;
            if (mode == Mode.H2) {
                startH2();
            }
        }
    }

    /**
     * The client's limits: the server's defaults without RFC 8441 (a server's setting), and a
     * stream window of 1 MiB, as large as the connection's: one download is the usual load, and
     * a 64 KiB window would stall it for a WINDOW_UPDATE every 32 KiB.
     */
    private static H2Limits limits() {
        H2Limits d = H2Limits.defaults();
        return new H2Limits(d.maxConcurrentStreams(), d.connectionWindowSize(), d.connectionWindowSize(), d.maxFrameSize(),
                d.maxHeaderListSize(), d.maxHeaderBlockSize(), d.headerTableSize(), false, d.resets(), d.controlFrames(),
                d.emptyFrames());
    }

    private void startH2() {
        h2 = H2Connection.client(limits(), this, frames::add, System::nanoTime);
        h2.start();
    }

    // ---- output --------------------------------------------------------------------------------

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        if (mode == Mode.UNDECIDED) {
            inner.write(NONE); // moves the handshake only: the role's bytes wait for the choice
            decide();
            if (mode == Mode.UNDECIDED) {
                return 0;
            }
        }
        if (mode == Mode.H1) {
            return inner.write(srcs);
        }
        checkFailure();
        long taken = 0;
        for (ByteBuffer s : srcs) {
            int before = s.remaining();
            request.take(s);
            taken += before - s.remaining();
            if (s.hasRemaining() || failure != null) {
                break;
            }
        }
        pushFrames();
        checkFailure();
        return taken;
    }

    @Override
    public boolean flush() throws IOException {
        decide();
        pushFrames();
        return frames.isEmpty() && inner.flush();
    }

    /** Hands the frames made so far to the socket's endpoint, as far as it takes them. */
    private void pushFrames() throws IOException {
        while (!frames.isEmpty()) {
            ByteBuffer[] batch = frames.toArray(NONE);
            inner.write(batch);
            while (!frames.isEmpty() && !frames.peekFirst().hasRemaining()) {
                frames.pollFirst();
            }
            if (!frames.isEmpty()) {
                return; // the socket is full: the loop calls flush() when it drains
            }
        }
    }

    @Override
    public boolean selectsWrite() {
        if (mode != Mode.H2) {
            return inner.selectsWrite();
        }
        // no window (or no SETTINGS yet): the role's bytes wait; the WINDOW_UPDATE is read, and
        // the loop looks at the interest again after every read
        return !frames.isEmpty() || inner.hasPendingOutput() || failure != null || request.canTake();
    }

    @Override
    public boolean hasPendingOutput() {
        return !frames.isEmpty() || inner.hasPendingOutput();
    }

    // ---- input ---------------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (mode == Mode.H1 && net.position() == 0) {
            return inner.read(dst);
        }
        while (true) {
            if (!toRole.isEmpty()) {
                return give(dst);
            }
            if (shut) {
                int n = inner.read(net.clear()); // lingering: the peer's end is all that matters
                net.clear();
                return n < 0 ? -1 : 0;
            }
            checkFailure();
            if (inputEnded) {
                return -1;
            }
            int n = inner.read(net);
            if (mode == Mode.UNDECIDED) {
                decide();
            }
            if (mode == Mode.H1) {
                return passThrough(dst, n);
            }
            if (n < 0) {
                return -1;
            }
            if (n == 0 && net.position() == 0) {
                pushFrames();
                return 0;
            }
            net.flip();
            if (!h2.peerSettingsReceived() && startsLikeHttp1(net)) {
                fail("the server answered in HTTP/1.1: it does not speak HTTP/2 " + (inner instanceof TlsEndpoint
                        ? "though ALPN said h2" : "with prior knowledge (h2c) on this port; connect with httpVersion(\"HTTP/1.1\")"));
                net.clear();
                continue;
            }
            h2.receive(net);
            net.compact();
            if (request.waitsForSettings() && h2.peerSettingsReceived()) {
                request.openWebSocket();
            }
            pushFrames();
            if (n == 0 && toRole.isEmpty()) {
                checkFailure();
                return 0;
            }
        }
    }

    private static boolean startsLikeHttp1(ByteBuffer b) {
        byte[] http = {'H', 'T', 'T', 'P', '/'};
        for (int i = 0; i < http.length; i++) {
            if (b.remaining() <= i || b.get(b.position() + i) != http[i]) {
                return false;
            }
        }
        return true;
    }

    /** HTTP/1.1 after all: what was read while undecided goes up first. */
    private int passThrough(ByteBuffer dst, int n) {
        if (net.position() == 0) {
            return n;
        }
        net.flip();
        int k = Math.min(net.remaining(), dst.remaining());
        dst.put(dst.position(), net, net.position(), k);
        dst.position(dst.position() + k);
        net.position(net.position() + k).compact();
        return k;
    }

    private int give(ByteBuffer dst) {
        int total = 0;
        while (!toRole.isEmpty() && dst.hasRemaining()) {
            ByteBuffer b = toRole.peekFirst();
            int k = Math.min(b.remaining(), dst.remaining());
            dst.put(dst.position(), b, b.position(), k);
            dst.position(dst.position() + k);
            b.position(b.position() + k);
            total += k;
            if (!b.hasRemaining()) {
                toRole.pollFirst();
            }
            if (b.isReadOnly() && streamId > 0) {
                h2.consumed(streamId, k); // body octets taken: the stream's window may reopen
            }
        }
        return total;
    }

    @Override
    public boolean hasBufferedInput() {
        return !toRole.isEmpty() || inner.hasBufferedInput() || (mode == Mode.H2 && (inputEnded || failure != null));
    }

    private void checkFailure() throws IOException {
        if (failure != null && toRole.isEmpty()) {
            throw new IOException(failure);
        }
    }

    private void fail(String why) {
        if (failure == null) {
            failure = why;
        }
    }

    // ---- the HTTP/2 connection's events --------------------------------------------------------

    @Override
    public void onRequest(int id, H2Request request, boolean endStream) {
        // never called on a client connection
    }

    @Override
    public void onResponse(int id, int status, List<HeaderField> fields, boolean endStream) {
        responded = true;
        StringBuilder b = new StringBuilder(256);
        if (websocket && status == 200) {
            b.append("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n")
                    .append("sec-websocket-accept: ").append(WsUpgrade.accept(wsKey)).append("\r\n");
        } else {
            b.append("HTTP/1.1 ").append(status).append(' ').append(StatusText.of(status)).append("\r\n");
        }
        for (HeaderField f : fields) {
            b.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        b.append("\r\n");
        toRole.add(ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.ISO_8859_1)));
        inputEnded = endStream;
    }

    @Override
    public void onData(int id, ByteBuffer data, boolean endStream) {
        if (data.hasRemaining()) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            copy.put(data).flip();
            toRole.add(copy.asReadOnlyBuffer()); // read-only: body octets, counted for the window
        }
        inputEnded |= endStream;
    }

    @Override
    public void onTrailers(int id, List<HeaderField> trailers) {
        inputEnded = true;
    }

    @Override
    public void onReset(int id, ErrorCode code, boolean byPeer) {
        if (inputEnded && code == ErrorCode.NO_ERROR) {
            return; // the answer is complete; the server did not need the rest of the request
        }
        fail("HTTP/2 stream " + id + " reset " + (byPeer ? "by the server" : "by us") + ": " + code
                + (code == ErrorCode.REFUSED_STREAM ? " (not processed: safe to retry)" : "")
                + (responded ? " before the response ended" : ""));
    }

    @Override
    public void onWritable(int id) {
        // the loop asks selectsWrite() again after this read
    }

    @Override
    public void onGoAway(int lastStreamId, ErrorCode code, boolean byPeer) {
        // a stream above lastStreamId hears onReset; ours below it goes on
    }

    @Override
    public void onClosed(ErrorCode code, String reason) {
        if (shut) {
            return; // drained after our own GOAWAY
        }
        fail("HTTP/2 connection error " + code + (reason == null || reason.isEmpty() ? "" : ": " + reason));
    }

    // ---- the rest of the endpoint --------------------------------------------------------------

    @Override
    public boolean isStream() {
        return mode == Mode.H2;
    }

    @Override
    public SelectableChannel channel() {
        return inner.channel();
    }

    @Override
    public InetSocketAddress remote() {
        return inner.remote();
    }

    @Override
    public InetSocketAddress local() {
        return inner.local();
    }

    @Override
    public boolean canTransferFiles() {
        return mode == Mode.H1 && inner.canTransferFiles();
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (mode == Mode.H2 && !shut && h2 != null && !h2.isClosed()) {
            if (websocket && streamId > 0) {
                h2.sendData(streamId, ByteBuffer.allocate(0), true); // a WebSocket's end of output
            }
            h2.goAway(ErrorCode.NO_ERROR, "client done");
        }
        shut = true;
        pushFrames();
        inner.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }

    @Override
    public boolean lingers() {
        return inner.lingers();
    }

    @Override
    public boolean isSecure() {
        return inner.isSecure();
    }

    @Override
    public String sniHost() {
        return inner.sniHost();
    }

    @Override
    public String tlsVhost() {
        return inner.tlsVhost();
    }

    /**
     * The role's HTTP/1.1 request, turned into the stream's HEADERS and DATA: the head is
     * gathered whole, then the body (fixed, chunked, or a WebSocket's frames) goes out within the
     * windows; bytes that do not fit stay with the caller.
     */
    private final class RequestTranslator {
        private final byte[] head = new byte[MAX_HEAD];
        private int headLength;
        private List<HeaderField> pendingFields;
        private org.lws4j.core.http.BodyDecoder body;
        private boolean bodyDone;

        /** Whether bytes written now would be taken (used to stop selecting for writing meanwhile). */
        boolean canTake() {
            if (streamId < 0) {
                return pendingFields == null;
            }
            return !bodyDone && h2.sendable(streamId) > 0;
        }

        boolean waitsForSettings() {
            return pendingFields != null;
        }

        void take(ByteBuffer s) {
            if (streamId < 0) {
                if (pendingFields == null) {
                    readHead(s);
                }
                return;
            }
            if (bodyDone) {
                fail("the request went on after its end");
                return;
            }
            while (s.hasRemaining() && !bodyDone) {
                int can = h2.sendable(streamId);
                if (can <= 0) {
                    h2.awaitWindow(streamId);
                    return;
                }
                ByteBuffer window = s.slice(s.position(), Math.min(s.remaining(), can));
                if (body == null) {
                    h2.sendData(streamId, window, false); // a WebSocket's frames
                } else if (!bodyStep(window)) {
                    s.position(s.position() + window.position());
                    return;
                }
                s.position(s.position() + window.position());
            }
        }

        /** Frames body octets of {@code in}; false when it needs more or failed. */
        private boolean bodyStep(ByteBuffer in) {
            while (true) {
                switch (body.next(in)) {
                    case PIECE -> h2.sendData(streamId, body.piece(), false);
                    case DONE -> {
                        h2.sendData(streamId, ByteBuffer.allocate(0), true);
                        bodyDone = true;
                        return true;
                    }
                    case ERROR -> {
                        fail("bad request body: " + body.errorMessage());
                        return false;
                    }
                    default -> {
                        return !in.hasRemaining();
                    }
                }
            }
        }

        private void readHead(ByteBuffer s) {
            while (s.hasRemaining()) {
                if (headLength == MAX_HEAD) {
                    fail("request head longer than " + MAX_HEAD + " bytes");
                    return;
                }
                head[headLength++] = s.get();
                if (headLength >= 4 && head[headLength - 1] == '\n' && head[headLength - 2] == '\r'
                        && head[headLength - 3] == '\n' && head[headLength - 4] == '\r') {
                    headDone();
                    return;
                }
            }
        }

        private void headDone() {
            ClientRequestHead r = ClientRequestHead.parse(new String(head, 0, headLength, StandardCharsets.ISO_8859_1),
                    info.tls() ? "https" : "http");
            if (r.error() != null) {
                fail(r.error());
                return;
            }
            websocket = r.websocketKey() != null;
            if (websocket) {
                wsKey = r.websocketKey();
                pendingFields = r.fields();
                if (h2.peerSettingsReceived()) {
                    openWebSocket();
                }
                return;
            }
            body = r.chunked() ? org.lws4j.core.http.BodyDecoder.chunked(Long.MAX_VALUE)
                    : r.contentLength() > 0 ? org.lws4j.core.http.BodyDecoder.fixed(r.contentLength()) : null;
            bodyDone = body == null;
            open(r.fields(), bodyDone);
        }

        /** The server's SETTINGS is in: an extended CONNECT if it allows one (RFC 8441 section 3). */
        void openWebSocket() {
            List<HeaderField> fields = pendingFields;
            pendingFields = null;
            if (!h2.peerAllowsConnectProtocol()) {
                fail("the server picked HTTP/2 but does not allow WebSockets over it (no SETTINGS_ENABLE_CONNECT_PROTOCOL,"
                        + " RFC 8441); connect with httpVersion(\"HTTP/1.1\") for this server");
                return;
            }
            open(fields, false);
        }

        private void open(List<HeaderField> fields, boolean endStream) {
            streamId = h2.openStream(fields, endStream);
            if (streamId < 0) {
                fail("the server takes no new stream on this connection (GOAWAY or SETTINGS_MAX_CONCURRENT_STREAMS 0)");
            }
        }
    }
}
