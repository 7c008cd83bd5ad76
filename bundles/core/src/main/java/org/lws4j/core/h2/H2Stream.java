package org.lws4j.core.h2;

/**
 * One stream of a connection as the connection tracks it: state, both windows, the request
 * body's count against its content-length, and since when it has been waiting for window.
 * Service thread only; owned by {@link StreamTable}.
 */
final class H2Stream {
    static final long NOT_BLOCKED = Long.MIN_VALUE;

    final int id;
    StreamState state = StreamState.IDLE;
    final SendWindow send;
    final ReceiveWindow receive;
    /** Whether the listener was told of it (and so must hear of its reset). */
    boolean surfaced;
    /** A client's stream: the final response head arrived (a later field block is trailers). */
    boolean responded;
    long contentLength = -1;
    long received;
    /** When a send stopped short for want of window, or {@link #NOT_BLOCKED}. */
    long blockedSince = NOT_BLOCKED;

    H2Stream(int id, long sendWindow, int receiveWindow) {
        this.id = id;
        this.send = new SendWindow(sendWindow);
        this.receive = new ReceiveWindow(receiveWindow, receiveWindow);
    }
}
