package org.lws4j.runtime;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A minimal WebSocket client on a plain socket, for what the library peers cannot do: send a
 * hand-made compressed frame (a decompression bomb) and watch the frames and close codes of a
 * connection while the extension bundle goes away. permessage-deflate with context takeover and
 * 15-bit windows through java.util.zip.
 */
final class RawWs implements Closeable {
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;
    private static final byte[] TRAILER = {0, 0, (byte) 0xff, (byte) 0xff};

    /** A frame as it came: opcode, RSV1, payload (not inflated). */
    record Frame(int opcode, boolean rsv1, boolean fin, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final SecureRandom random = new SecureRandom();
    final int status;
    final Map<String, String> headers;
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final Inflater inflater = new Inflater(true);

    private RawWs(Socket socket, int status, Map<String, String> headers, DataInputStream in) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.status = status;
        this.headers = headers;
    }

    /** The socket's output, for frames made by the caller (floods, malformed frames). */
    OutputStream output() {
        return out;
    }

    /** Opens a connection; {@code extensions} is the Sec-WebSocket-Extensions offer, or null for none. */
    static RawWs connect(int port, String extensions) throws IOException {
        return connect(port, extensions, null);
    }

    /** Opens a connection asking for subprotocol {@code protocol} (Sec-WebSocket-Protocol), or none when null. */
    static RawWs connect(int port, String extensions, String protocol) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(DistRun.HOST, port), 5000);
        s.setSoTimeout(30_000);
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        String req = "GET / HTTP/1.1\r\nHost: " + DistRun.HOST + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n")
                + (protocol == null ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n") + "\r\n";
        s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
        DataInputStream in = new DataInputStream(s.getInputStream());
        String statusLine = line(in);
        String[] parts = statusLine.split(" ");
        int status = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        return new RawWs(s, status, headers, in);
    }

    /** The Sec-WebSocket-Extensions answer, or "" when none. */
    String extensions() {
        return headers.getOrDefault("sec-websocket-extensions", "");
    }

    /** Sends one final frame, masked; {@code rsv1} marks a compressed message. */
    void send(int opcode, boolean rsv1, byte[] payload) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
        b.write(0x80 | (rsv1 ? 0x40 : 0) | opcode);
        if (payload.length < 126) {
            b.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            b.write(0x80 | 126);
            b.write(payload.length >> 8);
            b.write(payload.length);
        } else {
            b.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                b.write((int) ((long) payload.length >> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        b.write(mask, 0, 4);
        byte[] masked = payload.clone();
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= mask[i & 3];
        }
        b.write(masked, 0, masked.length);
        out.write(b.toByteArray());
        out.flush();
    }

    /** Sends a text message compressed with this connection's deflater (RFC 7692 section 7.2.1). */
    void sendCompressedText(String text) throws IOException {
        deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            c.write(buf, 0, n);
        } while (n == buf.length);
        byte[] all = c.toByteArray();
        byte[] stripped = new byte[all.length - 4];
        System.arraycopy(all, 0, stripped, 0, stripped.length);
        send(TEXT, true, stripped);
    }

    /** Reads the next frame. */
    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, (b0 & 0x40) != 0, (b0 & 0x80) != 0, payload);
    }

    /** A message as the application sees it, and whether it came compressed (RSV1). */
    record Message(int opcode, String text, boolean compressed) {
    }

    /** Reads a whole message (its fragments joined), inflated if it came compressed. */
    Message readMessage() throws IOException {
        Frame f = read();
        int opcode = f.opcode();
        boolean compressed = f.rsv1();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(f.payload(), 0, f.payload().length);
        while (!f.fin()) {
            f = read();
            raw.write(f.payload(), 0, f.payload().length);
        }
        byte[] data = raw.toByteArray();
        if (compressed) {
            data = inflate(data);
        }
        return new Message(opcode, new String(data, StandardCharsets.UTF_8), compressed);
    }

    /** The text of the next message. */
    String readText() throws IOException {
        return readMessage().text();
    }

    /** Inflates one message with this connection's inflater (context takeover), trailer appended. */
    private byte[] inflate(byte[] data) throws IOException {
        inflater.setInput(concat(data, TRAILER));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            // zlib stops only when the input is used up (or on an error): no output means done
            for (int n = inflater.inflate(buf); n > 0; n = inflater.inflate(buf)) {
                o.write(buf, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IOException("the server's compressed message does not inflate: " + e.getMessage(), e);
        }
        return o.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static String line(DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        deflater.end();
        inflater.end();
        socket.close();
    }
}
