package org.lws4j.core.config;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the values of one config source, turning each value that cannot be used into a
 * {@link ConfigProblem} rather than an exception. A scalar may be a JSON string, number or
 * boolean, because lwsws writes every value as a string ("7681") and people write numbers.
 * Messages quote the bad value and say what was expected. One instance per source per load.
 */
final class EntryReader {
    private static final int SHOW_MAX = 60;
    /** Longer digit strings cannot be a long anyway; this keeps BigInteger parsing cheap. */
    private static final int DIGITS_MAX = 100;
    private static final Set<String> FLAG_WORDS = Set.of("1", "0", "true", "false", "yes", "no", "on", "off");

    private final String source;
    private final boolean bundle;
    private final List<ConfigProblem> problems;

    EntryReader(String source, boolean bundle, List<ConfigProblem> problems) {
        this.source = source;
        this.bundle = bundle;
        this.problems = problems;
    }

    String source() {
        return source;
    }

    /** Whether the source is a bundle's, whose file origins may be relative to the bundle. */
    boolean bundle() {
        return bundle;
    }

    void problem(String key, String message) {
        problems.add(new ConfigProblem(source, key, message));
    }

    static String key(String parent, String child) {
        return parent.isEmpty() ? child : parent + "." + child;
    }

    /** JSON null counts as absent everywhere, so "interface": null is the same as leaving it out. */
    static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    static boolean isScalar(JsonNode n) {
        return n.isTextual() || n.isNumber() || n.isBoolean();
    }

    static String text(JsonNode n) {
        return n.isTextual() ? n.textValue() : n.asText();
    }

    /** The value as the user wrote it, short enough for a log line. */
    static String show(JsonNode n) {
        String s = n.isObject() ? "{...}" : n.isArray() ? "[...]" : n.toString();
        return s.length() <= SHOW_MAX ? s : s.substring(0, SHOW_MAX) + "...";
    }

    /** Every scalar member of {@code obj} as a string, in order; containers and nulls are left out. */
    static Map<String, String> scalars(JsonNode obj) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : obj.properties()) {
            if (isScalar(e.getValue())) {
                out.put(e.getKey(), text(e.getValue()));
            }
        }
        return out;
    }

    /** A scalar as a string; anything else is reported. */
    Optional<String> string(JsonNode n, String key) {
        if (isScalar(n)) {
            return Optional.of(text(n));
        }
        problem(key, show(n) + " is not a string");
        return Optional.empty();
    }

    /** A decimal integer in {@code min..max}; anything else is reported. */
    OptionalLong integer(JsonNode n, String key, long min, long max) {
        return integer(n, key, min, max, false, "an integer", "");
    }

    /**
     * An integer in {@code min..max}, also "0x..." hex when {@code hex}; anything else is reported
     * as "is not {@code what}" or "is out of range", with {@code suffix} (what happens now) appended.
     */
    OptionalLong integer(JsonNode n, String key, long min, long max, boolean hex, String what, String suffix) {
        BigInteger v = parseInteger(n, hex);
        if (v == null) {
            problem(key, show(n) + " is not " + what + suffix);
            return OptionalLong.empty();
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            String range = max == Integer.MAX_VALUE || max == Long.MAX_VALUE ? ">= " + min : min + ".." + max;
            problem(key, show(n) + " is out of range (expected " + range + ")" + suffix);
            return OptionalLong.empty();
        }
        return OptionalLong.of(v.longValue());
    }

    private static BigInteger parseInteger(JsonNode n, boolean hex) {
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue();
        }
        if (!n.isTextual()) {
            return null;
        }
        String s = n.textValue().trim();
        if (s.isEmpty() || s.length() > DIGITS_MAX) {
            return null;
        }
        try {
            if (hex && (s.startsWith("0x") || s.startsWith("0X")) && s.length() > 2 && s.charAt(2) != '-'
                    && s.charAt(2) != '+') {
                return new BigInteger(s.substring(2), 16);
            }
            return new BigInteger(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A flag (1/0, true/false, yes/no, on/off in any case, or a JSON boolean); anything else is reported. */
    Optional<String> flag(JsonNode n, String key) {
        if (isScalar(n) && FLAG_WORDS.contains(text(n).trim().toLowerCase(Locale.ROOT))) {
            return Optional.of(text(n).trim());
        }
        problem(key, show(n) + " is not a flag (expected 1/0, true/false, yes/no or on/off)");
        return Optional.empty();
    }

    /**
     * Name-value pairs, given lwsws' way as an array of objects ({@code [{"a": "1"}, {"b": "2"}]})
     * or as one object. A member whose value is not a scalar is reported and left out; a later
     * name replaces an earlier one.
     */
    Map<String, String> pairs(JsonNode n, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n.isObject()) {
            addPairs(n, key, out);
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                JsonNode el = n.get(i);
                String k = key + "[" + i + "]";
                if (el.isObject()) {
                    addPairs(el, k, out);
                } else {
                    problem(k, show(el) + " is not an object (expected {\"name\": \"value\"})");
                }
            }
        } else {
            problem(key, show(n) + " is not an object or an array of objects (expected [{\"name\": \"value\"}])");
        }
        return out;
    }

    private void addPairs(JsonNode obj, String key, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> e : obj.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.isBlank()) {
                problem(key, "a member has an empty name");
            } else if (isScalar(v)) {
                out.put(name, text(v));
            } else {
                problem(key(key, name), show(v) + " is not a string or number");
            }
        }
    }
}
