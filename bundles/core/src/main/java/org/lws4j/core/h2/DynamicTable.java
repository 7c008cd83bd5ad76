package org.lws4j.core.h2;

/**
 * HPACK's dynamic table (RFC 7541 sections 2.3.2, 4): newest entry first, a size that counts
 * each entry as name plus value plus 32 octets, and eviction of the oldest entries whenever an
 * addition or a smaller maximum would exceed it. An entry larger than the maximum empties the
 * table and is not added (section 4.4).
 *
 * <p>One per direction of a connection (the decoder's mirrors the peer's encoder, the
 * encoder's is mirrored by the peer), used on the connection's service thread only.
 */
public final class DynamicTable {
    private HeaderField[] ring = new HeaderField[16];
    /** Slot of the newest entry. */
    private int head;
    private int count;
    private int size;
    private int maxSize;

    public DynamicTable(int maxSize) {
        this.maxSize = maxSize;
    }

    /** Entries held. */
    public int length() {
        return count;
    }

    /** Octets held, as RFC 7541 4.1 counts them. */
    public int size() {
        return size;
    }

    public int maxSize() {
        return maxSize;
    }

    /** The entry at {@code index}, 1 (newest) to {@link #length()}. */
    public HeaderField get(int index) {
        if (index < 1 || index > count) {
            throw new IndexOutOfBoundsException(index);
        }
        return ring[(head + index - 1) & (ring.length - 1)];
    }

    /** Sets the maximum size, evicting the oldest entries until the table fits. */
    public void setMaxSize(int newMax) {
        maxSize = newMax;
        evictTo(newMax);
    }

    /** Empties the table, as adding an entry larger than the maximum does. */
    public void clear() {
        evictTo(0);
    }

    /** Adds {@code field} as the newest entry, evicting as needed. */
    public void add(HeaderField field) {
        int need = field.size();
        if (need > maxSize) {
            evictTo(0);
            return;
        }
        evictTo(maxSize - need);
        if (count == ring.length) {
            grow();
        }
        head = (head - 1) & (ring.length - 1);
        ring[head] = field;
        count++;
        size += need;
    }

    /** The index of exactly {@code field}, or 0; newest first. */
    public int indexOf(HeaderField field) {
        for (int i = 1; i <= count; i++) {
            if (get(i).equals(field)) {
                return i;
            }
        }
        return 0;
    }

    /** The index of the newest entry named {@code name}, or 0. */
    public int indexOfName(String name) {
        for (int i = 1; i <= count; i++) {
            if (get(i).name().equals(name)) {
                return i;
            }
        }
        return 0;
    }

    private void evictTo(int target) {
        while (size > target) {
            int oldest = (head + count - 1) & (ring.length - 1);
            size -= ring[oldest].size();
            ring[oldest] = null;
            count--;
        }
    }

    private void grow() {
        HeaderField[] bigger = new HeaderField[ring.length * 2];
        for (int i = 0; i < count; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        head = 0;
    }
}
