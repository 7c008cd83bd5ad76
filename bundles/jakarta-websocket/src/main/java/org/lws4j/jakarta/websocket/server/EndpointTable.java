package org.lws4j.jakarta.websocket.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoints deployed now, by path shape (templates that claim the same paths, whatever their
 * variables are called). Within a shape the highest ranking wins (then the lowest order: the OSGi
 * rule), per vhost; the others wait, reported as shadowed, and take over when it goes. Changes
 * (any thread, serialised here) publish a new snapshot; the handshake reads the snapshot without
 * a lock, on any service thread.
 */
public final class EndpointTable {
    /** A registration that matched a path, with the path's variables. */
    public record Match(Registration registration, Map<String, String> pathParameters) {
    }

    private static final Comparator<Registration> RANK = Comparator.comparingInt(Registration::ranking).reversed()
            .thenComparingLong(Registration::order);

    private final Map<String, List<Registration>> byShape = new HashMap<>();
    /** Each shape's registrations, best first; shapes in the spec's precedence order. */
    private volatile List<List<Registration>> snapshot = List.of();

    /** Adds {@code r}; returns the registration it shadows, or the one that shadows it, or null. */
    public synchronized Registration add(Registration r) {
        List<Registration> l = byShape.computeIfAbsent(r.template().shape(), k -> new ArrayList<>());
        l.add(r);
        l.sort(RANK);
        publish();
        return rival(r, l);
    }

    /** Removes {@code r}; returns the registration that takes its place, or null. */
    public synchronized Registration remove(Registration r) {
        List<Registration> l = byShape.get(r.template().shape());
        if (l == null || !l.remove(r)) {
            return null;
        }
        if (l.isEmpty()) {
            byShape.remove(r.template().shape());
        }
        publish();
        for (Registration o : l) {
            if (o.overlaps(r) && winner(o, l)) {
                return o;
            }
        }
        return null;
    }

    /** The registration that {@code r} competes with: the winner over it, or the one it now beats. */
    private static Registration rival(Registration r, List<Registration> l) {
        for (Registration o : l) {
            if (o != r && o.overlaps(r)) {
                return o;
            }
        }
        return null;
    }

    /** True when no better registration of the list overlaps {@code r}. */
    static boolean winner(Registration r, List<Registration> l) {
        for (Registration o : l) {
            if (o == r) {
                return true;
            }
            if (o.overlaps(r)) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code r} serves (is not shadowed on every vhost it names). */
    public synchronized boolean isWinner(Registration r) {
        List<Registration> l = byShape.get(r.template().shape());
        return l != null && winner(r, l);
    }

    private void publish() {
        List<List<Registration>> groups = new ArrayList<>();
        for (List<Registration> l : byShape.values()) {
            groups.add(List.copyOf(l));
        }
        groups.sort((a, b) -> a.get(0).template().compareTo(b.get(0).template()));
        snapshot = List.copyOf(groups);
    }

    /** The endpoint for {@code path} on {@code vhost}, or null. Any thread, no lock. */
    public Match match(String path, String vhost) {
        for (List<Registration> group : snapshot) {
            Map<String, String> params = group.get(0).template().match(path);
            if (params == null) {
                continue;
            }
            for (Registration r : group) {
                if (r.serves(vhost)) {
                    // same shape, but each names its variables its own way
                    return new Match(r, r == group.get(0) ? params : r.template().match(path));
                }
            }
        }
        return null;
    }

    /** Every registration, best first within its shape. */
    public synchronized List<Registration> all() {
        List<Registration> l = new ArrayList<>();
        for (List<Registration> g : snapshot) {
            l.addAll(g);
        }
        return l;
    }
}
