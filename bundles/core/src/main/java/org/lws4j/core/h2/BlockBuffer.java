package org.lws4j.core.h2;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable run of octets: an HPACK block being encoded, or the fragments of one being
 * gathered from HEADERS and CONTINUATION frames. It grows up to a hard limit given at
 * construction, so a peer cannot make it grow without bound.
 *
 * <p>Owned by one connection and used on its service thread only. {@link #view()} lends the
 * content without copying, valid until the next change.
 */
public final class BlockBuffer {
    private final int limit;
    private byte[] bytes;
    private int length;

    /** A buffer of {@code initial} octets that may grow to {@code limit}. */
    public BlockBuffer(int initial, int limit) {
        this.limit = limit;
        this.bytes = new byte[Math.min(initial, limit)];
    }

    public int length() {
        return length;
    }

    public int limit() {
        return limit;
    }

    public void clear() {
        length = 0;
    }

    /** Whether {@code n} more octets would stay within the limit. */
    public boolean fits(int n) {
        return n <= limit - length;
    }

    public void put(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    public void put(byte[] src, int offset, int n) {
        ensure(n);
        System.arraycopy(src, offset, bytes, length, n);
        length += n;
    }

    /** Appends what {@code src} has left, consuming it. */
    public void put(ByteBuffer src) {
        int n = src.remaining();
        ensure(n);
        src.get(bytes, length, n);
        length += n;
    }

    /** The octet at {@code index}, for tests and the frame writer. */
    public int get(int index) {
        return bytes[index] & 0xff;
    }

    /** The content as a read-only-by-convention buffer over the backing array. */
    public ByteBuffer view() {
        return ByteBuffer.wrap(bytes, 0, length);
    }

    public byte[] toArray() {
        return Arrays.copyOf(bytes, length);
    }

    /** The backing array; octets [0, length) are the content. */
    byte[] array() {
        return bytes;
    }

    private void ensure(int n) {
        if (!fits(n)) {
            throw new IllegalStateException("block longer than " + limit + " octets");
        }
        if (length + n > bytes.length) {
            int grown = (int) Math.min(limit, Math.max((long) bytes.length * 2, (long) length + n));
            bytes = Arrays.copyOf(bytes, grown);
        }
    }
}
