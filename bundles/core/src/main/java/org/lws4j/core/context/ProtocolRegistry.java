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

    /** Services of some kind by name, best first (ranking, then service id). Thread-safe. */
    static final class Ranked<T> {
        private record E<T>(T service, int ranking, long serviceId) {
        }

        private final Map<String, List<E<T>>> byName = new HashMap<>();

        synchronized void add(String name, T service, int ranking, long serviceId) {
            List<E<T>> l = byName.computeIfAbsent(name, k -> new ArrayList<>());
            l.add(new E<>(service, ranking, serviceId));
            l.sort((a, b) -> a.ranking() != b.ranking() ? Integer.compare(b.ranking(), a.ranking())
                    : Long.compare(a.serviceId(), b.serviceId()));
        }

        synchronized boolean remove(String name, T service) {
            List<E<T>> l = byName.get(name);
            boolean removed = l != null && l.removeIf(e -> e.service() == service);
            if (l != null && l.isEmpty()) {
                byName.remove(name);
            }
            return removed;
        }

        synchronized T best(String name) {
            List<E<T>> l = byName.get(name);
            return l == null || l.isEmpty() ? null : l.get(0).service();
        }
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
