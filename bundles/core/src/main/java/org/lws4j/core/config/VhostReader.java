package org.lws4j.core.config;

import static org.lws4j.core.config.EntryReader.key;
import static org.lws4j.core.config.EntryReader.present;
import static org.lws4j.core.config.EntryReader.show;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a source's "vhosts" array. A vhost without a usable "name" and "port", or with the name
 * and port of an earlier one, is skipped; within a usable vhost each bad mount, protocol or header
 * is left out alone and a bad "keepalive_timeout" falls back to its default of 5 seconds.
 */
final class VhostReader {
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final String VHOST_SKIPPED = "; vhost skipped";

    private VhostReader() {
    }

    /** Adds the usable entries of {@code vs} to {@code vhosts}, which holds those of earlier sources. */
    static void readAll(JsonNode vs, EntryReader r, List<VhostConfig> vhosts) {
        if (!present(vs)) {
            return;
        }
        if (!vs.isArray()) {
            r.problem("vhosts", show(vs) + " is not an array (expected [{\"name\": ..., \"port\": ...}])");
            return;
        }
        for (int i = 0; i < vs.size(); i++) {
            readVhost(vs.get(i), "vhosts[" + i + "]", r, vhosts).ifPresent(vhosts::add);
        }
    }

    private static Optional<VhostConfig> readVhost(JsonNode v, String key, EntryReader r, List<VhostConfig> earlier) {
        if (!v.isObject()) {
            r.problem(key, show(v) + " is not an object (expected {\"name\": ..., \"port\": ...})" + VHOST_SKIPPED);
            return Optional.empty();
        }
        String name = vhostName(v.get("name"), key(key, "name"), r);
        OptionalLong port = OptionalLong.empty();
        if (!present(v.get("port"))) {
            r.problem(key(key, "port"), "missing (expected 0..65535, 0 for no listener)" + VHOST_SKIPPED);
        } else {
            port = r.integer(v.get("port"), key(key, "port"), 0, 65535, false, "a port number", VHOST_SKIPPED);
        }
        if (name == null || port.isEmpty()) {
            return Optional.empty();
        }
        int portNumber = (int) port.getAsLong();
        for (VhostConfig e : earlier) {
            if (e.name().equalsIgnoreCase(name) && e.port() == portNumber) {
                r.problem(key(key, "name"), "\"" + name + "\" port " + portNumber + " is already defined in "
                        + e.source() + VHOST_SKIPPED);
                return Optional.empty();
            }
        }
        Map<String, String> options = EntryReader.scalars(v);
        String iface = null;
        if (present(v.get("interface"))) {
            // trimmed first: a control character is not blank, but trim() leaves nothing of it
            iface = r.string(v.get("interface"), key(key, "interface")).map(String::trim).filter(s -> !s.isBlank())
                    .orElse(null);
        }
        int keepalive = 5;
        if (present(v.get("keepalive_timeout"))) {
            OptionalLong ka = r.integer(v.get("keepalive_timeout"), key(key, "keepalive_timeout"), 0, Integer.MAX_VALUE);
            if (ka.isPresent()) {
                keepalive = (int) ka.getAsLong();
                options.replace("keepalive_timeout", Long.toString(keepalive));
            } else {
                options.remove("keepalive_timeout");
            }
        }
        return Optional.of(new VhostConfig(r.source(), name, portNumber, iface, keepalive,
                mounts(v.get("mounts"), key(key, "mounts"), r),
                protocols(v.get("ws-protocols"), key(key, "ws-protocols"), r),
                headers(v.get("headers"), key(key, "headers"), r),
                MountReader.freeze(options)));
    }

    private static String vhostName(JsonNode n, String key, EntryReader r) {
        if (!present(n)) {
            r.problem(key, "missing (expected the host name the vhost answers to)" + VHOST_SKIPPED);
            return null;
        }
        if (!EntryReader.isScalar(n)) {
            r.problem(key, show(n) + " is not a string" + VHOST_SKIPPED);
            return null;
        }
        String s = EntryReader.text(n);
        if (s.isEmpty() || s.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '\\')) {
            r.problem(key, show(n) + " is not a host name (expected no spaces or slashes, e.g. localhost)"
                    + VHOST_SKIPPED);
            return null;
        }
        return s;
    }

    private static List<MountConfig> mounts(JsonNode n, String key, EntryReader r) {
        if (!present(n)) {
            return List.of();
        }
        List<MountConfig> out = new ArrayList<>();
        if (n.isObject()) {
            MountReader.read(n, key, r).ifPresent(out::add);
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                String k = key + "[" + i + "]";
                MountReader.read(n.get(i), k, r).ifPresent(m -> {
                    // Two mounts on one mountpoint leave it to chance which one serves.
                    if (out.stream().anyMatch(o -> o.mountpoint().equals(m.mountpoint()))) {
                        r.problem(key(k, "mountpoint"), "\"" + m.mountpoint() + "\" is already mounted by an"
                                + " earlier entry; mount skipped");
                    } else {
                        out.add(m);
                    }
                });
            }
        } else {
            r.problem(key, show(n) + " is not an array (expected [{\"mountpoint\": ..., \"origin\": ...}])");
        }
        return List.copyOf(out);
    }

    /** lwsws form: [{"protocol-name": {"pvo-key": "value"}}], or the one object alone. */
    private static Map<String, Map<String, String>> protocols(JsonNode n, String key, EntryReader r) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (!present(n)) {
            return Map.of();
        }
        if (n.isObject()) {
            addProtocols(n, key, r, out);
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                String k = key + "[" + i + "]";
                if (n.get(i).isObject()) {
                    addProtocols(n.get(i), k, r, out);
                } else {
                    r.problem(k, show(n.get(i)) + " is not an object (expected {\"protocol-name\": {...}})");
                }
            }
        } else {
            r.problem(key, show(n) + " is not an array (expected [{\"protocol-name\": {\"pvo\": \"value\"}}])");
        }
        Map<String, Map<String, String>> frozen = new LinkedHashMap<>();
        out.forEach((name, pvo) -> frozen.put(name, MountReader.freeze(pvo)));
        return Collections.unmodifiableMap(frozen);
    }

    private static void addProtocols(JsonNode obj, String key, EntryReader r, Map<String, Map<String, String>> out) {
        for (Map.Entry<String, JsonNode> e : obj.properties()) {
            String k = key(key, e.getKey());
            if (e.getKey().isBlank()) {
                r.problem(key, "a protocol has an empty name");
            } else if (e.getValue().isObject()) {
                out.computeIfAbsent(e.getKey(), x -> new LinkedHashMap<>()).putAll(r.pairs(e.getValue(), k));
            } else {
                r.problem(k, show(e.getValue()) + " is not an object (expected the protocol's options,"
                        + " e.g. {\"status\": \"ok\"})");
            }
        }
    }

    /** Each header goes into every response, so a name or value that would break the head is refused. */
    private static Map<String, String> headers(JsonNode n, String key, EntryReader r) {
        if (!present(n)) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        r.pairs(n, key).forEach((name, value) -> {
            if (!HEADER_NAME.matcher(name).matches()) {
                r.problem(key(key, name), "\"" + name + "\" is not a header name (expected e.g. x-frame-options)");
            } else if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                r.problem(key(key, name), "the value contains a line break");
            } else {
                out.put(name, value);
            }
        });
        return MountReader.freeze(out);
    }
}
