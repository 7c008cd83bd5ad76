package org.lws4j.core.osgi;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.lws4j.core.config.ConfigLoader;
import org.lws4j.core.config.ConfigProblem;
import org.lws4j.core.config.LoadedConfig;

/**
 * One vhost from a flat dictionary (a ConfigAdmin configuration, a Karaf {@code .cfg} file):
 * the keys of a JSON vhost entry, with the nested parts flattened by dots.
 *
 * <pre>
 * name = example.com                       the JSON entry's scalar keys as they are
 * port = 8080
 * mounts.0.mountpoint = /                  mounts.ID.KEY: one mount per ID (0, 1, ... or words),
 * mounts.0.origin = file:///srv/www          in ID order (numbers first, numerically)
 * mounts.0.extra-mimetypes..log = text/plain    mounts.ID.extra-mimetypes.SUFFIX, .cgi-env.NAME, .pmo.KEY
 * ws-protocols = lws-mirror-protocol       protocols offered, comma-separated (the first is the default)
 * ws-protocols.my-protocol.some-pvo = x    ws-protocols.PROTOCOL.PVO: a protocol's options (pvo)
 * headers.X-Frame-Options = DENY           headers.NAME: an extra response header
 * </pre>
 *
 * The dictionary becomes the JSON entry it stands for and goes through {@link ConfigLoader}, so
 * every value is checked exactly as in the JSON config; each problem is reported with the
 * dictionary's own key ({@code mounts.1.origin}, not {@code vhosts[0].mounts[1].origin}). Keys of
 * ConfigAdmin, FileInstall and DS ({@code service.*}, {@code felix.*}, {@code component.*},
 * {@code osgi.*}) are left out. Stateless.
 */
final class FlatVhostConfig {
    static final String MOUNTS = "mounts";
    static final String PROTOCOLS = "ws-protocols";
    static final String HEADERS = "headers";
    private static final List<String> MOUNT_MAPS = List.of("extra-mimetypes", "cgi-env", "pmo");
    private static final List<String> FOREIGN_PREFIXES = List.of("service.", "felix.", "component.", "osgi.", ".");
    private static final Pattern ARRAY_STEP = Pattern.compile("^vhosts\\[0\\]\\.?");
    private static final Pattern MOUNT_STEP = Pattern.compile("^mounts\\[(\\d+)\\]");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");

    /**
     * What a dictionary made: the loader's result and the problems with the dictionary's keys.
     *
     * @param loaded the vhost (at most one) and the global defaults
     * @param problems every problem, keyed as in the dictionary; empty when it is all good
     */
    record Result(LoadedConfig loaded, List<ConfigProblem> problems) {
    }

    private final ConfigLoader loader = new ConfigLoader();

    /**
     * Reads {@code props} as one vhost from {@code source} ("etc/org.lws4j.vhost-site.cfg").
     * {@code defaultName} is the vhost's name when the dictionary has no "name" (null: none).
     */
    Result read(String source, Map<String, ?> props, String defaultName) {
        List<ConfigProblem> problems = new ArrayList<>();
        ObjectNode vhost = JsonNodeFactory.instance.objectNode();
        Map<String, Map<String, Object>> mounts = new TreeMap<>(ID_ORDER);
        Map<String, Map<String, Object>> protocols = new LinkedHashMap<>();
        Map<String, Object> headers = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : new TreeMap<>(props).entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (value == null || FOREIGN_PREFIXES.stream().anyMatch(key::startsWith)) {
                continue;
            }
            if (value instanceof String s && s.isBlank() && !key.contains(".")) {
                continue; // a blank field (web console) is an absent one
            }
            if (key.equals(PROTOCOLS)) {
                for (String p : list(value)) {
                    protocols.computeIfAbsent(p, x -> new LinkedHashMap<>());
                }
            } else if (key.startsWith(PROTOCOLS + ".")) {
                String rest = key.substring(PROTOCOLS.length() + 1);
                int dot = rest.indexOf('.');
                if (dot <= 0 || dot == rest.length() - 1) {
                    problems.add(new ConfigProblem(source, key, "expected ws-protocols.PROTOCOL.OPTION = value"
                            + " (or ws-protocols = PROTOCOL, ... for protocols without options); ignored"));
                } else {
                    protocols.computeIfAbsent(rest.substring(0, dot), x -> new LinkedHashMap<>())
                            .put(rest.substring(dot + 1), value);
                }
            } else if (key.startsWith(MOUNTS + ".")) {
                String rest = key.substring(MOUNTS.length() + 1);
                int dot = rest.indexOf('.');
                if (dot <= 0 || dot == rest.length() - 1) {
                    problems.add(new ConfigProblem(source, key, "expected mounts.ID.KEY = value"
                            + " (e.g. mounts.0.mountpoint = /); ignored"));
                } else {
                    String displaced = putMountKey(mounts.computeIfAbsent(rest.substring(0, dot), x -> new LinkedHashMap<>()),
                            rest.substring(dot + 1), value);
                    if (displaced != null) {
                        String plain = MOUNTS + "." + rest.substring(0, dot) + "." + displaced;
                        problems.add(new ConfigProblem(source, plain, "\"" + plain + "\" takes dotted keys ("
                                + plain + ".NAME = value) beside " + key + "; ignored"));
                    }
                }
            } else if (key.startsWith(HEADERS + ".") && key.length() > HEADERS.length() + 1) {
                headers.put(key.substring(HEADERS.length() + 1), value);
            } else if (key.equals(MOUNTS) || key.equals(HEADERS)) {
                problems.add(new ConfigProblem(source, key, "\"" + key + "\" takes dotted keys ("
                        + (key.equals(MOUNTS) ? "mounts.0.mountpoint = /" : "headers.X-Frame-Options = DENY")
                        + "); ignored"));
            } else {
                vhost.set(key, scalar(value));
            }
        }
        if (!vhost.has("name") && defaultName != null) {
            vhost.put("name", defaultName);
        }
        List<String> mountIds = new ArrayList<>(mounts.keySet());
        if (!mounts.isEmpty()) {
            var array = vhost.putArray(MOUNTS);
            mounts.values().forEach(m -> array.add(object(m)));
        }
        if (!protocols.isEmpty()) {
            ObjectNode ps = vhost.putObject(PROTOCOLS);
            protocols.forEach((name, pvo) -> ps.set(name, object(pvo)));
        }
        if (!headers.isEmpty()) {
            vhost.set(HEADERS, object(headers));
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.putArray("vhosts").add(vhost);
        LoadedConfig loaded = loader.load(List.of(new ConfigLoader.Source(source, root.toString())));
        for (ConfigProblem p : loaded.problems()) {
            problems.add(new ConfigProblem(source, flatKey(p.key(), mountIds), p.message()));
        }
        return new Result(loaded, problems);
    }

    /** "vhosts[0].mounts[1].origin" as the dictionary spells it: "mounts.ID.origin". */
    static String flatKey(String jsonKey, List<String> mountIds) {
        if (jsonKey == null) {
            return "";
        }
        String k = ARRAY_STEP.matcher(jsonKey).replaceFirst("");
        Matcher m = MOUNT_STEP.matcher(k);
        if (m.find()) {
            int i = Integer.parseInt(m.group(1));
            String id = i < mountIds.size() ? mountIds.get(i) : m.group(1);
            k = MOUNTS + "." + id + k.substring(m.end());
        }
        return k;
    }

    /**
     * mounts.ID.extra-mimetypes..zip = application/zip: the last three maps nest one level more.
     * Returns the map's name when a plain value of that name had to give way to it
     * ("mounts.0.pmo = x" beside "mounts.0.pmo.a = b", which sorts after it), else null.
     */
    private static String putMountKey(Map<String, Object> mount, String key, Object value) {
        for (String map : MOUNT_MAPS) {
            if (key.startsWith(map + ".") && key.length() > map.length() + 1) {
                String displaced = null;
                if (!(mount.get(map) instanceof Map)) {
                    displaced = mount.containsKey(map) ? map : null;
                    mount.put(map, new LinkedHashMap<String, Object>());
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> inner = (Map<String, Object>) mount.get(map);
                inner.put(key.substring(map.length() + 1), value);
                return displaced;
            }
        }
        mount.put(key, value);
        return null;
    }

    private static ObjectNode object(Map<String, Object> m) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        m.forEach((k, v) -> o.set(k, v instanceof Map<?, ?> inner ? object(cast(inner)) : scalar(v)));
        return o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /**
     * A value as JSON: strings (what a .cfg file holds), numbers and booleans (what the web console
     * stores for typed fields) as themselves; a list or array (a multi-valued field) as its items
     * joined by ", ".
     */
    static com.fasterxml.jackson.databind.JsonNode scalar(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return f.numberNode(((Number) v).longValue());
        }
        if (v instanceof Number n) {
            return f.textNode(n.toString());
        }
        if (v.getClass().isArray() || v instanceof Collection<?>) {
            return f.textNode(String.join(", ", list(v)));
        }
        return f.textNode(v.toString());
    }

    /** A multi-valued property (array, collection, or "a, b" text) as its non-blank items. */
    static List<String> list(Object v) {
        List<String> out = new ArrayList<>();
        if (v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                out.addAll(list(Array.get(v, i)));
            }
        } else if (v instanceof Collection<?> c) {
            c.forEach(x -> out.addAll(list(x)));
        } else {
            for (String s : v.toString().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    /** Mount IDs: numbers first in numeric order, then words in alphabetical order. */
    static final Comparator<String> ID_ORDER = Comparator
            .comparing((String s) -> !NUMBER.matcher(s).matches())
            .thenComparing(s -> NUMBER.matcher(s).matches() ? Integer.parseInt(s) : 0)
            .thenComparing(Comparator.naturalOrder());
}
