package org.lws4j.core.config;

import static org.lws4j.core.config.EntryReader.key;
import static org.lws4j.core.config.EntryReader.present;
import static org.lws4j.core.config.EntryReader.show;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads one entry of a vhost's "mounts" (lws's {@code lws_http_mount}). Without a usable
 * "mountpoint" and "origin" the mount is skipped. A bad optional value is reported and left out
 * of the options, so the mount still serves, with that option's default; lwsws keys this does not
 * know ("auth-mask", "interpret", ...) are kept in the options if scalar and otherwise ignored.
 */
final class MountReader {
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");
    /** An absolute path on Windows, for file origins such as file://C:/srv/www. */
    private static final Pattern WINDOWS_ABSOLUTE = Pattern.compile("[A-Za-z]:[/\\\\].*");
    private static final List<String> INT_KEYS = List.of("cache-max-age", "cgi-timeout");
    private static final List<String> FLAG_KEYS = List.of("cache-reuse", "cache-revalidate", "cache-intermediaries");
    private static final String SKIPPED = "; mount skipped";

    private MountReader() {
    }

    static Optional<MountConfig> read(JsonNode n, String key, EntryReader r) {
        if (!n.isObject()) {
            r.problem(key, show(n) + " is not an object (expected {\"mountpoint\": ..., \"origin\": ...})" + SKIPPED);
            return Optional.empty();
        }
        String mountpoint = mountpoint(n.get("mountpoint"), key(key, "mountpoint"), r);
        String origin = origin(n.get("origin"), key(key, "origin"), r);
        if (mountpoint == null || origin == null) {
            return Optional.empty();
        }
        String defaultDocument = null;
        if (present(n.get("default"))) {
            defaultDocument = r.string(n.get("default"), key(key, "default")).filter(s -> !s.isBlank()).orElse(null);
        }
        Map<String, String> options = EntryReader.scalars(n);
        for (String k : INT_KEYS) {
            if (present(n.get(k))) {
                OptionalLong v = r.integer(n.get(k), key(key, k), 0, Integer.MAX_VALUE);
                if (v.isPresent()) {
                    options.replace(k, Long.toString(v.getAsLong()));
                } else {
                    options.remove(k);
                }
            }
        }
        for (String k : FLAG_KEYS) {
            if (present(n.get(k))) {
                Optional<String> v = r.flag(n.get(k), key(key, k));
                if (v.isPresent()) {
                    options.replace(k, v.get());
                } else {
                    options.remove(k);
                }
            }
        }
        return Optional.of(new MountConfig(mountpoint, origin, defaultDocument, freeze(options),
                mimeTypes(n.get("extra-mimetypes"), key(key, "extra-mimetypes"), r),
                pairs(n.get("cgi-env"), key(key, "cgi-env"), r),
                pairs(n.get("pmo"), key(key, "pmo"), r)));
    }

    private static String mountpoint(JsonNode n, String key, EntryReader r) {
        if (!present(n)) {
            r.problem(key, "missing (expected a URL path starting with '/')" + SKIPPED);
            return null;
        }
        if (!EntryReader.isScalar(n)) {
            r.problem(key, show(n) + " is not a string" + SKIPPED);
            return null;
        }
        String s = EntryReader.text(n);
        String bad = null;
        if (!s.startsWith("/")) {
            bad = "does not start with '/'";
        } else if (s.chars().anyMatch(Character::isWhitespace)) {
            bad = "contains whitespace";
        } else if (List.of(s.split("/")).contains("..")) {
            bad = "contains \"..\"";
        }
        if (bad != null) {
            r.problem(key, show(n) + " " + bad + " (expected a URL path such as /app)" + SKIPPED);
            return null;
        }
        return s;
    }

    private static String origin(JsonNode n, String key, EntryReader r) {
        String expected = " (expected scheme://..., e.g. file:///srv/www or callback://protocol-name)";
        if (!present(n)) {
            r.problem(key, "missing" + expected + SKIPPED);
            return null;
        }
        if (!EntryReader.isScalar(n)) {
            r.problem(key, show(n) + " is not a string" + SKIPPED);
            return null;
        }
        String s = EntryReader.text(n);
        int i = s.indexOf("://");
        String bad = null;
        if (i < 0) {
            bad = "is not an origin" + expected;
        } else if (!SCHEME.matcher(s.substring(0, i)).matches()) {
            bad = "has an invalid scheme \"" + s.substring(0, i) + "\" (expected lowercase letters, digits, '+', '-', '.')";
        } else {
            String scheme = s.substring(0, i);
            String rest = s.substring(i + 3);
            if (scheme.equals("file") && !r.bundle() && !rest.startsWith("/") && !WINDOWS_ABSOLUTE.matcher(rest).matches()) {
                bad = "is not an absolute path (expected file:///dir)";
            } else if (scheme.equals("callback") && (rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest).isBlank()) {
                bad = "names no protocol (expected callback://protocol-name)";
            } else if ((scheme.equals("http") || scheme.equals("https")) && rest.isBlank()) {
                bad = "names no redirect target (expected " + scheme + "://host/path)";
            }
        }
        if (bad != null) {
            r.problem(key, show(n) + " " + bad + SKIPPED);
            return null;
        }
        return s;
    }

    /** Suffix to type; lwsws writes ".zip", and a bare "zip" can only mean the same. */
    private static Map<String, String> mimeTypes(JsonNode n, String key, EntryReader r) {
        Map<String, String> out = new LinkedHashMap<>();
        if (present(n)) {
            r.pairs(n, key).forEach((suffix, type) -> out.put(suffix.startsWith(".") ? suffix : "." + suffix, type));
        }
        return freeze(out);
    }

    private static Map<String, String> pairs(JsonNode n, String key, EntryReader r) {
        return present(n) ? freeze(r.pairs(n, key)) : Map.of();
    }

    static Map<String, String> freeze(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
