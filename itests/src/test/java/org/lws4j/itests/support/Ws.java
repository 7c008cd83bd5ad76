package org.lws4j.itests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket from the probe to the server under test, through the JDK's
 * {@link java.net.http.WebSocket} (against 127.0.0.1), every wait bounded: the opening handshake
 * 5 s, each expected message 5 s, each send 10 s, an expected Close 5 s.
 *
 * <p>A {@link Client} gathers the JDK's partial deliveries into whole messages (as the peer framed
 * them: one message per FIN), queues them with their arrival time, and remembers the Close the
 * server sent. Waiting for a message on a client the server has closed fails at once with the
 * close code and reason; so does {@link Client#assertOpen}.
 */
public final class Ws {
    public static final Duration OPEN_WAIT = Duration.ofSeconds(5);
    public static final Duration MESSAGE_WAIT = Duration.ofSeconds(5);
    public static final Duration SEND_WAIT = Duration.ofSeconds(10);
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private Ws() {
    }

    /** The outcome of one opening handshake: a client, or the HTTP status (or error) that refused it. */
    public static final class Attempt {
        public final Client client;
        /** The refusing response's status; -1 when it did not get that far (or when it succeeded). */
        public final int status;
        /** What went wrong, for messages; null on success. */
        public final String failure;

        Attempt(Client client, int status, String failure) {
            this.client = client;
            this.status = status;
            this.failure = failure;
        }

        @Override
        public String toString() {
            return client != null ? "open" : "refused, status " + status + ": " + failure;
        }
    }

    /**
     * Opens a WebSocket to {@code ws://127.0.0.1:port + target} asking for {@code protocols} and
     * fails (AssertionError) if the handshake does not succeed within {@link #OPEN_WAIT}.
     */
    public static Client open(HttpClient http, int port, String target, String name, String... protocols)
            throws InterruptedException {
        Attempt a = attempt(http, port, target, name, protocols);
        if (a.client == null) {
            throw new AssertionError(name + ": WebSocket handshake for " + target + " with Sec-WebSocket-Protocol "
                    + Arrays.toString(protocols) + " failed: " + a);
        }
        return a.client;
    }

    /** One opening handshake, bounded by {@link #OPEN_WAIT}; never throws for a refusal. */
    public static Attempt attempt(HttpClient http, int port, String target, String name, String... protocols)
            throws InterruptedException {
        Client c = new Client(name);
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(OPEN_WAIT);
        if (protocols.length > 0) {
            b.subprotocols(protocols[0], Arrays.copyOfRange(protocols, 1, protocols.length));
        }
        CompletableFuture<WebSocket> f = b.buildAsync(URI.create("ws://127.0.0.1:" + port + target), c);
        try {
            WebSocket ws = f.get(OPEN_WAIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            c.ws = ws;
            String agreed = ws.getSubprotocol();
            if (protocols.length > 0 && !Arrays.asList(protocols).contains(agreed)) {
                ws.abort();
                return new Attempt(null, -1, "server agreed to Sec-WebSocket-Protocol '" + agreed + "', not one of "
                        + Arrays.toString(protocols));
            }
            return new Attempt(c, -1, null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause != null && !(cause instanceof WebSocketHandshakeException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof WebSocketHandshakeException) {
                java.net.http.HttpResponse<?> r = ((WebSocketHandshakeException) cause).getResponse();
                return new Attempt(null, r.statusCode(), "HTTP " + r.statusCode() + " " + r.headers().map());
            }
            return new Attempt(null, -1, String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Attempt(null, -1, "no handshake answer within " + OPEN_WAIT.toSeconds() + " s");
        }
    }

    /**
     * An opening handshake by hand on a plain socket (for what the JDK hides: the refusal's
     * headers). Returns the response as read; a 101 is returned without reading further.
     */
    public static Http.Response rawHandshake(int port, String target, String protocol) throws IOException {
        return rawHandshake(port, target, protocol, "");
    }

    /** As {@link #rawHandshake(int, String, String)}, with {@code extraHeaders} (each ending CRLF) added. */
    public static Http.Response rawHandshake(int port, String target, String protocol, String extraHeaders)
            throws IOException {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        try (Http.Raw raw = Http.Raw.open(port)) {
            raw.send("GET " + target + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + (protocol == null ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n")
                    + extraHeaders
                    + "\r\n");
            // HEAD-like read for 101 (no body), else the body as framed
            return raw.read(false);
        }
    }

    /** Text of exactly {@code bytes} UTF-8 bytes, mixing 1-, 2- and 3-byte characters. */
    public static String text(int bytes) {
        StringBuilder b = new StringBuilder(bytes);
        int have = 0;
        for (int i = 0; have < bytes; i++) {
            int left = bytes - have;
            if (left >= 3 && i % 7 == 3) {
                b.append('\u20ac'); // euro sign, 3 bytes
                have += 3;
            } else if (left >= 2 && i % 5 == 1) {
                b.append('\u00e9'); // e acute, 2 bytes
                have += 2;
            } else {
                b.append((char) ('a' + i % 26));
                have++;
            }
        }
        return b.toString();
    }

    /** {@code n} bytes of known, non-repeating content (seeded). */
    public static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        int x = 0x9E3779B9 ^ seed;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            b[i] = (byte) x;
        }
        return b;
    }

    /** A message as the server framed it (all its frames gathered). */
    public static final class Message {
        public final boolean binary;
        public final String text;
        public final byte[] data;
        /** System.nanoTime() when its last frame arrived. */
        public final long nanos;

        Message(boolean binary, String text, byte[] data) {
            this.binary = binary;
            this.text = text;
            this.data = data;
            this.nanos = System.nanoTime();
        }

        @Override
        public String toString() {
            if (binary) {
                return "binary(" + data.length + ")";
            }
            return text.length() > 80 ? "text(" + text.length() + " chars) '" + text.substring(0, 80) + "...'"
                    : "text '" + text.replace("\n", "\\n") + "'";
        }
    }

    /** The Close the server sent (or -1 and the error when the connection failed without one). */
    public static final class Closed {
        public final int code;
        public final String reason;
        public final long nanos;

        Closed(int code, String reason) {
            this.code = code;
            this.reason = reason;
            this.nanos = System.nanoTime();
        }

        @Override
        public String toString() {
            return code < 0 ? "failed without a Close: " + reason : "Close " + code + " '" + reason + "'";
        }
    }

    /** One JDK WebSocket and what it received. */
    public static final class Client implements WebSocket.Listener {
        private final String name;
        private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
        private final CompletableFuture<Closed> closed = new CompletableFuture<>();
        private final AtomicInteger received = new AtomicInteger();
        private volatile WebSocket ws;
        // touched only from the JDK's listener calls, which it serializes
        private StringBuilder text;
        private ByteArrayOutputStream binary;

        Client(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public WebSocket webSocket() {
            return ws;
        }

        // ---- listener ----------------------------------------------------------------------------

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (text == null) {
                text = new StringBuilder();
            }
            text.append(data);
            if (last) {
                messages.add(new Message(false, text.toString(), null));
                received.incrementAndGet();
                text = null;
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (binary == null) {
                binary = new ByteArrayOutputStream();
            }
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.write(b, 0, b.length);
            if (last) {
                messages.add(new Message(true, null, binary.toByteArray()));
                received.incrementAndGet();
                binary = null;
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1); // the JDK answers with a Pong itself
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null; // the JDK answers with a Close of the same code
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(-1, String.valueOf(error)));
        }

        // ---- test side ---------------------------------------------------------------------------

        /** Messages received so far (whole ones). */
        public int received() {
            return received.get();
        }

        public boolean isClosed() {
            return closed.isDone();
        }

        /** The Close received, or null. */
        public Closed closedNow() {
            return closed.getNow(null);
        }

        /** Fails with the close code and reason if the server has closed this client. */
        public void assertOpen(String when) {
            Closed c = closedNow();
            if (c != null) {
                throw new AssertionError(name + ": the server closed the connection " + when + ": " + c
                        + " (after " + received() + " messages)");
            }
        }

        /** The next whole message, waiting at most {@code max}; fails on a close or a timeout. */
        public Message next(Duration max) throws InterruptedException {
            Message m = messages.poll(max.toMillis(), TimeUnit.MILLISECONDS);
            if (m != null) {
                return m;
            }
            assertOpen("while a message was awaited");
            throw new AssertionError(name + ": no message within " + max.toMillis() + " ms (" + received()
                    + " received so far)");
        }

        public String nextText(Duration max) throws InterruptedException {
            Message m = next(max);
            if (m.binary) {
                throw new AssertionError(name + ": expected a text message, got " + m);
            }
            return m.text;
        }

        public byte[] nextBinary(Duration max) throws InterruptedException {
            Message m = next(max);
            if (!m.binary) {
                throw new AssertionError(name + ": expected a binary message, got " + m);
            }
            return m.data;
        }

        /** Fails if any message arrives within {@code wait}. */
        public void expectNothing(Duration wait) throws InterruptedException {
            Message m = messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (m != null) {
                throw new AssertionError(name + ": expected no message, got " + m);
            }
        }

        /** Every message queued now (not waiting). */
        public List<Message> drain() {
            List<Message> l = new ArrayList<>();
            messages.drainTo(l);
            return l;
        }

        public void sendText(String s) throws InterruptedException {
            sendText(s, true);
        }

        /** One text frame ({@code last} false: a fragment, continued by the next send). */
        public void sendText(String s, boolean last) throws InterruptedException {
            await("sendText(" + s.length() + " chars, last=" + last + ")", ws.sendText(s, last));
        }

        public void sendBinary(byte[] b, int off, int len, boolean last) throws InterruptedException {
            await("sendBinary(" + len + " bytes, last=" + last + ")", ws.sendBinary(ByteBuffer.wrap(b, off, len), last));
        }

        public void sendBinary(byte[] b) throws InterruptedException {
            sendBinary(b, 0, b.length, true);
        }

        private void await(String what, CompletableFuture<WebSocket> f) throws InterruptedException {
            try {
                f.get(SEND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                assertOpen("during " + what);
                throw new AssertionError(name + ": " + what + " failed: " + e.getCause());
            } catch (TimeoutException e) {
                assertOpen("during " + what);
                throw new AssertionError(name + ": " + what + " did not complete within " + SEND_WAIT.toSeconds() + " s");
            }
        }

        /** Waits (at most {@code max}) for the server's Close; fails if none comes. */
        public Closed awaitClose(Duration max) throws InterruptedException {
            try {
                return closed.get(max.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError(e);
            } catch (TimeoutException e) {
                throw new AssertionError(name + ": no Close from the server within " + max.toMillis() + " ms ("
                        + received() + " messages received)");
            }
        }

        /** Closes from our side (1000), bounded; never throws. */
        public void close() {
            WebSocket w = ws;
            if (w == null) {
                return;
            }
            try {
                if (!closed.isDone() && !w.isOutputClosed()) {
                    w.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
                    closed.get(2, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                // best effort; abort below
            } finally {
                w.abort();
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** UTF-8 length of {@code s}. */
    public static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
