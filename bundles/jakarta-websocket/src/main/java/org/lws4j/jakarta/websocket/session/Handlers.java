package org.lws4j.jakarta.websocket.session;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

import jakarta.websocket.DecodeException;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;

import org.lws4j.jakarta.websocket.endpoint.Coders;
import org.lws4j.jakarta.websocket.endpoint.Conversions;
import org.lws4j.jakarta.websocket.session.Receivers.Receiver;

/**
 * Turns a message handler and the class it takes into the receiver for its kind of message: what
 * the container converts itself (String, Reader, primitives; ByteBuffer, byte[], InputStream;
 * PongMessage), else a decoder of the session's config. Called when a handler is added (on any
 * thread); the receivers it makes run on the service thread.
 */
final class Handlers {
    /** The three kinds of message a session takes one handler each for. */
    enum Kind { TEXT, BINARY, PONG }

    /** A handler added to a session, with the receiver made for it (or the pong sink). */
    record Bound(Kind kind, MessageHandler handler, Receiver receiver, Consumer<PongMessage> pong) {
    }

    private Handlers() {
    }

    @SuppressWarnings("unchecked")
    static Bound whole(SessionImpl s, Class<?> type, MessageHandler.Whole<?> handler) {
        MessageHandler.Whole<Object> h = (MessageHandler.Whole<Object>) handler;
        Coders coders = s.coders();
        if (type == PongMessage.class) {
            return new Bound(Kind.PONG, handler, null, h::onMessage);
        }
        if (type == String.class) {
            return text(s, handler, h::onMessage);
        } else if (type == Reader.class) {
            return text(s, handler, t -> h.onMessage(new StringReader(t)));
        } else if (Conversions.isText(type)) {
            return text(s, handler, t -> h.onMessage(primitive(t, type)));
        } else if (type == ByteBuffer.class) {
            return binary(s, handler, h::onMessage);
        } else if (type == byte[].class) {
            return binary(s, handler, b -> h.onMessage(b.array()));
        } else if (type == InputStream.class) {
            return binary(s, handler, b -> h.onMessage(new ByteArrayInputStream(b.array())));
        } else if (coders.decodesText(type)) {
            return text(s, handler, t -> h.onMessage(coders.decodeText(t, type)));
        } else if (coders.decodesBinary(type)) {
            return binary(s, handler, b -> h.onMessage(coders.decodeBinary(b, type)));
        }
        throw new IllegalStateException("no decoder for " + type.getName() + " in the endpoint's configuration");
    }

    @SuppressWarnings("unchecked")
    static Bound partial(SessionImpl s, Class<?> type, MessageHandler.Partial<?> handler) {
        MessageHandler.Partial<Object> h = (MessageHandler.Partial<Object>) handler;
        if (type == String.class) {
            return new Bound(Kind.TEXT, handler, new Receivers.PartialText(h::onMessage), null);
        } else if (type == ByteBuffer.class) {
            return new Bound(Kind.BINARY, handler, new Receivers.PartialBinary(h::onMessage), null);
        } else if (type == byte[].class) {
            return new Bound(Kind.BINARY, handler, new Receivers.PartialBinary((b, last) -> h.onMessage(b.array(), last)), null);
        }
        throw new IllegalStateException("a partial handler takes String, ByteBuffer or byte[], not " + type.getName());
    }

    private static Bound text(SessionImpl s, MessageHandler handler, Receivers.TextSink sink) {
        return new Bound(Kind.TEXT, handler, new Receivers.Whole(s::getMaxTextMessageBufferSize, sink, null), null);
    }

    private static Bound binary(SessionImpl s, MessageHandler handler, Receivers.BinarySink sink) {
        return new Bound(Kind.BINARY, handler, new Receivers.Whole(s::getMaxBinaryMessageBufferSize, null, sink), null);
    }

    private static Object primitive(String text, Class<?> type) throws DecodeException {
        try {
            return Conversions.fromText(text, type);
        } catch (IllegalArgumentException e) {
            throw new DecodeException(text, "not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
