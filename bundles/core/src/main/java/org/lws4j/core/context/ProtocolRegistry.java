package org.lws4j.core.context;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.lws4j.api.Protocol;

/**
 * The protocol services known now, by name, best first: highest service ranking, then lowest
 * service id (the OSGi rule). Thread-safe.
 */
final class ProtocolRegistry {
    record Entry(String name, Protocol protocol, int ranking, long serviceId) {
    }

    private final Map<String, List<Entry>> byName = new HashMap<>();

    synchronized void add(Entry e) {
        List<Entry> l = byName.computeIfAbsent(e.name(), k -> new ArrayList<>());
        l.add(e);
        l.sort((a, b) -> a.ranking() != b.ranking() ? Integer.compare(b.ranking(), a.ranking())
                : Long.compare(a.serviceId(), b.serviceId()));
    }

    synchronized boolean remove(String name, Protocol p) {
        List<Entry> l = byName.get(name);
        if (l == null) {
            return false;
        }
        boolean removed = l.removeIf(e -> e.protocol() == p);
        if (l.isEmpty()) {
            byName.remove(name);
        }
        return removed;
    }

    /** The best service for {@code name}, or null. */
    synchronized Protocol best(String name) {
        List<Entry> l = byName.get(name);
        return l == null || l.isEmpty() ? null : l.get(0).protocol();
    }

    /** The name {@code p} is registered under, or null. */
    synchronized String nameOf(Protocol p) {
        for (List<Entry> l : byName.values()) {
            for (Entry e : l) {
                if (e.protocol() == p) {
                    return e.name();
                }
            }
        }
        return null;
    }
}
