package org.lws4j.core.h2;

import java.nio.ByteBuffer;

/**
 * Gathers a field block split over HEADERS and CONTINUATION frames (RFC 9113 section 4.3):
 * while one is open, the only frame allowed is a CONTINUATION on the same stream; the block may
 * not grow past its limit (a CONTINUATION flood: ENHANCE_YOUR_CALM, a connection error, since
 * the HPACK state cannot be kept without decoding what was refused).
 *
 * <p>Service thread only; fragments are copied in, the block is lent out until {@link #reset}.
 */
final class HeaderBlockAssembler {
    private final BlockBuffer block;
    private int streamId;
    private boolean endStream;
    private int dependency;

    HeaderBlockAssembler(int limit) {
        this.block = new BlockBuffer(Math.min(limit, 4096), limit);
    }

    boolean isOpen() {
        return streamId != 0;
    }

    int streamId() {
        return streamId;
    }

    boolean endStream() {
        return endStream;
    }

    int dependency() {
        return dependency;
    }

    /** Checks that {@code f} may come now: anything when no block is open, else its CONTINUATION. */
    void check(Frame f) throws H2Exception {
        if (isOpen() && !(f instanceof Frame.Continuation && f.streamId() == streamId)) {
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "frame on stream " + f.streamId() + " inside the field block of stream " + streamId);
        }
        if (!isOpen() && f instanceof Frame.Continuation) {
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "CONTINUATION without HEADERS");
        }
    }

    /** Opens a block with a HEADERS frame lacking END_HEADERS. */
    void start(Frame.Headers h) throws H2Exception {
        streamId = h.streamId();
        endStream = h.endStream();
        dependency = h.dependency();
        block.clear();
        append(h.fragment());
    }

    /** Adds a fragment. */
    void append(ByteBuffer fragment) throws H2Exception {
        if (!block.fits(fragment.remaining())) {
            throw H2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM,
                    "field block longer than " + block.limit() + " octets");
        }
        block.put(fragment);
    }

    /** The whole block, lent until {@link #reset}. */
    ByteBuffer block() {
        return block.view();
    }

    void reset() {
        streamId = 0;
        block.clear();
    }
}
