package org.lws4j.protocol.dynamic;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One HTTP transaction of {@link DynamicProtocol}: the session the core keeps for the connection
 * (lws's per_session_data). It holds the request body while it arrives and then the response body
 * until the last piece is written. Used on the connection's service thread only.
 */
final class Exchange {
    private enum State { NEW, READING_BODY, SENDING, DONE }

    private final int bodyLimit;
    private State state = State.NEW;
    private byte[] body = new byte[0];
    private int bodyLength;
    private ByteBuffer pending;

    Exchange(int bodyLimit) {
        this.bodyLimit = bodyLimit;
    }

    /** The request announced a body; HTTP_BODY pieces follow. */
    void expectBody() {
        state = State.READING_BODY;
    }

    boolean isReadingBody() {
        return state == State.READING_BODY;
    }

    /**
     * Copies a piece of the request body (the core owns {@code in}).
     *
     * @return false when the body would pass the limit
     */
    boolean collect(ByteBuffer in) {
        int n = in.remaining();
        if (n > bodyLimit - bodyLength) {
            return false;
        }
        if (bodyLength + n > body.length) {
            body = Arrays.copyOf(body, Math.min(bodyLimit, Math.max(bodyLength + n, body.length * 2 + 1024)));
        }
        in.get(body, bodyLength, n);
        bodyLength += n;
        return true;
    }

    int bodyLength() {
        return bodyLength;
    }

    /** The request body collected so far. */
    byte[] body() {
        return Arrays.copyOf(body, bodyLength);
    }

    /** The response body to write from HTTP_WRITEABLE. */
    void send(byte[] page) {
        pending = ByteBuffer.wrap(page);
        state = State.SENDING;
    }

    /** The transaction was answered with an error; nothing more to send or read. */
    void refuse() {
        pending = null;
        state = State.DONE;
    }

    /**
     * The next piece of the response body, at most {@code max} bytes, or null if there is none
     * waiting. The piece is consumed: the next call returns what follows it.
     */
    ByteBuffer nextPiece(int max) {
        if (state != State.SENDING || pending == null) {
            return null;
        }
        int n = Math.min(max, pending.remaining());
        ByteBuffer piece = pending.slice(pending.position(), n);
        pending.position(pending.position() + n);
        if (!pending.hasRemaining()) {
            pending = null;
            state = State.DONE;
        }
        return piece;
    }

    boolean hasMoreToSend() {
        return pending != null;
    }
}
