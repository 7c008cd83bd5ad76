package org.lws4j.jakarta.websocket.endpoint;

import java.util.Map;

/**
 * What the container converts by itself, without a decoder or an encoder: Java primitives and
 * their boxes to and from text (path parameters, text messages, return values). Stateless.
 */
public final class Conversions {
    private static final Map<Class<?>, Class<?>> BOXES = Map.of(boolean.class, Boolean.class, byte.class, Byte.class,
            char.class, Character.class, short.class, Short.class, int.class, Integer.class, long.class, Long.class,
            float.class, Float.class, double.class, Double.class);

    private Conversions() {
    }

    /** True for String, the primitives and their boxes. */
    public static boolean isText(Class<?> type) {
        return type == String.class || BOXES.containsKey(type) || BOXES.containsValue(type);
    }

    /** The box of a primitive type, else the type itself. */
    public static Class<?> boxed(Class<?> type) {
        return type.isPrimitive() ? BOXES.get(type) : type;
    }

    /**
     * Text as {@code type} (String, a primitive or its box).
     *
     * @throws IllegalArgumentException when the text is not a value of the type
     */
    public static Object fromText(String s, Class<?> type) {
        Class<?> t = boxed(type);
        if (t == String.class) {
            return s;
        }
        if (s == null) {
            if (type.isPrimitive()) {
                throw new IllegalArgumentException("no value for a " + type.getName());
            }
            return null;
        }
        String v = s.trim();
        if (t == Integer.class) {
            return Integer.valueOf(v);
        } else if (t == Long.class) {
            return Long.valueOf(v);
        } else if (t == Boolean.class) {
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException("not a boolean: " + s);
            }
            return Boolean.valueOf(v);
        } else if (t == Double.class) {
            return Double.valueOf(v);
        } else if (t == Float.class) {
            return Float.valueOf(v);
        } else if (t == Short.class) {
            return Short.valueOf(v);
        } else if (t == Byte.class) {
            return Byte.valueOf(v);
        } else if (t == Character.class) {
            if (s.length() != 1) {
                throw new IllegalArgumentException("not one character: " + s);
            }
            return s.charAt(0);
        }
        throw new IllegalArgumentException("no conversion from text to " + type.getName());
    }
}
