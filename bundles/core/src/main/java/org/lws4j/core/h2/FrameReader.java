package org.lws4j.core.h2;

import java.nio.ByteBuffer;

/**
 * Cuts the bytes of a connection into frames and parses them: header ({@link FrameHeaderReader}),
 * a check of the length against the SETTINGS_MAX_FRAME_SIZE this side announced (FRAME_SIZE_ERROR,
 * a connection error: section 4.2), the payload, then {@link FrameParser}.
 *
 * <p>Buffers: when the whole payload is in the caller's buffer the frame's slices point into it
 * (no copy); when it spans reads it is gathered in this reader's own buffer of at most the
 * maximum frame size, and the frame points there. Either way a frame is valid until the next
 * call. One per connection, on its service thread.
 */
public final class FrameReader {
    private final FrameHeaderReader headers = new FrameHeaderReader();
    private int maxFrameSize;
    private FrameHeader pending;
    private ByteBuffer gathered;

    public FrameReader(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    /** The largest payload accepted: the SETTINGS_MAX_FRAME_SIZE this side announced. */
    public void setMaxFrameSize(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * Reads the next frame from {@code in}, consuming its octets; null when {@code in} ran out
     * first (what it had is kept for the next call).
     */
    public Frame next(ByteBuffer in) throws H2Exception {
        if (pending == null) {
            FrameHeader h = headers.read(in);
            if (h == null) {
                return null;
            }
            if (h.length() > maxFrameSize) {
                throw H2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                        "frame of " + h.length() + " octets, more than " + maxFrameSize);
            }
            pending = h;
            if (gathered != null) {
                gathered.clear();
            }
        }
        int length = pending.length();
        ByteBuffer payload;
        if ((gathered == null || gathered.position() == 0) && in.remaining() >= length) {
            payload = in.slice(in.position(), length);
            in.position(in.position() + length);
        } else {
            if (gathered == null || gathered.capacity() < length) {
                gathered = ByteBuffer.allocate(Math.max(length, 1024));
            }
            int n = Math.min(length - gathered.position(), in.remaining());
            gathered.put(gathered.position(), in, in.position(), n);
            gathered.position(gathered.position() + n);
            in.position(in.position() + n);
            if (gathered.position() < length) {
                return null;
            }
            payload = gathered.slice(0, length);
            gathered.clear();
        }
        FrameHeader h = pending;
        pending = null;
        return FrameParser.parse(h, payload);
    }

    /** Whether a frame is partly read: the connection cannot end cleanly here. */
    public boolean isPartial() {
        return pending != null || headers.isPartial();
    }
}
