package org.lws4j.core.config;

import static org.lws4j.core.config.EntryReader.present;
import static org.lws4j.core.config.EntryReader.show;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads lwsws-style JSON config: per source an object with an optional {@code "global"} section
 * (context settings, see {@link ContextConfig}) and an optional {@code "vhosts"} array (see
 * {@link VhostConfig}, {@link MountConfig}), so lws users can bring their config files.
 *
 * <p>Sources are applied in order: a later source's global keys override earlier ones, vhosts
 * accumulate. Nothing is thrown for bad input; each entry that cannot be used becomes a
 * {@link ConfigProblem} naming the source and key, and everything else still loads: a JSON syntax
 * error skips its source, a vhost without a usable name or port (or repeating an earlier vhost's
 * name and port) is skipped, a mount without a usable mountpoint or origin is skipped, and any
 * other bad value is left out so its default applies. Unknown keys inside "global" are ignored,
 * since lwsws has many (uid, gid, init-ssl, ...) that mean nothing here.
 *
 * <p>Instances are stateless and may be shared between threads.
 */
public final class ConfigLoader {
    /**
     * Config text and where it came from. A name starting with {@value #BUNDLE_PREFIX} marks a
     * bundle's config, whose {@code file://} origins may be relative to the bundle.
     *
     * @param name shown in problems, e.g. "conf/conf.d/site.json" or "bundle org.lws4j.test-server"
     * @param json the JSON text
     */
    public record Source(String name, String json) {
        public static final String BUNDLE_PREFIX = "bundle ";

        public Source {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(json, "json");
        }

        /** Whether this is a bundle's config rather than a file's. */
        public boolean isBundle() {
            return name.startsWith(BUNDLE_PREFIX);
        }
    }

    private record Range(long min, long max) {
    }

    private static final int INT_MAX = Integer.MAX_VALUE;
    private static final Map<String, Range> GLOBAL_NUMBERS = Map.ofEntries(
            Map.entry("count-threads", new Range(0, 64)),
            Map.entry("timeout-secs", new Range(1, INT_MAX)),
            Map.entry("ka-time", new Range(0, INT_MAX)),
            Map.entry("ka-probes", new Range(0, INT_MAX)),
            Map.entry("ka-interval", new Range(0, INT_MAX)),
            Map.entry("max-http-header-data", new Range(256, 1048576)),
            Map.entry("max-http-header-pool", new Range(1, 100000)),
            Map.entry("max-http-body", new Range(0, Long.MAX_VALUE)),
            Map.entry("log-level", new Range(0, INT_MAX)),
            Map.entry("fd-limit-per-thread", new Range(0, INT_MAX)),
            Map.entry("ws-pingpong-secs", new Range(0, INT_MAX)),
            Map.entry("ws-max-frame-size", new Range(1, Long.MAX_VALUE)),
            Map.entry("ws-max-message-size", new Range(1, Long.MAX_VALUE)),
            Map.entry(ContextConfig.MAX_OUTPUT_BUFFER, new Range(4096, Long.MAX_VALUE)),
            Map.entry(ContextConfig.OUTPUT_BUDGET, new Range(0, Long.MAX_VALUE)),
            Map.entry(ContextConfig.HEADER_BUFFER_IDLE_MS, new Range(0, 3_600_000)),
            Map.entry(ContextConfig.HANDOFF_GRACE_MS, new Range(0, 3_600_000)));
    /** Checked numbers that have no field of their own: kept with the named options. */
    private static final List<String> NUMBER_OPTIONS = List.of(ContextConfig.MAX_OUTPUT_BUFFER, ContextConfig.OUTPUT_BUDGET,
            ContextConfig.HEADER_BUFFER_IDLE_MS, ContextConfig.HANDOFF_GRACE_MS);

    /**
     * Loads every {@code *.json} file directly in {@code confDir}, then every one in
     * {@code confDir/conf.d}, each set in file-name order. A missing directory gives the defaults
     * and no problem; an unreadable file is a problem and the others still load.
     */
    public LoadedConfig loadDirectory(Path confDir) {
        List<Source> sources = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        String prefix = confDir.getFileName() == null ? "" : confDir.getFileName() + "/";
        readFiles(confDir, prefix, sources, problems);
        readFiles(confDir.resolve("conf.d"), prefix + "conf.d/", sources, problems);
        LoadedConfig loaded = load(sources);
        if (problems.isEmpty()) {
            return loaded;
        }
        problems.addAll(loaded.problems());
        return new LoadedConfig(loaded.global(), loaded.vhosts(), problems);
    }

    private static void readFiles(Path dir, String prefix, List<Source> sources, List<ConfigProblem> problems) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            problems.add(new ConfigProblem(prefix.isEmpty() ? dir.toString() : prefix, "", "cannot list: " + e));
            return;
        }
        for (Path f : files) {
            String name = prefix + f.getFileName();
            try {
                sources.add(new Source(name, Files.readString(f)));
            } catch (IOException e) {
                problems.add(new ConfigProblem(name, "", "cannot read (" + e + "); file skipped"));
            }
        }
    }

    /** Loads the sources in order; see the class comment for how they combine. */
    public LoadedConfig load(List<Source> sources) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, Long> numbers = new LinkedHashMap<>();
        Map<String, String> options = new LinkedHashMap<>();
        String[] serverString = {null};
        List<VhostConfig> vhosts = new ArrayList<>();
        for (Source src : sources) {
            EntryReader r = new EntryReader(src.name(), src.isBundle(), problems);
            Optional<JsonNode> root = parse(src, r);
            if (root.isEmpty()) {
                continue;
            }
            for (Map.Entry<String, JsonNode> e : root.get().properties()) {
                switch (e.getKey()) {
                    case "global" -> {
                        readGlobal(e.getValue(), r, numbers, serverString);
                        keepScalars(e.getValue(), options);
                    }
                    case "vhosts" -> VhostReader.readAll(e.getValue(), r, vhosts);
                    default -> r.problem(e.getKey(), "unknown section, ignored (expected \"global\" or \"vhosts\")");
                }
            }
        }
        for (String k : NUMBER_OPTIONS) {
            if (numbers.containsKey(k)) {
                options.put(k, Long.toString(numbers.get(k)));
            }
        }
        return new LoadedConfig(context(numbers, serverString[0]).withOptions(options), vhosts, problems);
    }

    private Optional<JsonNode> parse(Source src, EntryReader r) {
        String json = src.json().startsWith("\uFEFF") ? src.json().substring(1) : src.json();
        JsonNode root;
        try {
            root = JsonTree.read(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            r.problem("", where + jacksonMessage(e) + "; file skipped");
            return Optional.empty();
        } catch (IOException e) {
            r.problem("", e.getMessage() + "; file skipped"); // not from a String: the parser reads no file
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            String what = root == null || root.isMissingNode() ? "no JSON content" : show(root) + " is not an object";
            r.problem("", what + " (expected {\"global\": {...}, \"vhosts\": [...]}); file skipped");
            return Optional.empty();
        }
        return Optional.of(root);
    }

    /** Jackson's message without its "(... [Source: REDACTED ...])" tail, which tells the user nothing. */
    private static String jacksonMessage(JsonProcessingException e) {
        String msg = Objects.requireNonNullElse(e.getOriginalMessage(), e.getClass().getSimpleName());
        msg = msg.lines().findFirst().orElse("");
        int source = msg.indexOf("[Source:");
        if (source >= 0) {
            int open = msg.lastIndexOf(" (", source);
            msg = msg.substring(0, open >= 0 ? open : source).trim();
        }
        return msg;
    }

    /**
     * The scalar global keys that have no field of their own, as strings (later files win), for
     * settings read by name ("syslog", ...).
     */
    private static void keepScalars(JsonNode g, Map<String, String> options) {
        if (g == null || !g.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : g.properties()) {
            if (GLOBAL_NUMBERS.containsKey(e.getKey()) || e.getKey().equals("server-string")) {
                continue;
            }
            if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                options.put(e.getKey(), e.getValue().asText());
            }
        }
    }

    private static void readGlobal(JsonNode g, EntryReader r, Map<String, Long> numbers, String[] serverString) {
        if (!present(g)) {
            return;
        }
        if (!g.isObject()) {
            r.problem("global", show(g) + " is not an object (expected {\"count-threads\": \"1\", ...})");
            return;
        }
        for (Map.Entry<String, JsonNode> e : g.properties()) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            Range range = GLOBAL_NUMBERS.get(k);
            if (!present(v) || (range == null && !k.equals("server-string"))) {
                continue;
            }
            if (range != null) {
                boolean hex = k.equals("log-level");
                r.integer(v, "global." + k, range.min(), range.max(), hex, "an integer", "")
                        .ifPresent(x -> numbers.put(k, x));
            } else {
                r.string(v, "global.server-string").ifPresent(s -> {
                    if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
                        r.problem("global.server-string", show(v) + " contains a line break (it goes into a header)");
                    } else {
                        serverString[0] = s;
                    }
                });
            }
        }
    }

    private static ContextConfig context(Map<String, Long> n, String serverString) {
        ContextConfig d = ContextConfig.defaults();
        return new ContextConfig(
                n.getOrDefault("count-threads", (long) d.countThreads()).intValue(),
                serverString == null ? d.serverString() : serverString,
                n.getOrDefault("timeout-secs", (long) d.timeoutSecs()).intValue(),
                n.getOrDefault("ka-time", (long) d.kaTime()).intValue(),
                n.getOrDefault("ka-probes", (long) d.kaProbes()).intValue(),
                n.getOrDefault("ka-interval", (long) d.kaInterval()).intValue(),
                n.getOrDefault("max-http-header-data", (long) d.maxHttpHeaderData()).intValue(),
                n.getOrDefault("max-http-header-pool", (long) d.maxHttpHeaderPool()).intValue(),
                n.getOrDefault("max-http-body", d.maxHttpBody()),
                n.getOrDefault("log-level", (long) d.logLevel()).intValue(),
                n.getOrDefault("fd-limit-per-thread", (long) d.fdLimitPerThread()).intValue(),
                n.getOrDefault("ws-pingpong-secs", (long) d.wsPingPongSecs()).intValue(),
                n.getOrDefault("ws-max-frame-size", d.wsMaxFrameSize()),
                n.getOrDefault("ws-max-message-size", d.wsMaxMessageSize()));
    }
}
