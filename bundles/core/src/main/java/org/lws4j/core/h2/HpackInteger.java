package org.lws4j.core.h2;

import java.nio.ByteBuffer;

/**
 * HPACK's prefix integers (RFC 7541 section 5.1): the low {@code prefixBits} of the first octet,
 * then 7-bit groups least significant first while the top bit is set. Values are capped at
 * 2^31 - 1, more than any field of HPACK or HTTP/2 can use; anything larger, or a run of
 * continuation octets longer than such a value needs, is a COMPRESSION_ERROR rather than a
 * long loop. Stateless; any thread.
 */
public final class HpackInteger {
    private HpackInteger() {
    }

    /**
     * Writes {@code value} with a {@code prefixBits}-bit prefix; {@code flags} holds the bits of
     * the first octet above the prefix.
     */
    public static void encode(BlockBuffer out, int flags, int prefixBits, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.put(flags | value);
            return;
        }
        out.put(flags | max);
        int rest = value - max;
        while (rest >= 0x80) {
            out.put((rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        out.put(rest);
    }

    /** The octets {@link #encode} writes for {@code value}. */
    public static int length(int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            return 1;
        }
        int n = 2;
        for (int rest = value - max; rest >= 0x80; rest >>>= 7) {
            n++;
        }
        return n;
    }

    /**
     * Reads an integer whose first octet is at {@code in}'s position, ignoring the bits above the
     * prefix; advances past it.
     *
     * @throws H2Exception COMPRESSION_ERROR when the input ends inside it or it exceeds 2^31 - 1
     */
    public static int decode(ByteBuffer in, int prefixBits) throws H2Exception {
        if (!in.hasRemaining()) {
            throw truncated();
        }
        int max = (1 << prefixBits) - 1;
        int value = in.get() & max;
        if (value < max) {
            return value;
        }
        long sum = value;
        for (int shift = 0; ; shift += 7) {
            if (!in.hasRemaining()) {
                throw truncated();
            }
            int b = in.get() & 0xff;
            // 2^31 needs at most five groups after the prefix; a sixth can only overflow or pad.
            if (shift > 28) {
                throw overflow();
            }
            sum += (long) (b & 0x7f) << shift;
            if (sum > Integer.MAX_VALUE) {
                throw overflow();
            }
            if ((b & 0x80) == 0) {
                return (int) sum;
            }
        }
    }

    private static H2Exception truncated() {
        return H2Exception.connection(ErrorCode.COMPRESSION_ERROR, "integer cut short");
    }

    private static H2Exception overflow() {
        return H2Exception.connection(ErrorCode.COMPRESSION_ERROR, "integer above 2^31-1");
    }
}
