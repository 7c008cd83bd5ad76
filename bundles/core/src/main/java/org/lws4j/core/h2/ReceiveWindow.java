package org.lws4j.core.h2;

/**
 * A flow-control window the peer sends against (RFC 9113 section 6.9), and when to open it
 * again: octets the peer sent count against the window until the layer above says it consumed
 * them; once half the target size is consumed, a WINDOW_UPDATE gives it all back. So a reader
 * that stops consuming stops the peer after at most one window, and a steady reader costs a
 * WINDOW_UPDATE per half window. One per stream and one for the connection; service thread only.
 */
public final class ReceiveWindow {
    private final int target;
    private long window;
    private int unannounced;

    /**
     * @param window what the peer may send now
     * @param target the window size to keep reopening to
     */
    public ReceiveWindow(long window, int target) {
        this.window = window;
        this.target = target;
    }

    public long window() {
        return window;
    }

    /** Counts {@code n} octets received; false when they pass the window (a FLOW_CONTROL_ERROR). */
    public boolean receive(int n) {
        if (n > window) {
            return false;
        }
        window -= n;
        return true;
    }

    /**
     * Counts {@code n} octets consumed by the layer above.
     *
     * @return the WINDOW_UPDATE increment to send now, or 0
     */
    public int consumed(int n) {
        unannounced += n;
        if (unannounced < Math.max(1, target / 2) || window + unannounced > Setting.MAX_WINDOW_SIZE) {
            return 0;
        }
        int increment = unannounced;
        window += increment;
        unannounced = 0;
        return increment;
    }

    /** Opens the window to {@code size} at once, as the connection does at its start; the increment. */
    public int openTo(int size) {
        long increment = size - window;
        if (increment <= 0) {
            return 0;
        }
        window = size;
        return (int) increment;
    }
}
