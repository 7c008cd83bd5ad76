package org.lws4j.vfs.zip;

import java.util.Map;

/**
 * The files of one zip, by name, as read from its central directory, and the container's
 * {@link Stamp} when it was read: the index stands for the zip as long as the stamp matches.
 * Immutable.
 */
final class ZipIndex {
    /** What identifies a version of the container: its length, modification time and validator. */
    record Stamp(long length, long modified, String etag) {
    }

    private final Stamp stamp;
    private final Map<String, IndexedEntry> entries;
    private final long dataLimit;

    /**
     * @param dataLimit where the central directory starts: every entry's data ends before it
     */
    ZipIndex(Stamp stamp, Map<String, IndexedEntry> entries, long dataLimit) {
        this.stamp = stamp;
        this.entries = Map.copyOf(entries);
        this.dataLimit = dataLimit;
    }

    Stamp stamp() {
        return stamp;
    }

    /** The entry called {@code name} (no leading slash), or null. */
    IndexedEntry entry(String name) {
        return entries.get(name);
    }

    int size() {
        return entries.size();
    }

    /** The names of the entries, in no order. */
    java.util.Set<String> names() {
        return entries.keySet();
    }

    long dataLimit() {
        return dataLimit;
    }
}
