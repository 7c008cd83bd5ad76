package org.lws4j.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Series by vhost and protocol, made once and then found without allocating: two levels of
 * {@link ConcurrentHashMap} keyed by the strings the core passes (their hash is cached). Bounded:
 * past {@code max} vhosts, or protocols of one vhost, new names count under {@value #OTHER}.
 * Thread-safe; two threads that make the same series at once get equal ones (the client's data
 * points are keyed by label values), and one is kept.
 */
final class LabelTable<T> {
    static final String NONE = "";
    static final String OTHER = "other";

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, T>> byVhost = new ConcurrentHashMap<>();
    private final int max;
    private final BiFunction<String, String, T> make;

    LabelTable(int max, BiFunction<String, String, T> make) {
        this.max = Math.max(1, max);
        this.make = make;
    }

    T get(String vhost, String protocol) {
        String v = vhost == null ? NONE : vhost;
        String p = protocol == null ? NONE : protocol;
        ConcurrentHashMap<String, T> protocols = byVhost.get(v);
        if (protocols == null) {
            protocols = byVhost.computeIfAbsent(byVhost.size() < max ? v : OTHER, k -> new ConcurrentHashMap<>());
        }
        T t = protocols.get(p);
        if (t == null) {
            String key = protocols.size() < max ? p : OTHER;
            String vk = byVhost.containsKey(v) ? v : OTHER;
            t = protocols.computeIfAbsent(key, k -> make.apply(vk, k));
        }
        return t;
    }
}
