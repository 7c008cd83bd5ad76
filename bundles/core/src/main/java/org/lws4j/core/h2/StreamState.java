package org.lws4j.core.h2;

/**
 * The stream states of RFC 9113 section 5.1 a server uses (no push, so no reserved states).
 * "Local" is this side, "remote" the peer: half-closed (remote) means the peer sent END_STREAM
 * and this side may still send.
 */
public enum StreamState {
    IDLE, OPEN, HALF_CLOSED_LOCAL, HALF_CLOSED_REMOTE, CLOSED;

    /** Whether the peer may still send DATA or trailers. */
    public boolean remoteOpen() {
        return this == OPEN || this == HALF_CLOSED_LOCAL;
    }

    /** Whether this side may still send HEADERS or DATA. */
    public boolean localOpen() {
        return this == OPEN || this == HALF_CLOSED_REMOTE;
    }

    /** The state after the peer's END_STREAM. */
    public StreamState remoteEnded() {
        return this == OPEN ? HALF_CLOSED_REMOTE : CLOSED;
    }

    /** The state after this side's END_STREAM. */
    public StreamState localEnded() {
        return this == OPEN ? HALF_CLOSED_LOCAL : CLOSED;
    }
}
