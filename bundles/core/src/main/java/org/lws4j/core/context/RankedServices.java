package org.lws4j.core.context;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Services of one kind known now, by name, best first: highest service ranking, then lowest
 * service id (the OSGi rule). Thread-safe.
 */
final class RankedServices<T> {
    private record Entry<T>(T service, int ranking, long serviceId) {
    }

    private final Map<String, List<Entry<T>>> byName = new HashMap<>();

    synchronized void add(String name, T service, int ranking, long serviceId) {
        List<Entry<T>> l = byName.computeIfAbsent(name, k -> new ArrayList<>());
        l.add(new Entry<>(service, ranking, serviceId));
        l.sort((a, b) -> a.ranking() != b.ranking() ? Integer.compare(b.ranking(), a.ranking())
                : Long.compare(a.serviceId(), b.serviceId()));
    }

    /** Removes {@code service} from {@code name}; false if it was not there. */
    synchronized boolean remove(String name, T service) {
        List<Entry<T>> l = byName.get(name);
        boolean removed = l != null && l.removeIf(e -> e.service() == service);
        if (l != null && l.isEmpty()) {
            byName.remove(name);
        }
        return removed;
    }

    /** The names that have a service now. */
    synchronized List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /** The best service of {@code name}, or null. */
    synchronized T best(String name) {
        List<Entry<T>> l = byName.get(name);
        return l == null || l.isEmpty() ? null : l.get(0).service();
    }
}
