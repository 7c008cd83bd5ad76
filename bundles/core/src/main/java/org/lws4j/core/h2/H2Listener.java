package org.lws4j.core.h2;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * What an {@link H2Connection} tells the layer above (the HTTP role: a stream is an exchange).
 * Called on the connection's service thread, from inside {@code receive}, {@code onFrame} and
 * the send and timer methods; a listener may call the connection back (send a response, consume
 * data, reset a stream) from inside a call. Streams the listener never heard of (refused,
 * malformed, answered 431) are not reported at all.
 */
public interface H2Listener {
    /** A new stream's request; {@code endStream} when it has no body. Server side only. */
    void onRequest(int streamId, H2Request request, boolean endStream);

    /**
     * Client side only: the final response head of a stream this side opened (1xx heads are
     * dropped), its regular fields in order; {@code endStream} when it has no body. DATA follows
     * through {@link #onData}, trailers through {@link #onTrailers}.
     */
    default void onResponse(int streamId, int status, List<HeaderField> fields, boolean endStream) {
    }

    /**
     * Request body octets, lent for the call only; report them with
     * {@link H2Connection#consumed} once processed, which reopens the stream's window.
     */
    void onData(int streamId, ByteBuffer data, boolean endStream);

    /** Trailers ending the request body. */
    void onTrailers(int streamId, List<HeaderField> trailers);

    /** A stream ended abnormally: the peer reset it, or this side did on an error or a stall. */
    void onReset(int streamId, ErrorCode code, boolean byPeer);

    /** A stream that could not send everything can send again (its window or the connection's opened). */
    void onWritable(int streamId);

    /**
     * A GOAWAY: from the peer, or sent by this side (a graceful shutdown's final one): streams
     * above {@code lastStreamId} are not served.
     */
    void onGoAway(int lastStreamId, ErrorCode code, boolean byPeer);

    /**
     * The connection is done (an error sent in GOAWAY, or a drained shutdown): every stream is
     * gone; write what was queued, then close the socket.
     */
    void onClosed(ErrorCode code, String reason);
}
