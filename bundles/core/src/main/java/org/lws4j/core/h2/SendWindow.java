package org.lws4j.core.h2;

/**
 * A flow-control window this side sends against (RFC 9113 section 6.9): what the peer allows,
 * lowered by what is sent, raised by WINDOW_UPDATE, moved by a new SETTINGS_INITIAL_WINDOW_SIZE
 * (and so possibly negative, 6.9.2). One per stream and one for the connection; service thread
 * only.
 */
public final class SendWindow {
    private long window;

    public SendWindow(long initial) {
        this.window = initial;
    }

    /** What may be sent now; never negative. */
    public int available() {
        return (int) Math.max(0, window);
    }

    public long window() {
        return window;
    }

    /** Records {@code n} octets sent. */
    public void consume(int n) {
        if (n > available()) {
            throw new IllegalStateException("sending " + n + " past a window of " + window);
        }
        window -= n;
    }

    /**
     * Applies a WINDOW_UPDATE increment or a change of the initial window.
     *
     * @return false when the window would pass 2^31 - 1 (a FLOW_CONTROL_ERROR for the caller)
     */
    public boolean add(long delta) {
        if (window + delta > Setting.MAX_WINDOW_SIZE) {
            return false;
        }
        window += delta;
        return true;
    }
}
