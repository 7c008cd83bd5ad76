package org.lws4j.jakarta.websocket.session;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import jakarta.websocket.EncodeException;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;

import org.lws4j.jakarta.websocket.endpoint.Conversions;

/**
 * The two remotes of a session, over its {@link Sender}. Usable from any thread (see Sender for
 * who waits and who fails). Text is encoded to UTF-8 when offered; a ByteBuffer passed in is read
 * from its position to its limit and must not be changed until the send completes (the async
 * forms) or returns (the basic ones).
 */
final class Remotes {
    private Remotes() {
    }

    /** What both remotes share: batching, ping and pong. */
    private abstract static class Base implements RemoteEndpoint {
        final SessionImpl session;
        final Sender sender;

        Base(SessionImpl session, Sender sender) {
            this.session = session;
            this.sender = sender;
        }

        @Override
        public void setBatchingAllowed(boolean allowed) {
            sender.setBatching(allowed);
        }

        @Override
        public boolean getBatchingAllowed() {
            return sender.batching();
        }

        @Override
        public void flushBatch() {
            sender.flush();
        }

        @Override
        public void sendPing(ByteBuffer data) throws IOException {
            sender.sendBasic(Outgoing.Kind.PING, control(data), true, false);
        }

        @Override
        public void sendPong(ByteBuffer data) throws IOException {
            sender.sendBasic(Outgoing.Kind.PONG, control(data), true, false);
        }

        private static ByteBuffer control(ByteBuffer data) {
            if (data == null) {
                return ByteBuffer.allocate(0);
            }
            if (data.remaining() > 125) {
                throw new IllegalArgumentException("a ping or pong carries at most 125 bytes, not " + data.remaining());
            }
            return data;
        }
    }

    static final class Basic extends Base implements RemoteEndpoint.Basic {
        Basic(SessionImpl session, Sender sender) {
            super(session, sender);
        }

        @Override
        public void sendText(String text) throws IOException {
            sender.sendBasic(Outgoing.Kind.TEXT, utf8(text), true, true);
        }

        @Override
        public void sendBinary(ByteBuffer data) throws IOException {
            sender.sendBasic(Outgoing.Kind.BINARY, notNull(data), true, false);
        }

        @Override
        public void sendText(String part, boolean last) throws IOException {
            sender.sendBasic(Outgoing.Kind.TEXT, utf8(part), last, true);
        }

        @Override
        public void sendBinary(ByteBuffer part, boolean last) throws IOException {
            sender.sendBasic(Outgoing.Kind.BINARY, notNull(part), last, false);
        }

        @Override
        public OutputStream getSendStream() {
            return new SendStreams.Binary(this);
        }

        @Override
        public Writer getSendWriter() {
            return new SendStreams.Text(this);
        }

        @Override
        public void sendObject(Object o) throws IOException, EncodeException {
            Object encoded = encode(session, o);
            if (encoded instanceof String) {
                sendText((String) encoded);
            } else {
                sendBinary((ByteBuffer) encoded);
            }
        }
    }

    static final class Async extends Base implements RemoteEndpoint.Async {
        private volatile long timeout;

        Async(SessionImpl session, Sender sender, long timeout) {
            super(session, sender);
            this.timeout = timeout;
        }

        @Override
        public long getSendTimeout() {
            return timeout;
        }

        @Override
        public void setSendTimeout(long millis) {
            this.timeout = millis;
        }

        @Override
        public void sendText(String text, SendHandler handler) {
            send(Outgoing.Kind.TEXT, utf8(text), notNull(handler));
        }

        @Override
        public Future<Void> sendText(String text) {
            return future(Outgoing.Kind.TEXT, utf8(text));
        }

        @Override
        public Future<Void> sendBinary(ByteBuffer data) {
            return future(Outgoing.Kind.BINARY, notNull(data));
        }

        @Override
        public void sendBinary(ByteBuffer data, SendHandler handler) {
            send(Outgoing.Kind.BINARY, notNull(data), notNull(handler));
        }

        @Override
        public Future<Void> sendObject(Object o) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            sendObject(o, r -> {
                if (r.isOK()) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(r.getException());
                }
            });
            return f;
        }

        @Override
        public void sendObject(Object o, SendHandler handler) {
            notNull(handler);
            Object encoded;
            try {
                encoded = encode(session, o);
            } catch (EncodeException | IOException | RuntimeException e) {
                handler.onResult(new SendResult(session, e));
                return;
            }
            if (encoded instanceof String) {
                send(Outgoing.Kind.TEXT, utf8((String) encoded), handler);
            } else {
                send(Outgoing.Kind.BINARY, (ByteBuffer) encoded, handler);
            }
        }

        private void send(Outgoing.Kind kind, ByteBuffer data, SendHandler handler) {
            sender.sendAsync(kind, data, f -> handler.onResult(f == null ? new SendResult(session) : new SendResult(session, f)),
                    timeout);
        }

        private Future<Void> future(Outgoing.Kind kind, ByteBuffer data) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            sender.sendAsync(kind, data, e -> {
                if (e == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(e);
                }
            }, timeout);
            return f;
        }
    }

    /** A String for text, a ByteBuffer for binary: what the container sends itself, else an encoder's output. */
    static Object encode(SessionImpl session, Object o) throws EncodeException, IOException {
        if (o == null) {
            throw new IllegalArgumentException("cannot send null");
        }
        if (o instanceof String || Conversions.isText(o.getClass())) {
            return o.toString();
        }
        if (o instanceof ByteBuffer) {
            return o;
        }
        if (o instanceof byte[]) {
            return ByteBuffer.wrap((byte[]) o);
        }
        Object e = session.coders().encode(o);
        return e instanceof String ? e : (ByteBuffer) e;
    }

    private static ByteBuffer utf8(String s) {
        if (s == null) {
            throw new IllegalArgumentException("cannot send null");
        }
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static <T> T notNull(T t) {
        if (t == null) {
            throw new IllegalArgumentException("null argument");
        }
        return t;
    }
}
