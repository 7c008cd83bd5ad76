package org.lws4j.jakarta.websocket.endpoint;

import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;

/**
 * The annotated methods of an endpoint class, checked once when it is deployed: at most one
 * {@code @OnOpen}, {@code @OnClose} and {@code @OnError}, and {@code @OnMessage} methods of which
 * at most one takes text, one binary and one pong messages (text or binary decided by the
 * message's type, or for other types by the decoders the endpoint's config names). Immutable;
 * shared by every session of the endpoint.
 */
public final class PojoModel {
    /** The kinds of message an {@code @OnMessage} method takes. */
    public enum Kind { TEXT, BINARY, PONG }

    /** An {@code @OnMessage} method with its kind and size limit. */
    record MessageMethod(PojoMethod method, Kind kind, long maxSize) {
    }

    final PojoMethod onOpen;
    final PojoMethod onClose;
    final PojoMethod onError;
    final List<MessageMethod> onMessage;

    private PojoModel(PojoMethod onOpen, PojoMethod onClose, PojoMethod onError, List<MessageMethod> onMessage) {
        this.onOpen = onOpen;
        this.onClose = onClose;
        this.onError = onError;
        this.onMessage = List.copyOf(onMessage);
    }

    /** Reads {@code type}'s methods (its own and inherited public ones) against its decoders. */
    public static PojoModel of(Class<?> type, List<Class<? extends Decoder>> decoders) throws DeploymentException {
        PojoMethod open = null;
        PojoMethod close = null;
        PojoMethod error = null;
        List<MessageMethod> messages = new ArrayList<>();
        Set<Kind> kinds = new HashSet<>();
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(OnOpen.class)) {
                open = once(open, PojoMethod.of(m, OnOpen.class, List.of(EndpointConfig.class), false), OnOpen.class, type);
            }
            if (m.isAnnotationPresent(OnClose.class)) {
                close = once(close, PojoMethod.of(m, OnClose.class, List.of(CloseReason.class), false), OnClose.class, type);
            }
            if (m.isAnnotationPresent(OnError.class)) {
                error = once(error, PojoMethod.of(m, OnError.class, List.of(Throwable.class), false), OnError.class, type);
            }
            OnMessage om = m.getAnnotation(OnMessage.class);
            if (om != null) {
                PojoMethod pm = PojoMethod.of(m, OnMessage.class, List.of(), true);
                Kind k = kind(pm, decoders);
                if (!kinds.add(k)) {
                    throw new DeploymentException(type.getName() + " has more than one @OnMessage method for "
                            + k.name().toLowerCase() + " messages");
                }
                messages.add(new MessageMethod(pm, k, om.maxMessageSize()));
            }
        }
        return new PojoModel(open, close, error, messages);
    }

    private static PojoMethod once(PojoMethod had, PojoMethod found, Class<?> annotation, Class<?> type)
            throws DeploymentException {
        if (had != null) {
            throw new DeploymentException(type.getName() + " has more than one @" + annotation.getSimpleName() + " method");
        }
        return found;
    }

    private static Kind kind(PojoMethod pm, List<Class<? extends Decoder>> decoders) throws DeploymentException {
        Class<?> t = pm.messageType;
        if (pm.partial) {
            if (t == String.class) {
                return Kind.TEXT;
            }
            if (t == ByteBuffer.class || t == byte[].class) {
                return Kind.BINARY;
            }
            throw new DeploymentException("partial messages come as String, ByteBuffer or byte[], not " + t.getName() + ": " + pm);
        }
        if (t == PongMessage.class) {
            return Kind.PONG;
        }
        if (t == Reader.class || Conversions.isText(t)) {
            return Kind.TEXT;
        }
        if (t == ByteBuffer.class || t == byte[].class || t == InputStream.class) {
            return Kind.BINARY;
        }
        for (Class<? extends Decoder> d : decoders) {
            Class<?> produced = Coders.decodedType(d);
            if (produced != null && t.isAssignableFrom(produced)) {
                return Decoder.Text.class.isAssignableFrom(d) || Decoder.TextStream.class.isAssignableFrom(d) ? Kind.TEXT : Kind.BINARY;
            }
        }
        throw new DeploymentException("no decoder for " + t.getName() + ", the message type of " + pm);
    }

    /** True when the class has an {@code @OnError} method. */
    public boolean handlesErrors() {
        return onError != null;
    }
}
