package org.lws4j.vfs.zip;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The zip indexes in use, by container path, least recently used first out: at most
 * {@code maxZips} of them holding at most {@code maxEntries} entries together (the index just
 * added always stays). An index is handed out only while the container's stamp still matches.
 * Thread-safe; indexes are built outside the lock, so two threads may build the same one at
 * once, and the later simply replaces the earlier.
 */
final class IndexCache {
    private final int maxZips;
    private final long maxEntries;
    private final LinkedHashMap<String, ZipIndex> indexes = new LinkedHashMap<>(16, 0.75f, true);
    private long entries;

    IndexCache(int maxZips, long maxEntries) {
        this.maxZips = Math.max(1, maxZips);
        this.maxEntries = Math.max(1, maxEntries);
    }

    /** The index of {@code container} if it was read from the same version of it; else null. */
    synchronized ZipIndex get(String container, ZipIndex.Stamp stamp) {
        ZipIndex i = indexes.get(container);
        if (i == null) {
            return null;
        }
        if (!i.stamp().equals(stamp)) {
            remove(container);
            return null;
        }
        return i;
    }

    synchronized void put(String container, ZipIndex index) {
        remove(container);
        indexes.put(container, index);
        entries += index.size();
        Iterator<Map.Entry<String, ZipIndex>> it = indexes.entrySet().iterator();
        while ((indexes.size() > maxZips || entries > maxEntries) && it.hasNext()) {
            Map.Entry<String, ZipIndex> eldest = it.next();
            if (eldest.getValue() == index) {
                break;
            }
            entries -= eldest.getValue().size();
            it.remove();
        }
    }

    synchronized void remove(String container) {
        ZipIndex old = indexes.remove(container);
        if (old != null) {
            entries -= old.size();
        }
    }

    synchronized void clear() {
        indexes.clear();
        entries = 0;
    }

    synchronized int zips() {
        return indexes.size();
    }

    synchronized long entries() {
        return entries;
    }
}
