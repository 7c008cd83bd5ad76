package org.lws4j.itests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client by hand on a plain socket, for what the JDK client hides: the exact frames
 * and what follows a Close. Connect 2 s, each read 5 s (or as given).
 */
public final class RawWs implements java.io.Closeable {
    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CLOSE = 8;
    public static final int PING = 9;
    public static final int PONG = 10;

    private final java.net.Socket socket;
    private final java.io.InputStream in;
    private final java.io.OutputStream out;

    private RawWs(java.net.Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
        this.out = socket.getOutputStream();
    }

    /** Connects and completes the opening handshake; fails unless the answer is 101 with {@code protocol}. */
    public static RawWs open(int port, String target, String protocol) throws IOException {
        java.net.Socket s = new java.net.Socket();
        s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port),
                (int) Http.CONNECT_TIMEOUT.toMillis());
        s.setSoTimeout((int) Http.REQUEST_TIMEOUT.toMillis());
        s.setTcpNoDelay(true);
        RawWs ws = new RawWs(s);
        try {
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            ws.out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(key)
                    + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + protocol + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            ws.out.flush();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = ws.in.read();
                if (c < 0) {
                    throw new AssertionError("raw WebSocket: EOF in the handshake answer after '" + head + "'");
                }
                head.append((char) c);
                if (head.length() > 16384) {
                    throw new AssertionError("raw WebSocket: handshake answer over 16 KiB");
                }
            }
            String h = head.toString();
            if (!h.startsWith("HTTP/1.1 101 ")
                    || !h.toLowerCase(java.util.Locale.ROOT).contains("sec-websocket-protocol: " + protocol)) {
                throw new AssertionError("raw WebSocket: handshake for " + protocol + " answered: " + h);
            }
            return ws;
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /** A frame as read off the wire. */
    public static final class Frame {
        public final boolean fin;
        public final int opcode;
        public final byte[] payload;

        Frame(boolean fin, int opcode, byte[] payload) {
            this.fin = fin;
            this.opcode = opcode;
            this.payload = payload;
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** For a Close frame: its code (1005 when none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }

        @Override
        public String toString() {
            String p = opcode == CLOSE ? closeCode() + " '" + closeReason() + "'"
                    : opcode == TEXT ? "'" + (payload.length > 60 ? text().substring(0, 60) + "..." : text()) + "'"
                    : payload.length + " bytes";
            return "frame(opcode " + opcode + (fin ? ", fin" : "") + ": " + p + ")";
        }
    }

    /** The next frame (server frames are unmasked); null at EOF. Reads wait at most {@code max}. */
    public Frame read(Duration max) throws IOException {
        socket.setSoTimeout((int) Math.max(1, max.toMillis()));
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = readByte();
        if ((b1 & 0x80) != 0) {
            throw new AssertionError("raw WebSocket: the server sent a masked frame");
        }
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (readByte() << 8) | readByte();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte();
            }
        }
        if (len > (64 << 20)) {
            throw new AssertionError("raw WebSocket: frame of " + len + " bytes");
        }
        byte[] p = new byte[(int) len];
        int off = 0;
        while (off < p.length) {
            int n = in.read(p, off, p.length - off);
            if (n < 0) {
                throw new java.io.EOFException("EOF inside a frame payload");
            }
            off += n;
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, p);
    }

    private int readByte() throws IOException {
        int c = in.read();
        if (c < 0) {
            throw new java.io.EOFException("EOF inside a frame header");
        }
        return c;
    }

    /** Sends one masked frame. */
    public void send(int opcode, boolean fin, byte[] payload) throws IOException {
        java.io.ByteArrayOutputStream f = new java.io.ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write(i >= 4 ? 0 : payload.length >>> (8 * i));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    public void sendText(String s) throws IOException {
        send(TEXT, true, s.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a Close with {@code code} and {@code reason}. */
    public void sendClose(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        send(CLOSE, true, p);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
