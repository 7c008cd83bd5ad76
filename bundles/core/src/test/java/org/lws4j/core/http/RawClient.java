package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A blocking HTTP/1.1 client on a raw socket, so tests see the exact bytes: it writes what it is
 * given and reads responses strictly (CRLF lines, Content-Length or chunked framing checked).
 */
final class RawClient implements AutoCloseable {
    static final int TIMEOUT_MILLIS = 5000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        this(port, 0);
    }

    /**
     * A client whose socket receive buffer is {@code receiveBuffer} bytes (0: the default), so a
     * server sending a big body must wait for it to read.
     */
    RawClient(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A response as received. */
    record Response(int status, String reason, List<Map.Entry<String, String>> headers, byte[] body, boolean chunked) {
        /** The first value of a header (name case-insensitive), or null. */
        String header(String name) {
            for (Map.Entry<String, String> e : headers) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return null;
        }

        int count(String name) {
            int n = 0;
            for (Map.Entry<String, String> e : headers) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    n++;
                }
            }
            return n;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + reason + " " + headers + " body=" + body.length + " bytes";
        }
    }

    RawClient send(String ascii) throws IOException {
        return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends a GET for {@code path} with a Host header and reads the response. */
    Response get(String path) throws IOException {
        send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        return read();
    }

    /** The client's own port: the server's side of this connection has it as its peer's. */
    int localPort() {
        return socket.getLocalPort();
    }

    /** True when no byte has come so far (does not wait). */
    boolean nothingReceived() throws IOException {
        return in.available() == 0;
    }

    /** Half-closes: the server reads end of stream after what was sent. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    void setTimeout(int millis) throws SocketException {
        socket.setSoTimeout(millis);
    }

    Response read() throws IOException {
        return read(false);
    }

    /**
     * Reads one response. {@code toHead}: the request was HEAD, so there is no body whatever the
     * headers say. A response without length or chunking runs to the close.
     */
    Response read(boolean toHead) throws IOException {
        String statusLine = line();
        assertTrue(statusLine.startsWith("HTTP/1.1 "), "status line: " + statusLine);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            assertTrue(colon > 0, "header line: " + l);
            headers.add(Map.entry(l.substring(0, colon), l.substring(colon + 1).trim()));
        }
        Response head = new Response(status, reason, headers, new byte[0], false);
        if (toHead || status < 200 || status == 204 || status == 304) {
            return head;
        }
        String te = head.header("Transfer-Encoding");
        if (te != null) {
            assertEquals("chunked", te, "transfer coding");
            assertEquals(null, head.header("Content-Length"), "Content-Length with chunked");
            return new Response(status, reason, headers, chunkedBody(), true);
        }
        String cl = head.header("Content-Length");
        if (cl != null) {
            return new Response(status, reason, headers, in.readNBytes(exactly(Integer.parseInt(cl))), false);
        }
        return new Response(status, reason, headers, readToEof(), false);
    }

    private int exactly(int n) {
        assertTrue(n >= 0, "negative length");
        return n;
    }

    private byte[] chunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            int semi = sizeLine.indexOf(';');
            String hex = semi < 0 ? sizeLine : sizeLine.substring(0, semi);
            assertTrue(hex.matches("[0-9a-fA-F]{1,15}"), "chunk size line: " + sizeLine);
            int size = Integer.parseInt(hex, 16);
            if (size == 0) {
                for (String t = line(); !t.isEmpty(); t = line()) {
                    assertTrue(t.indexOf(':') > 0, "trailer: " + t);
                }
                return body.toByteArray();
            }
            byte[] data = in.readNBytes(size);
            assertEquals(size, data.length, "chunk cut short");
            body.write(data);
            assertEquals("", line(), "chunk data not followed by CRLF");
        }
    }

    /** One CRLF-ended line, without the CRLF; a bare LF or an early end fails the test. */
    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                fail("connection closed mid-line after: " + b);
            }
            if (c == '\n') {
                fail("bare LF in response after: " + b);
            }
            if (c == '\r') {
                int lf = in.read();
                assertEquals('\n', lf, "CR not followed by LF after: " + b);
                return b.toString();
            }
            b.append((char) c);
        }
    }

    /** Everything until the server closes. */
    byte[] readToEof() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                b.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // a reset after the response still ends it
        }
        return b.toByteArray();
    }

    /**
     * True when the server has closed: the next read gives end of stream or a reset (no byte may
     * arrive first). False if nothing happens within the socket timeout.
     */
    boolean closedByServer() throws IOException {
        try {
            int c = in.read();
            if (c >= 0) {
                fail("expected the close, got more bytes starting with " + (char) c);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** {@link #closedByServer()} with a shorter wait. */
    boolean closedByServerWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return closedByServer();
        } finally {
            socket.setSoTimeout(TIMEOUT_MILLIS);
        }
    }

    /** True when no byte arrives within {@code millis} (and the connection is still open). */
    boolean silentFor(int millis) throws IOException {
        return peek(millis) == -2;
    }

    /**
     * The next byte without taking it: -2 if none came within {@code millis}, -1 if the server
     * closed (end of stream or reset).
     */
    int peek(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            in.mark(1);
            int c = in.read();
            if (c >= 0) {
                in.reset();
            }
            return c;
        } catch (SocketTimeoutException e) {
            return -2;
        } catch (SocketException reset) {
            return -1;
        } finally {
            socket.setSoTimeout(TIMEOUT_MILLIS);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
