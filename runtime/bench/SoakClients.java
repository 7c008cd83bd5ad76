// The clients of Soak.java, JDK only: an HTTP/1.1 client (keep-alive or one connection per
// request; Content-Length, chunked and read-to-close bodies) and a blocking WebSocket client
// (RFC 6455 client side, with permessage-deflate on java.util.zip when asked), both over plain
// sockets or TLS (trusting any certificate: the soak's server has a generated self-signed one).
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

final class SoakClients {
    static final String HOST = "127.0.0.1";
    static final int TIMEOUT_MS = 10_000;
    private static final SSLContext TRUST_ALL = trustAll();

    private SoakClients() {
    }

    /** A server port, plain or TLS. */
    record Target(int port, boolean tls) {
        String hostHeader() {
            return HOST + ":" + port;
        }
    }

    /** The TLS handshake failed (the port accepted the TCP connection, then closed or reset it). */
    static final class TlsRefused extends IOException {
        TlsRefused(IOException cause) {
            super("TLS handshake failed: " + cause, cause);
        }
    }

    /**
     * A connected socket: ConnectException when the port refuses, TlsRefused when the TLS
     * handshake fails; reads time out after {@link #TIMEOUT_MS}.
     */
    static Socket connect(Target t) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(HOST, t.port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        if (!t.tls) {
            return s;
        }
        try {
            SSLSocket ssl = (SSLSocket) TRUST_ALL.getSocketFactory().createSocket(s, HOST, t.port, true);
            ssl.setSoTimeout(TIMEOUT_MS);
            ssl.startHandshake();
            return ssl;
        } catch (IOException e) {
            s.close();
            throw e instanceof java.net.SocketTimeoutException ? e : new TlsRefused(e);
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------------

    /** A response: status, headers (names in lower case, last value wins), body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        boolean closes() {
            String c = header("connection");
            return c != null && c.toLowerCase(Locale.ROOT).contains("close");
        }
    }

    /** The server closed the connection before a whole response arrived (or before any byte of it). */
    static final class ClosedByServer extends IOException {
        final boolean beforeAnyByte;

        ClosedByServer(String what, boolean beforeAnyByte) {
            super(what);
            this.beforeAnyByte = beforeAnyByte;
        }
    }

    /** One HTTP/1.1 connection, for one request or many (keep-alive). */
    static final class HttpConn implements Closeable {
        final Target target;
        final Socket socket;
        final BufferedInputStream in;
        final OutputStream out;

        HttpConn(Target target) throws IOException {
            this.target = target;
            this.socket = connect(target);
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
        }

        /** GET path; {@code close} asks the server to close after the response. */
        Response get(String path, boolean close, String... headers) throws IOException {
            StringBuilder req = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: ")
                    .append(target.hostHeader()).append("\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            if (close) {
                req.append("Connection: close\r\n");
            }
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readResponse(in, false);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** Reads one response; {@code head} for a response to HEAD (no body). */
    static Response readResponse(InputStream in, boolean head) throws IOException {
        String status = line(in, true);
        if (!status.startsWith("HTTP/1.1 ") && !status.startsWith("HTTP/1.0 ")) {
            throw new IOException("not an HTTP response: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        Map<String, String> headers = readHeaders(in);
        byte[] body;
        if (head || code / 100 == 1 || code == 204 || code == 304) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line(in, false);
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    readHeaders(in); // trailers
                    break;
                }
                b.write(exactly(in, n));
                if (!line(in, false).isEmpty()) {
                    throw new IOException("bad chunk end");
                }
            }
            body = b.toByteArray();
        } else if (headers.containsKey("content-length")) {
            body = exactly(in, Integer.parseInt(headers.get("content-length").trim()));
        } else {
            body = in.readAllBytes();
        }
        return new Response(code, headers, body);
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in, false); !h.isEmpty(); h = line(in, false)) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** A CRLF-ended line without its CRLF. */
    private static String line(InputStream in, boolean first) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new ClosedByServer(b.length() == 0 && first ? "closed by the server before the response"
                        : "closed by the server in the middle of the response", first && b.length() == 0);
            }
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
            if (b.length() > 16384) {
                throw new IOException("line too long");
            }
        }
    }

    private static byte[] exactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new ClosedByServer("closed by the server in the middle of the body (" + b.length + " of " + n + " bytes)", false);
        }
        return b;
    }

    // ---- WebSocket -------------------------------------------------------------------------------

    /** The upgrade was answered with another status than 101. */
    static final class HandshakeFailed extends IOException {
        final int status;
        final String retryAfter;

        HandshakeFailed(int status, String retryAfter) {
            super("handshake answered " + status + (retryAfter == null ? "" : " (Retry-After: " + retryAfter + ")"));
            this.status = status;
            this.retryAfter = retryAfter;
        }
    }

    /** What a WebSocket reports, on its reader thread. */
    interface WsListener {
        void message(Ws ws, String text, boolean compressed);

        /** The connection ended: code and reason of the server's Close (-1 without one), or the error. */
        void closed(Ws ws, int code, String reason, IOException error);
    }

    /** A client WebSocket: {@link #open}, then {@link #start} its reader thread. */
    static final class Ws implements Closeable {
        private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;
        /** permessage-deflate was negotiated. */
        final boolean deflate;
        private final Deflater deflater;
        private final Inflater inflater;
        private final boolean resetDeflater;
        private volatile boolean closing;
        private volatile boolean closeSent;

        private Ws(Socket socket, DataInputStream in, boolean deflate, boolean resetDeflater) throws IOException {
            this.socket = socket;
            this.in = in;
            this.out = socket.getOutputStream();
            this.deflate = deflate;
            this.resetDeflater = resetDeflater;
            this.deflater = deflate ? new Deflater(1, true) : null;
            this.inflater = deflate ? new Inflater(true) : null;
        }

        /**
         * Connects and upgrades. Throws what {@link SoakClients#connect} throws, HandshakeFailed
         * for a status other than 101, ClosedByServer when the server closes instead of answering.
         */
        static Ws open(Target t, String path, String protocol, boolean offerDeflate) throws IOException {
            Socket s = connect(t);
            try {
                byte[] nonce = new byte[16];
                ThreadLocalRandom.current().nextBytes(nonce);
                String key = Base64.getEncoder().encodeToString(nonce);
                String req = "GET " + path + " HTTP/1.1\r\nHost: " + t.hostHeader() + "\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Protocol: " + protocol + "\r\n"
                        + (offerDeflate ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "") + "\r\n";
                s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                BufferedInputStream bin = new BufferedInputStream(s.getInputStream(), 16 * 1024);
                String status = line(bin, true);
                int code = status.length() >= 12 ? Integer.parseInt(status.substring(9, 12)) : 0;
                Map<String, String> headers = readHeaders(bin);
                if (code != 101) {
                    throw new HandshakeFailed(code, headers.get("retry-after"));
                }
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
                if (!accept.equals(headers.get("sec-websocket-accept"))) {
                    throw new IOException("bad Sec-WebSocket-Accept");
                }
                if (!protocol.equals(headers.get("sec-websocket-protocol"))) {
                    throw new IOException("protocol " + headers.get("sec-websocket-protocol") + " instead of " + protocol);
                }
                String ext = headers.getOrDefault("sec-websocket-extensions", "");
                boolean deflate = offerDeflate && ext.contains("permessage-deflate");
                s.setSoTimeout(0); // the reader blocks; the clients watch for silence themselves
                return new Ws(s, new DataInputStream(bin), deflate, ext.contains("client_no_context_takeover"));
            } catch (IOException e) {
                s.close();
                throw e;
            } catch (Exception e) {
                s.close();
                throw new IOException(e);
            }
        }

        /** Starts the reader thread. */
        void start(WsListener l, String name) {
            Thread t = new Thread(null, () -> read(l), name, 256 * 1024);
            t.setDaemon(true);
            t.start();
        }

        private void read(WsListener l) {
            ByteArrayOutputStream msg = new ByteArrayOutputStream();
            boolean compressed = false;
            try {
                while (true) {
                    int b0 = in.readUnsignedByte();
                    int b1 = in.readUnsignedByte();
                    int op = b0 & 0x0f;
                    long len = b1 & 0x7f;
                    if (len == 126) {
                        len = in.readUnsignedShort();
                    } else if (len == 127) {
                        len = in.readLong();
                    }
                    if ((b1 & 0x80) != 0 || len > 64 * 1024 * 1024) {
                        throw new IOException("masked or huge frame from the server");
                    }
                    byte[] payload = new byte[(int) len];
                    in.readFully(payload);
                    switch (op) {
                        case 0x1, 0x2, 0x0 -> {
                            if (op != 0) {
                                msg.reset();
                                compressed = (b0 & 0x40) != 0;
                            }
                            msg.write(payload);
                            if ((b0 & 0x80) != 0) {
                                byte[] data = msg.toByteArray();
                                if (compressed) {
                                    data = inflate(data);
                                }
                                l.message(this, new String(data, StandardCharsets.UTF_8), compressed);
                            }
                        }
                        case 0x9 -> frame(0xA, payload);
                        case 0xA -> {
                        }
                        case 0x8 -> {
                            int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
                            String reason = payload.length > 2
                                    ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                            if (!closeSent) {
                                try {
                                    frame(0x8, payload.length >= 2 ? java.util.Arrays.copyOf(payload, 2) : new byte[0]);
                                } catch (IOException ignored) {
                                    // the server may have closed already
                                }
                            }
                            close();
                            l.closed(this, code, reason, null);
                            return;
                        }
                        default -> throw new IOException("opcode " + op + " from the server");
                    }
                }
            } catch (IOException e) {
                close();
                l.closed(this, -1, "", closing ? null : e);
            } catch (RuntimeException | DataFormatException e) {
                close();
                l.closed(this, -1, "", new IOException(e));
            }
        }

        private byte[] inflate(byte[] data) throws DataFormatException {
            byte[] in = java.util.Arrays.copyOf(data, data.length + 4);
            System.arraycopy(TAIL, 0, in, data.length, 4);
            inflater.setInput(in);
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 4 + 64);
            byte[] buf = new byte[8192];
            while (true) {
                int n = inflater.inflate(buf);
                out.write(buf, 0, n);
                if (n == 0 && (inflater.needsInput() || inflater.finished())) {
                    break;
                }
            }
            if (inflater.finished()) {
                inflater.reset();
            }
            return out.toByteArray();
        }

        /** Sends a text message (compressed when deflate was negotiated). */
        void send(String text) throws IOException {
            byte[] data = text.getBytes(StandardCharsets.UTF_8);
            if (!deflate) {
                frame(0x1, data);
                return;
            }
            synchronized (this) {
                deflater.setInput(data);
                ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 16);
                byte[] buf = new byte[8192];
                int n;
                do {
                    n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                    out.write(buf, 0, n);
                } while (n == buf.length);
                byte[] z = out.toByteArray();
                if (resetDeflater) {
                    deflater.reset();
                }
                frame(0x1 | 0x40, java.util.Arrays.copyOf(z, z.length - 4)); // RSV1, the sync tail stripped
            }
        }

        /** One whole masked frame; op may carry RSV1 (0x40). */
        synchronized void frame(int op, byte[] payload) throws IOException {
            int n = payload.length;
            byte[] f = new byte[n + 14];
            int i = 0;
            f[i++] = (byte) (0x80 | op);
            if (n < 126) {
                f[i++] = (byte) (0x80 | n);
            } else if (n < 65536) {
                f[i++] = (byte) (0x80 | 126);
                f[i++] = (byte) (n >> 8);
                f[i++] = (byte) n;
            } else {
                f[i++] = (byte) (0x80 | 127);
                for (int s = 56; s >= 0; s -= 8) {
                    f[i++] = (byte) ((long) n >> s);
                }
            }
            int mask = ThreadLocalRandom.current().nextInt();
            byte[] m = {(byte) (mask >> 24), (byte) (mask >> 16), (byte) (mask >> 8), (byte) mask};
            System.arraycopy(m, 0, f, i, 4);
            i += 4;
            for (int k = 0; k < n; k++) {
                f[i++] = (byte) (payload[k] ^ m[k & 3]);
            }
            if ((op & 0x0f) == 0x8) {
                closeSent = true;
            }
            out.write(f, 0, i);
            out.flush();
        }

        /** Starts a normal close (1000); the reader ends when the server answers or the socket drops. */
        void sendClose() {
            closing = true;
            try {
                frame(0x8, new byte[] {0x03, (byte) 0xe8});
            } catch (IOException e) {
                close();
            }
        }

        boolean isClosing() {
            return closing;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    // ---- TLS that trusts the soak's self-signed certificate ----------------------------------------

    private static SSLContext trustAll() {
        try {
            TrustManager tm = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {tm}, new SecureRandom());
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isEof(IOException e) {
        return e instanceof EOFException;
    }
}
