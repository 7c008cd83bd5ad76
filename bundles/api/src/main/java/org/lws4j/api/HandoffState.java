package org.lws4j.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * State handed from one version of a protocol to the next over a live update ({@link Handoff}):
 * plain data only, so that nothing of the old bundle survives it (an object of its classes would
 * pin its class loader). Values are strings, longs, doubles, booleans, byte arrays (copied in and
 * out), nested states, and lists of these; anything else is refused with an
 * {@link IllegalArgumentException} at {@code put}. The format names what the producer wrote, so a
 * new version can tell whether it reads it ("mirror/1").
 *
 * <p>Not thread-safe: made and read by one thread at a time (the core hands it over between
 * threads with the memory effects of its task queue).
 */
@ProviderType
public final class HandoffState {
    private final String format;
    private final Map<String, Object> values = new LinkedHashMap<>();

    private HandoffState(String format) {
        if (format == null || format.isBlank()) {
            throw new IllegalArgumentException("a handoff state needs a format (what wrote it, and its version)");
        }
        this.format = format;
    }

    /** An empty state in {@code format}, e.g. "lws-mirror/1". */
    public static HandoffState of(String format) {
        return new HandoffState(format);
    }

    /** What wrote this state, and its version. */
    public String format() {
        return format;
    }

    /** Sets {@code key} to {@code value} (see the class comment for what a value may be). */
    public HandoffState put(String key, Object value) {
        values.put(key, plain(key, value));
        return this;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String getString(String key) {
        return (String) values.get(key);
    }

    public long getLong(String key, long fallback) {
        Object v = values.get(key);
        return v instanceof Long ? (Long) v : fallback;
    }

    public double getDouble(String key, double fallback) {
        Object v = values.get(key);
        return v instanceof Double ? (Double) v : fallback;
    }

    public boolean getBoolean(String key, boolean fallback) {
        Object v = values.get(key);
        return v instanceof Boolean ? (Boolean) v : fallback;
    }

    /** A copy of the bytes under {@code key}, or null. */
    public byte[] getBytes(String key) {
        Object v = values.get(key);
        return v instanceof byte[] ? ((byte[]) v).clone() : null;
    }

    public HandoffState getState(String key) {
        Object v = values.get(key);
        return v instanceof HandoffState ? (HandoffState) v : null;
    }

    /** The list under {@code key} (byte arrays in it are copies), or an empty list. */
    public List<Object> getList(String key) {
        Object v = values.get(key);
        if (!(v instanceof List)) {
            return List.of();
        }
        List<Object> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            out.add(o instanceof byte[] ? ((byte[]) o).clone() : o);
        }
        return Collections.unmodifiableList(out);
    }

    /** The keys set, in the order they were first set. */
    public List<String> keys() {
        return List.copyOf(values.keySet());
    }

    private static Object plain(String key, Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof HandoffState) {
            return v;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double || v instanceof Float) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof byte[]) {
            return ((byte[]) v).clone();
        }
        if (v instanceof List) {
            List<Object> l = new ArrayList<>();
            for (Object o : (List<?>) v) {
                l.add(plain(key, o));
            }
            return Collections.unmodifiableList(l);
        }
        throw new IllegalArgumentException("handoff state " + key + ": a " + v.getClass().getName()
                + " is not plain data (strings, numbers, booleans, byte[], states and lists of them)");
    }

    @Override
    public String toString() {
        return "HandoffState(" + format + ", " + values.keySet() + ")";
    }
}
