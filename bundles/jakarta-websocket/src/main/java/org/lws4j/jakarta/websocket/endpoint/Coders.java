package org.lws4j.jakarta.websocket.endpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;

/**
 * One session's decoders and encoders: a new instance of each class the endpoint's config names,
 * initialised with the session's config when the session opens and destroyed when it closes (as
 * the spec has it, instances are never shared between sessions). Decoders are tried in config
 * order, the first whose {@code willDecode} agrees decodes; the first encoder for a type (or a
 * supertype) encodes it. Used on the session's service thread, and by senders on other threads
 * for encoding, so encoders must be thread-safe if the application sends from several threads.
 */
public final class Coders {
    /** A decoder with the class it produces. */
    private record Dec(Decoder decoder, Class<?> type) {
    }

    /** An encoder with the class it takes. */
    private record Enc(Encoder encoder, Class<?> type) {
    }

    private final List<Dec> decoders = new ArrayList<>();
    private final List<Enc> encoders = new ArrayList<>();

    /**
     * Makes and initialises the coders {@code config} names.
     *
     * @throws IllegalStateException when one cannot be made (no public no-argument constructor, ...)
     */
    public Coders(EndpointConfig config) {
        for (Class<? extends Decoder> c : config.getDecoders()) {
            Decoder d = newInstance(c);
            d.init(config);
            decoders.add(new Dec(d, decodedType(c)));
        }
        for (Class<? extends Encoder> c : config.getEncoders()) {
            Encoder e = newInstance(c);
            e.init(config);
            encoders.add(new Enc(e, encodedType(c)));
        }
    }

    /** The class a decoder class produces, or null. */
    public static Class<?> decodedType(Class<?> c) {
        for (Class<?> kind : List.of(Decoder.Text.class, Decoder.TextStream.class, Decoder.Binary.class, Decoder.BinaryStream.class)) {
            Class<?> t = TypeArgs.of(c, kind);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private static Class<?> encodedType(Class<?> c) {
        for (Class<?> kind : List.of(Encoder.Text.class, Encoder.TextStream.class, Encoder.Binary.class, Encoder.BinaryStream.class)) {
            Class<?> t = TypeArgs.of(c, kind);
            if (t != null) {
                return t;
            }
        }
        return Object.class;
    }

    private static <T> T newInstance(Class<T> c) {
        try {
            return c.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot make " + c.getName() + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot make " + c.getName() + " (a public no-argument constructor is needed): " + e, e);
        }
    }

    /** True when some text decoder produces {@code type}; false for binary ones or none. */
    public boolean decodesText(Class<?> type) {
        return decoders.stream().anyMatch(d -> matches(d, type)
                && (d.decoder() instanceof Decoder.Text || d.decoder() instanceof Decoder.TextStream));
    }

    /** True when some binary decoder produces {@code type}. */
    public boolean decodesBinary(Class<?> type) {
        return decoders.stream().anyMatch(d -> matches(d, type)
                && (d.decoder() instanceof Decoder.Binary || d.decoder() instanceof Decoder.BinaryStream));
    }

    private static boolean matches(Dec d, Class<?> type) {
        return d.type() != null && Conversions.boxed(type).isAssignableFrom(d.type());
    }

    /** Decodes a whole text message as {@code type}. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Object decodeText(String text, Class<?> type) throws DecodeException, IOException {
        for (Dec d : decoders) {
            if (!matches(d, type)) {
                continue;
            }
            if (d.decoder() instanceof Decoder.Text) {
                Decoder.Text t = (Decoder.Text) d.decoder();
                if (t.willDecode(text)) {
                    return t.decode(text);
                }
            } else if (d.decoder() instanceof Decoder.TextStream) {
                return ((Decoder.TextStream) d.decoder()).decode(new StringReader(text));
            }
        }
        throw new DecodeException(text, "no decoder for " + type.getName() + " accepts this message");
    }

    /** Decodes a whole binary message as {@code type}; {@code data} is read from its position. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Object decodeBinary(ByteBuffer data, Class<?> type) throws DecodeException, IOException {
        for (Dec d : decoders) {
            if (!matches(d, type)) {
                continue;
            }
            if (d.decoder() instanceof Decoder.Binary) {
                Decoder.Binary b = (Decoder.Binary) d.decoder();
                if (b.willDecode(data.duplicate())) {
                    return b.decode(data.duplicate());
                }
            } else if (d.decoder() instanceof Decoder.BinaryStream) {
                ByteBuffer dup = data.duplicate();
                byte[] bytes = new byte[dup.remaining()];
                dup.get(bytes);
                return ((Decoder.BinaryStream) d.decoder()).decode(new ByteArrayInputStream(bytes));
            }
        }
        throw new DecodeException(data, "no decoder for " + type.getName() + " accepts this message");
    }

    /**
     * Encodes {@code o}: a String for a text encoder, a ByteBuffer for a binary one.
     *
     * @throws EncodeException when no encoder takes its class
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Object encode(Object o) throws EncodeException, IOException {
        for (Enc e : encoders) {
            if (!e.type().isInstance(o)) {
                continue;
            }
            Encoder enc = e.encoder();
            if (enc instanceof Encoder.Text) {
                return ((Encoder.Text) enc).encode(o);
            } else if (enc instanceof Encoder.TextStream) {
                StringWriter w = new StringWriter();
                ((Encoder.TextStream) enc).encode(o, w);
                return w.toString();
            } else if (enc instanceof Encoder.Binary) {
                return ((Encoder.Binary) enc).encode(o);
            } else if (enc instanceof Encoder.BinaryStream) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ((Encoder.BinaryStream) enc).encode(o, out);
                return ByteBuffer.wrap(out.toByteArray());
            }
        }
        throw new EncodeException(o, "no encoder for " + o.getClass().getName() + " in the endpoint's configuration");
    }

    /** Calls destroy on each coder; the session is closed. */
    public void destroy() {
        for (Dec d : decoders) {
            try {
                d.decoder().destroy();
            } catch (RuntimeException ignored) {
                // the session is gone either way
            }
        }
        for (Enc e : encoders) {
            try {
                e.encoder().destroy();
            } catch (RuntimeException ignored) {
                // the session is gone either way
            }
        }
    }
}
