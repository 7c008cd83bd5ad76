package org.lws4j.core.h2;

/**
 * A violation of RFC 9113 or RFC 7541 found in what the peer sent, with the error code it maps
 * to and its reach (section 5.4): a connection error ends the connection with GOAWAY, a stream
 * error ends one stream with RST_STREAM and the connection goes on.
 *
 * <p>Thrown by the parsers and the HPACK decoder on the thread that feeds them; carries no
 * buffer. No stack trace: it is control flow for bad input, thrown as often as a peer likes.
 */
public final class H2Exception extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final int streamId;

    private H2Exception(ErrorCode code, int streamId, String message) {
        super(message, null, false, false);
        this.code = code;
        this.streamId = streamId;
    }

    /** A connection error: GOAWAY with {@code code}, then the connection closes. */
    public static H2Exception connection(ErrorCode code, String message) {
        return new H2Exception(code, 0, message);
    }

    /** A stream error on {@code streamId} (not 0): RST_STREAM with {@code code}. */
    public static H2Exception stream(int streamId, ErrorCode code, String message) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("a stream error needs a stream: " + streamId);
        }
        return new H2Exception(code, streamId, message);
    }

    public ErrorCode code() {
        return code;
    }

    /** The stream a stream error ends; 0 for a connection error. */
    public int streamId() {
        return streamId;
    }

    public boolean isConnectionError() {
        return streamId == 0;
    }

    @Override
    public String toString() {
        return (isConnectionError() ? "connection error " : "stream " + streamId + " error ")
                + code + ": " + getMessage();
    }
}
