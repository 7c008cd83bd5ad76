package org.lws4j.protocol.fraggle;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.lws4j.api.Connection;
import org.lws4j.api.WriteMode;

/**
 * The sending half of {@code fraggle-protocol}, as libwebsockets' test-fraggle sends: a binary
 * message of 1 to {@value #MAX_FRAGMENTS} fragments, each of 1 to {@value #MAX_FRAGMENT} random
 * bytes, then a second binary message of 4 bytes, the sum of every byte of the first (unsigned,
 * modulo 2^32, big-endian); then the next pair.
 *
 * <p>{@link #writeNext} writes exactly one frame, so it belongs in the connection's WRITEABLE
 * callback (server or client side alike), which asks for the next one. Between pairs
 * ({@link #betweenMessages()}) another message may go out without breaking a fragmented one.
 * One connection's thread only.
 */
public final class FraggleSender {
    public static final int MAX_FRAGMENTS = 1024;
    public static final int MAX_FRAGMENT = 512;

    /** A pair that went out: its number (from 1), payload length, fragments and sum. */
    public record Sent(long number, long length, int fragments, long sum) {
    }

    private final SplittableRandom random;
    private final byte[] buf = new byte[MAX_FRAGMENT];
    private int fragmentsLeft;
    private boolean sumDue;
    private int fragments;
    private long length;
    private long sum;
    private long count;
    private Sent last;

    public FraggleSender(SplittableRandom random) {
        this.random = random;
    }

    /** True when no pair is under way: the next {@link #writeNext} starts one. */
    public boolean betweenMessages() {
        return fragmentsLeft == 0 && !sumDue;
    }

    /** Pairs sent whole so far. */
    public long messagesSent() {
        return count;
    }

    /** The last pair sent whole, or null. */
    public Sent lastSent() {
        return last;
    }

    /**
     * Writes the next frame: a fragment of the data message, or its sum.
     *
     * @return false when the connection takes nothing more (return CLOSE)
     */
    public boolean writeNext(Connection wsi) {
        if (sumDue) {
            long s = sum & 0xffffffffL;
            byte[] b = {(byte) (s >>> 24), (byte) (s >>> 16), (byte) (s >>> 8), (byte) s};
            if (!wsi.write(ByteBuffer.wrap(b), WriteMode.BINARY)) {
                return false;
            }
            sumDue = false;
            last = new Sent(++count, length, fragments, s);
            return true;
        }
        WriteMode mode = WriteMode.CONTINUATION;
        if (fragmentsLeft == 0) {
            fragmentsLeft = random.nextInt(MAX_FRAGMENTS) + 1;
            fragments = fragmentsLeft;
            length = 0;
            sum = 0;
            mode = WriteMode.BINARY;
        }
        int n = random.nextInt(MAX_FRAGMENT) + 1;
        random.nextBytes(buf);
        for (int i = 0; i < n; i++) {
            sum += buf[i] & 0xff;
        }
        length += n;
        boolean fin = --fragmentsLeft == 0;
        sumDue = fin;
        return wsi.write(ByteBuffer.wrap(buf, 0, n), mode, fin);
    }
}
