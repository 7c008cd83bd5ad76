package org.lws4j.runtime;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client on a plain socket, for what a library client hides: reading slowly or not at
 * all, leaving mid-response, sending a body in pieces, seeing whether a chunked body ended
 * properly or the connection was cut.
 */
final class WireClient implements Closeable {
    /** A response head. */
    record Head(int status, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean chunked() {
            return "chunked".equalsIgnoreCase(header("transfer-encoding"));
        }
    }

    /** What a chunked body gave: the bytes (or only their count), and whether the last chunk came. */
    record Body(byte[] data, long length, boolean complete) {
    }

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    /**
     * @param receiveBuffer SO_RCVBUF to ask for before connecting (small: the server sees a slow
     *     reader sooner), or 0 for the default
     */
    WireClient(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(DistRun.HOST, port), 5000);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream(), 8192);
        out = socket.getOutputStream();
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] data) throws IOException {
        out.write(data);
        out.flush();
    }

    /** Sends one chunk of a chunked request body. */
    void sendChunk(byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    Head readHead() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not a status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while (!(l = line()).isEmpty()) {
            int colon = l.indexOf(':');
            headers.merge(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        return new Head(status, headers);
    }

    /** Reads a chunked body to its last chunk, or to EOF if the server cuts it (complete false). */
    Body readChunked(boolean keep) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long total = 0;
        byte[] buf = new byte[65536];
        try {
            while (true) {
                String size = line();
                int semi = size.indexOf(';');
                long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    line(); // the empty line after the last chunk (no trailers from us)
                    return new Body(data.toByteArray(), total, true);
                }
                while (n > 0) {
                    int r = in.read(buf, 0, (int) Math.min(buf.length, n));
                    if (r < 0) {
                        throw new EOFException();
                    }
                    if (keep) {
                        data.write(buf, 0, r);
                    }
                    total += r;
                    n -= r;
                }
                line();
            }
        } catch (EOFException e) {
            return new Body(data.toByteArray(), total, false);
        }
    }

    byte[] readFixed(long n) throws IOException {
        return in.readNBytes((int) n);
    }

    /** Reads the body the head describes (Content-Length or chunked). */
    byte[] readBody(Head h) throws IOException {
        if (h.chunked()) {
            return readChunked(true).data();
        }
        String len = h.header("content-length");
        return len == null ? in.readAllBytes() : readFixed(Long.parseLong(len));
    }

    /** True if the server closed the connection (EOF) within the socket timeout. */
    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true; // reset counts as closed
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        throw new EOFException("connection closed" + (b.size() > 0 ? " after \"" + b + "\"" : ""));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
