package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.lws4j.core.ws.Frames.concat;
import static org.lws4j.core.ws.Frames.frame;
import static org.lws4j.core.ws.Frames.utf8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.lws4j.api.CloseStatus;
import org.lws4j.core.LoopProbe;
import org.lws4j.core.conn.ConnectionImpl;

/**
 * A WebSocket client on a raw socket: sends a handshake, then hand-built frames (see
 * {@link Frames}) whole, split where asked or one byte at a time, and reads the server's frames,
 * checking on each what every server frame must be. A split write sends each piece once the
 * server has read the one before (asking the {@link WsTestServer} on its port), so the pieces
 * reach the server as separate reads. Reads time out after 5 s. Not thread-safe: one test thread
 * drives it.
 */
final class WsTestClient implements AutoCloseable {
    private static final AtomicInteger TAGS = new AtomicInteger();

    /** A frame as received. */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        /** The close code, or 1005 when the payload has none. */
        int code() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : CloseStatus.NO_STATUS;
        }

        /** The close reason; null when it is not valid UTF-8. */
        String reason() {
            if (payload.length <= 2) {
                return "";
            }
            Utf8Validator v = new Utf8Validator();
            return v.feed(payload, 2, payload.length) && v.isComplete()
                    ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : null;
        }

        @Override
        public String toString() {
            String p = opcode == FrameHeader.OP_CLOSE ? " code=" + code() + " reason=" + reason()
                    : " " + payload.length + " bytes";
            return "Frame(op=" + opcode + (fin ? " fin" : "") + (rsv != 0 ? " rsv=" + rsv : "") + p + ")";
        }
    }

    /** A whole data message as reassembled from its frames. */
    record Message(int opcode, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    /** Bytes written so far, the handshake included. */
    private long written;
    /** The server's side of this connection, once looked up. */
    private ConnectionImpl serverSide;
    final String key;
    final String tag;
    int status;
    String responseHead = "";
    private final Map<String, String> headers = new HashMap<>();

    private WsTestClient(int port, String key, String tag) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        OutputStream raw = socket.getOutputStream();
        out = new FilterOutputStream(raw) {
            @Override
            public void write(int b) throws IOException {
                raw.write(b);
                written++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                raw.write(b, off, len);
                written += len;
            }
        };
        this.key = key;
        this.tag = tag;
    }

    /** A tag no other connection in this JVM has. */
    static String newTag() {
        return "t" + TAGS.incrementAndGet();
    }

    /** A connection whose handshake succeeded, tagged for the protocol's records. */
    static WsTestClient open(int port, String tag, String protocol) throws IOException {
        WsTestClient c = connect(port, "/?tag=" + tag, protocol);
        if (c.status != 101) {
            c.close();
            fail("handshake: " + c.responseHead);
        }
        return c;
    }

    static WsTestClient connect(int port, String path, String protocols) throws IOException {
        return connect(port, path, protocols, "13", new byte[0]);
    }

    static WsTestClient connectRaw(int port, String path, String protocols, String version) throws IOException {
        return connect(port, path, protocols, version, new byte[0]);
    }

    /** Sends a handshake (and {@code extra} bytes in the same write) and reads the response head. */
    static WsTestClient connect(int port, String path, String protocols, String version, byte[] extra)
            throws IOException {
        byte[] k = new byte[16];
        ThreadLocalRandom.current().nextBytes(k);
        String key = Base64.getEncoder().encodeToString(k);
        String tag = path.contains("tag=") ? path.substring(path.indexOf("tag=") + 4) : "";
        WsTestClient c = new WsTestClient(port, key, tag);
        StringBuilder req = new StringBuilder();
        req.append("GET ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n")
                .append("Connection: Upgrade\r\nSec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: ").append(version).append("\r\n");
        if (protocols != null) {
            req.append("Sec-WebSocket-Protocol: ").append(protocols).append("\r\n");
        }
        req.append("\r\n");
        c.write(concat(req.toString().getBytes(StandardCharsets.ISO_8859_1), extra));
        c.readResponseHead();
        return c;
    }

    private void readResponseHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int x = in.read();
            if (x < 0) {
                fail("connection closed in the response head: " + b);
            }
            b.write(x);
            byte[] s = b.toByteArray();
            int n = s.length;
            if (n >= 4 && s[n - 4] == '\r' && s[n - 3] == '\n' && s[n - 2] == '\r' && s[n - 1] == '\n') {
                break;
            }
        }
        responseHead = b.toString(StandardCharsets.ISO_8859_1);
        String[] lines = responseHead.split("\r\n");
        assertTrue(lines[0].startsWith("HTTP/1.1 "), lines[0]);
        status = Integer.parseInt(lines[0].substring(9, 12));
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
            }
        }
    }

    /** A response header by its lower-case name, or null. */
    String header(String name) {
        return headers.get(name);
    }

    void write(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** Writes {@code b}, ignoring that the server may have closed the connection already. */
    void writeQuietly(byte[] b) {
        try {
            write(b);
        } catch (IOException ignored) {
            // the server may be gone already
        }
    }

    void sendText(String s) throws IOException {
        write(frame(true, 0, FrameHeader.OP_TEXT, utf8(s)));
    }

    void sendBinary(byte[] b) throws IOException {
        write(frame(true, 0, FrameHeader.OP_BINARY, b));
    }

    /** Writes {@code b} in pieces ending at {@code cuts}, each read by the server before the next is sent. */
    void writeSplit(byte[] b, int... cuts) throws IOException {
        int start = 0;
        for (int cut : cuts) {
            out.write(b, start, cut - start);
            out.flush();
            awaitServerRead();
            start = cut;
        }
        out.write(b, start, b.length - start);
        out.flush();
    }

    /** Writes {@code b} in pieces ending at {@code cuts} without waiting: for a server that is not reading. */
    void writePieces(byte[] b, int... cuts) throws IOException {
        int start = 0;
        for (int cut : cuts) {
            out.write(b, start, cut - start);
            out.flush();
            start = cut;
        }
        out.write(b, start, b.length - start);
        out.flush();
    }

    /** Writes {@code b} a byte at a time, each read by the server before the next is sent. */
    void writeByteByByte(byte[] b) throws IOException {
        for (int i = 0; i < b.length; i++) {
            out.write(b[i]);
            out.flush();
            awaitServerRead();
        }
    }

    /**
     * Waits until the server has read everything written so far, or has closed the connection
     * (a server that found a violation stops reading).
     */
    private void awaitServerRead() {
        WsTestServer server = WsTestServer.at(socket.getPort());
        if (server == null) {
            fail("no WsTestServer on port " + socket.getPort() + " to ask what it has read");
        }
        if (serverSide == null) {
            int port = socket.getLocalPort();
            serverSide = LoopProbe.onLoop(server.thread(), t -> LoopProbe.connectionOf(t, port));
            if (serverSide == null) {
                return; // closed already
            }
        }
        ConnectionImpl s = serverSide;
        long deadline = System.nanoTime() + LoopProbe.WAIT;
        while (s.bytesIn() < written && !s.isClosed()) {
            if (System.nanoTime() - deadline > 0) {
                fail("the server read " + s.bytesIn() + " of the " + written + " bytes sent");
            }
            LockSupport.parkNanos(20_000); // a poll interval: the bytes read are what is waited for
        }
    }

    /** One frame; checks what every server frame must be (unmasked, well-formed control frames). */
    Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        boolean fin = (b0 & 0x80) != 0;
        int rsv = (b0 >> 4) & 7;
        int op = b0 & 0x0F;
        assertEquals(0, b1 & 0x80, "a server frame must not be masked");
        assertEquals(0, rsv, "no extension was negotiated, rsv must be 0");
        long len = b1 & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
            assertTrue(len >= 126, "not the shortest length form: " + len);
        } else if (len == 127) {
            len = in.readLong();
            assertTrue(len > 0xFFFF, "not the shortest length form: " + len);
        }
        if (FrameHeader.isControl(op)) {
            assertTrue(fin, "fragmented control frame from the server");
            assertTrue(len <= 125, "control frame over 125 bytes from the server");
        }
        assertTrue(FrameHeader.isKnown(op), "reserved opcode " + op + " from the server");
        byte[] p = new byte[(int) len];
        in.readFully(p);
        return new Frame(fin, rsv, op, p);
    }

    /** One whole data message; fails if a control frame comes first or in between. */
    Message readMessage() throws IOException {
        List<Frame> controls = new ArrayList<>();
        Message m = readMessage(controls);
        assertTrue(controls.isEmpty(), "unexpected control frames " + controls);
        return m;
    }

    /** Reads one whole data message; control frames met on the way go to {@code controls}. */
    Message readMessage(List<Frame> controls) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int opcode = -1;
        while (true) {
            Frame f = readFrame();
            if (FrameHeader.isControl(f.opcode())) {
                if (f.opcode() == FrameHeader.OP_CLOSE) {
                    fail("Close while reading a message: " + f);
                }
                controls.add(f);
                continue;
            }
            if (opcode < 0) {
                assertNotEquals(FrameHeader.OP_CONTINUATION, f.opcode(), "a message must not start with a continuation");
                opcode = f.opcode();
            } else {
                assertEquals(FrameHeader.OP_CONTINUATION, f.opcode(), "a new message inside a message");
            }
            data.writeBytes(f.payload());
            if (f.fin()) {
                return new Message(opcode, data.toByteArray());
            }
        }
    }

    /** Every frame until the server closes the connection; no partial frame may be left. */
    List<Frame> readToEof() throws IOException {
        List<Frame> frames = new ArrayList<>();
        while (true) {
            in.mark(1);
            int b;
            try {
                b = in.read();
            } catch (SocketException reset) {
                return frames;
            }
            if (b < 0) {
                return frames;
            }
            in.reset();
            try {
                frames.add(readFrame());
            } catch (EOFException e) {
                fail("the connection ended inside a frame after " + frames);
            }
            if (frames.size() > 1000) {
                fail("too many frames before EOF");
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
