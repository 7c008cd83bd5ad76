package org.lws4j.core.h2;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A parsed frame (RFC 9113 section 6), as {@link FrameParser} makes it from a header and its
 * payload. Padding is removed; field block fragments and DATA are slices of the payload buffer:
 * they are lent, valid only until the buffer they came from is read into again, so a receiver
 * copies what it keeps. Everything else is plain values.
 */
public sealed interface Frame {
    /** The stream the frame belongs to; 0 for the connection. */
    int streamId();

    /**
     * DATA. {@code flowLength} is the whole payload, padding included: what flow control
     * counts (section 6.9).
     */
    record Data(int streamId, ByteBuffer data, boolean endStream, int flowLength) implements Frame {
    }

    /**
     * HEADERS. {@code dependency} is the stream the priority fields name, or -1 without them;
     * priority is otherwise ignored (section 5.3.2), but a stream depending on itself is a
     * stream error the receiver raises after decoding the block, to keep HPACK in step.
     */
    record Headers(int streamId, ByteBuffer fragment, boolean endStream, boolean endHeaders, int dependency)
            implements Frame {
    }

    /** PRIORITY: parsed for its errors, otherwise ignored. */
    record Priority(int streamId) implements Frame {
    }

    /** RST_STREAM; the code as sent, which may be one RFC 9113 does not define. */
    record RstStream(int streamId, long errorCode) implements Frame {
    }

    /** SETTINGS: an acknowledgement, or parameters in the order sent, each already validated. */
    record Settings(boolean ack, List<Setting> values) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** PUSH_PROMISE: only parsed so a server can refuse it (a client never pushes). */
    record PushPromise(int streamId, int promisedStreamId) implements Frame {
    }

    /** PING with its 8 opaque octets. */
    record Ping(boolean ack, long opaque) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** GOAWAY; debug data is lent like a fragment. */
    record GoAway(int lastStreamId, long errorCode, ByteBuffer debugData) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** WINDOW_UPDATE with a non-zero increment. */
    record WindowUpdate(int streamId, int increment) implements Frame {
    }

    /** CONTINUATION. */
    record Continuation(int streamId, ByteBuffer fragment, boolean endHeaders) implements Frame {
    }

    /** A frame of a type this side does not know: ignored (section 4.1, 5.5). */
    record Unknown(int type, int streamId, int length) implements Frame {
    }
}
