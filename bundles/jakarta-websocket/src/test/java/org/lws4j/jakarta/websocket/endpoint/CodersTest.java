package org.lws4j.jakarta.websocket.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;

import org.junit.jupiter.api.Test;

/** Decoders and encoders of a session: order, willDecode, types through generics, lifecycle. */
class CodersTest {
    static final List<String> LIFE = new ArrayList<>();

    public static class Upper implements Decoder.Text<String> {
        @Override
        public String decode(String s) {
            return s.toUpperCase();
        }

        @Override
        public boolean willDecode(String s) {
            return s.startsWith("u:");
        }

        @Override
        public void init(EndpointConfig c) {
            LIFE.add("init upper");
        }

        @Override
        public void destroy() {
            LIFE.add("destroy upper");
        }
    }

    public static class Lower implements Decoder.Text<CharSequence> {
        @Override
        public CharSequence decode(String s) {
            return s.toLowerCase();
        }

        @Override
        public boolean willDecode(String s) {
            return true;
        }
    }

    /** A generic base: the type comes from the subclass. */
    public abstract static class Base<T> implements Encoder.Binary<T> {
    }

    public static class IntBytes extends Base<Integer> {
        @Override
        public ByteBuffer encode(Integer i) {
            return ByteBuffer.allocate(4).putInt(0, i);
        }
    }

    public static class Named implements Encoder.TextStream<Thread> {
        @Override
        public void encode(Thread t, java.io.Writer w) throws java.io.IOException {
            w.write("thread " + t.getName());
        }
    }

    private static EndpointConfig config(List<Class<? extends Decoder>> d, List<Class<? extends Encoder>> e) {
        return new EndpointConfig() {
            @Override
            public List<Class<? extends Encoder>> getEncoders() {
                return e;
            }

            @Override
            public List<Class<? extends Decoder>> getDecoders() {
                return d;
            }

            @Override
            public Map<String, Object> getUserProperties() {
                return Map.of();
            }
        };
    }

    @Test
    void decodersInOrderByWillDecode() throws Exception {
        LIFE.clear();
        Coders c = new Coders(config(List.of(Upper.class, Lower.class), List.of()));
        assertEquals(List.of("init upper"), LIFE);
        assertTrue(c.decodesText(String.class));
        assertTrue(c.decodesText(CharSequence.class));
        assertFalse(c.decodesBinary(String.class));
        assertEquals("U:A", c.decodeText("u:a", String.class));
        assertEquals("x", c.decodeText("X", CharSequence.class), "Upper declines, Lower takes it");
        assertThrows(DecodeException.class, () -> c.decodeText("X", String.class), "only Upper makes Strings");
        c.destroy();
        assertEquals(List.of("init upper", "destroy upper"), LIFE);
    }

    @Test
    void encodersByTypeThroughGenerics() throws Exception {
        Coders c = new Coders(config(List.of(), List.of(IntBytes.class, Named.class)));
        assertEquals(7, ((ByteBuffer) c.encode(7)).getInt(0));
        Thread t = new Thread(() -> { }, "t1");
        assertEquals("thread t1", c.encode(t));
        assertThrows(EncodeException.class, () -> c.encode(new Object()));
    }

    @Test
    void typeArgsFollowSuperclassesAndLeaveLambdasUnknown() {
        assertEquals(Integer.class, TypeArgs.of(IntBytes.class, Encoder.Binary.class));
        MessageHandler.Whole<String> anon = new MessageHandler.Whole<>() {
            @Override
            public void onMessage(String m) {
            }
        };
        assertEquals(String.class, TypeArgs.of(anon.getClass(), MessageHandler.Whole.class));
        MessageHandler.Whole<String> lambda = m -> { };
        assertNull(TypeArgs.of(lambda.getClass(), MessageHandler.Whole.class));
    }

    @Test
    void primitivesConvertFromText() {
        assertEquals(42, Conversions.fromText("42", int.class));
        assertEquals(true, Conversions.fromText("TRUE", Boolean.class));
        assertEquals('x', Conversions.fromText("x", char.class));
        assertThrows(IllegalArgumentException.class, () -> Conversions.fromText("4x", int.class));
        assertThrows(IllegalArgumentException.class, () -> Conversions.fromText("yes", boolean.class));
    }
}
