package org.lws4j.itests.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP from the probe to the server under test, every wait bounded: connect 2 s, each read 5 s,
 * one whole response 10 s. {@link Raw} is a plain-socket HTTP/1.1 client for what
 * {@link HttpClient} hides (the exact request line, keep-alive on one known connection, bytes
 * after a HEAD); {@link #client()} is the JDK client with the same limits.
 */
public final class Http {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Bound on one whole response, however the server trickles it. */
    public static final Duration RESPONSE_DEADLINE = Duration.ofSeconds(10);
    /**
     * How long a test waits for the server to listen once Felix is up (bundles are started before
     * the probe runs; this covers the core opening its listen sockets).
     */
    public static final Duration STARTUP_WAIT = Duration.ofSeconds(5);

    private Http() {
    }

    /** A JDK client speaking HTTP/1.1 only (no h2c upgrade), connect timeout 2 s. */
    public static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** GET through the JDK client, request timeout 5 s. */
    public static java.net.http.HttpResponse<byte[]> get(HttpClient client, int port, String path)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build();
        return client.send(request, BodyHandlers.ofByteArray());
    }

    /** One request on a new connection that asks to be closed afterwards. */
    public static Response fetch(int port, String method, String path) throws IOException {
        try (Raw raw = Raw.open(port)) {
            raw.send(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n");
            return raw.read("HEAD".equals(method));
        }
    }

    /** Waits (at most {@code max}) until something accepts connections on 127.0.0.1:port. */
    public static void awaitListening(int port, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing listens on 127.0.0.1:" + port + " after " + max.toSeconds()
                + " s (is org.lws4j.core serving the config in lws4j.conf?): " + last);
    }

    /** A response as read off the wire. */
    public static final class Response {
        private final String statusLine;
        private final int status;
        private final Map<String, List<String>> headers;
        private final byte[] body;

        Response(String statusLine, int status, Map<String, List<String>> headers, byte[] body) {
            this.statusLine = statusLine;
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        public String statusLine() {
            return statusLine;
        }

        public int status() {
            return status;
        }

        /** First value of the header (any case), or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public Map<String, List<String>> headers() {
            return Collections.unmodifiableMap(headers);
        }

        public byte[] body() {
            return body;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** Status line, headers and up to 200 characters of body, for assertion messages. */
        @Override
        public String toString() {
            String text = bodyText();
            return statusLine + " " + headers + " body(" + body.length + ")="
                    + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
        }
    }

    /** A plain-socket HTTP/1.1 client on one connection. */
    public static final class Raw implements Closeable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        private Raw(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16384);
            this.out = socket.getOutputStream();
        }

        /** Connects to 127.0.0.1:port (2 s), reads time out after 5 s. */
        public static Raw open(int port) throws IOException {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                        (int) CONNECT_TIMEOUT.toMillis());
                s.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
                s.setTcpNoDelay(true);
                return new Raw(s);
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }

        public Socket socket() {
            return socket;
        }

        /** Sends the bytes as they are (ISO-8859-1), nothing added. */
        public void send(String request) throws IOException {
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** GET or HEAD on this connection, keep-alive (no Connection header). */
        public Response request(String method, String path) throws IOException {
            send(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + socket.getPort() + "\r\n\r\n");
            return read("HEAD".equals(method));
        }

        /**
         * Reads one response: status line, headers, and the body framed by Content-Length, chunked
         * encoding, or the end of the stream; none after HEAD, 1xx, 204 and 304.
         */
        public Response read(boolean head) throws IOException {
            long deadline = System.nanoTime() + RESPONSE_DEADLINE.toNanos();
            String statusLine = line(deadline);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x status line: '" + statusLine + "'");
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("bad status in '" + statusLine + "'");
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String h = line(deadline); !h.isEmpty(); h = line(deadline)) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("bad header line '" + h + "' after '" + statusLine + "'");
                }
                headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(h.substring(colon + 1).trim());
            }
            byte[] body;
            List<String> te = headers.get("transfer-encoding");
            List<String> cl = headers.get("content-length");
            if (head || status / 100 == 1 || status == 204 || status == 304) {
                body = new byte[0];
            } else if (te != null && te.get(te.size() - 1).toLowerCase(Locale.ROOT).endsWith("chunked")) {
                body = chunked(deadline);
            } else if (cl != null) {
                body = exactly(Long.parseLong(cl.get(0)), deadline);
            } else {
                body = toEnd(deadline);
            }
            return new Response(statusLine, status, headers, body);
        }

        /**
         * Waits up to {@code millis} for more bytes and returns what came before EOF or the wait
         * ran out (at most 64 KiB): used to show that nothing follows a response.
         */
        public byte[] drain(int millis) throws IOException {
            int saved = socket.getSoTimeout();
            socket.setSoTimeout(millis);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                byte[] buf = new byte[8192];
                int n;
                while (got.size() < 65536 && (n = in.read(buf)) >= 0) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // nothing more within the wait
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(saved);
                }
            }
            return got.toByteArray();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        private String line(long deadline) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64);
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("connection closed mid-line after '"
                            + b.toString(StandardCharsets.ISO_8859_1) + "'");
                }
                if (c == '\n') {
                    break;
                }
                if (c != '\r') {
                    b.write(c);
                }
                if (b.size() > 16384) {
                    throw new IOException("header line over 16 KiB");
                }
                checkDeadline(deadline);
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        private byte[] exactly(long length, long deadline) throws IOException {
            if (length < 0 || length > 64L * 1024 * 1024) {
                throw new IOException("unreasonable Content-Length " + length);
            }
            byte[] b = new byte[(int) length];
            int off = 0;
            while (off < b.length) {
                int n = in.read(b, off, b.length - off);
                if (n < 0) {
                    throw new EOFException("connection closed after " + off + " of " + length + " body bytes");
                }
                off += n;
                checkDeadline(deadline);
            }
            return b;
        }

        private byte[] chunked(long deadline) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line(deadline);
                int semi = size.indexOf(';');
                long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                if (n == 0) {
                    while (!line(deadline).isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                body.write(exactly(n, deadline));
                if (!line(deadline).isEmpty()) {
                    throw new IOException("chunk not followed by CRLF");
                }
            }
        }

        private byte[] toEnd(long deadline) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                body.write(buf, 0, n);
                checkDeadline(deadline);
            }
            return body.toByteArray();
        }

        private static void checkDeadline(long deadline) throws IOException {
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("response not complete within " + RESPONSE_DEADLINE.toSeconds() + " s");
            }
        }
    }
}
