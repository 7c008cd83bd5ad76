package org.lws4j.jakarta.websocket.endpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Jakarta WebSocket path or URI template ({@code /chat/{room}}): literal segments and
 * variables, each a whole segment. Matches decoded request paths segment by segment and orders
 * templates by the spec's precedence: an exact path before any template, then, at the first
 * segment where two templates differ, a literal before a variable. Immutable and thread-safe.
 */
public final class PathTemplate implements Comparable<PathTemplate> {
    private final String text;
    private final String[] segments;
    private final String[] variables;

    private PathTemplate(String text, String[] segments, String[] variables) {
        this.text = text;
        this.segments = segments;
        this.variables = variables;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException for a path not starting with '/', a variable that is not a
     *     whole segment, an empty or repeated variable name
     */
    public static PathTemplate parse(String template) {
        if (template == null || !template.startsWith("/")) {
            throw new IllegalArgumentException("an endpoint path must start with '/': " + template);
        }
        String[] segs = template.substring(1).split("/", -1);
        String[] vars = new String[segs.length];
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < segs.length; i++) {
            String s = segs[i];
            if (s.startsWith("{") && s.endsWith("}") && s.length() > 2) {
                String name = s.substring(1, s.length() - 1);
                if (name.contains("{") || name.contains("}") || seen.contains(name)) {
                    throw new IllegalArgumentException("bad or repeated variable {" + name + "} in " + template);
                }
                seen.add(name);
                vars[i] = name;
            } else if (s.contains("{") || s.contains("}")) {
                throw new IllegalArgumentException("a variable must be a whole segment: " + template);
            }
        }
        return new PathTemplate(template, segs, vars);
    }

    /** The template as written. */
    public String text() {
        return text;
    }

    /** True when it has no variables (an exact path). */
    public boolean isExact() {
        for (String v : variables) {
            if (v != null) {
                return false;
            }
        }
        return true;
    }

    /** The variable names, in order. */
    public List<String> variables() {
        List<String> l = new ArrayList<>();
        for (String v : variables) {
            if (v != null) {
                l.add(v);
            }
        }
        return Collections.unmodifiableList(l);
    }

    /**
     * The same literals and variables at the same places, whatever the variables are called:
     * two templates with one shape claim the same paths.
     */
    public String shape() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            b.append('/').append(variables[i] != null ? "{}" : segments[i]);
        }
        return b.toString();
    }

    /**
     * Matches a decoded path (no query).
     *
     * @return the variables' values by name (empty for an exact path), or null when it does not match
     */
    public Map<String, String> match(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        String[] in = path.substring(1).split("/", -1);
        if (in.length != segments.length) {
            return null;
        }
        Map<String, String> values = null;
        for (int i = 0; i < in.length; i++) {
            if (variables[i] != null) {
                if (in[i].isEmpty()) {
                    return null;
                }
                if (values == null) {
                    values = new LinkedHashMap<>();
                }
                values.put(variables[i], in[i]);
            } else if (!segments[i].equals(in[i])) {
                return null;
            }
        }
        return values == null ? Map.of() : Collections.unmodifiableMap(values);
    }

    /** Precedence: negative when this template is preferred to {@code o} for a path both match. */
    @Override
    public int compareTo(PathTemplate o) {
        if (isExact() != o.isExact()) {
            return isExact() ? -1 : 1;
        }
        int n = Math.min(segments.length, o.segments.length);
        for (int i = 0; i < n; i++) {
            boolean mine = variables[i] == null;
            boolean theirs = o.variables[i] == null;
            if (mine != theirs) {
                return mine ? -1 : 1;
            }
        }
        return shape().compareTo(o.shape());
    }

    @Override
    public String toString() {
        return text;
    }
}
