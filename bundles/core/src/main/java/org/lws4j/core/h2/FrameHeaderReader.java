package org.lws4j.core.h2;

import java.nio.ByteBuffer;

/**
 * Reads a 9-octet frame header (RFC 9113 section 4.1) across as many reads as it takes: the
 * octets seen so far are kept here until the header is whole.
 *
 * <p>One per connection, on its service thread. Consumes from the caller's buffer only the
 * octets of the header; keeps no reference to it.
 */
public final class FrameHeaderReader {
    private final byte[] octets = new byte[FrameHeader.SIZE];
    private int have;

    /** Takes header octets from {@code in}; returns the header once all 9 are in, else null. */
    public FrameHeader read(ByteBuffer in) {
        int n = Math.min(FrameHeader.SIZE - have, in.remaining());
        in.get(octets, have, n);
        have += n;
        if (have < FrameHeader.SIZE) {
            return null;
        }
        have = 0;
        return decode(octets);
    }

    /** Whether part of a header is held: the stream cannot end cleanly here. */
    public boolean isPartial() {
        return have > 0;
    }

    static FrameHeader decode(byte[] b) {
        int length = (b[0] & 0xff) << 16 | (b[1] & 0xff) << 8 | b[2] & 0xff;
        int streamId = ((b[5] & 0x7f) << 24 | (b[6] & 0xff) << 16 | (b[7] & 0xff) << 8 | b[8] & 0xff);
        return new FrameHeader(length, b[3] & 0xff, b[4] & 0xff, streamId);
    }
}
