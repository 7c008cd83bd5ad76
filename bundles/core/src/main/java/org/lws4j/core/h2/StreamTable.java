package org.lws4j.core.h2;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The streams of a server connection and the identifier rules of RFC 9113 section 5.1.1:
 * the peer opens odd identifiers, each above the last; an identifier above the highest seen is
 * idle, one at or below it without an entry is closed, or was skipped. The streams closed
 * lately are remembered (a bounded ring), with whether this side reset them: frames the peer
 * sent before it saw our RST_STREAM are ignored (section 5.1, "closed"), a stream the peer
 * closed is told from one it skipped (STREAM_CLOSED, not PROTOCOL_ERROR).
 *
 * <p>Service thread only.
 */
final class StreamTable {
    private static final int RECENT = 128;

    private final Map<Integer, H2Stream> open = new HashMap<>();
    /** Recently closed identifiers: negative when this side reset the stream. */
    private final int[] recentlyClosed = new int[RECENT];
    private int recentNext;
    private int highest;

    H2Stream get(int id) {
        return open.get(id);
    }

    int size() {
        return open.size();
    }

    boolean isEmpty() {
        return open.isEmpty();
    }

    /** The highest identifier the peer used. */
    int highest() {
        return highest;
    }

    /** Whether {@code id} is idle: never used by the peer (even ones are this side's, never opened). */
    boolean isIdle(int id) {
        return id > highest || (id & 1) == 0;
    }

    /** Records that the peer used {@code id}, which must be odd and above every earlier one. */
    void opened(int id) {
        highest = id;
    }

    void put(H2Stream s) {
        open.put(s.id, s);
    }

    /** Removes a stream that closed (ended both ways, or reset by the peer). */
    H2Stream remove(int id) {
        H2Stream s = open.remove(id);
        if (s != null) {
            remember(id);
        }
        return s;
    }

    /** Removes {@code id}, if open, and remembers that this side reset it. */
    H2Stream resetByUs(int id) {
        H2Stream s = open.remove(id);
        remember(-id);
        return s;
    }

    boolean wasResetByUs(int id) {
        return recentlySeen(-id);
    }

    /** Whether {@code id} closed lately (either way), as opposed to skipped or long gone. */
    boolean wasClosed(int id) {
        return recentlySeen(id) || recentlySeen(-id);
    }

    private boolean recentlySeen(int code) {
        for (int r : recentlyClosed) {
            if (r == code) {
                return true;
            }
        }
        return false;
    }

    private void remember(int code) {
        recentlyClosed[recentNext] = code;
        recentNext = (recentNext + 1) % RECENT;
    }

    /** A copy of the open streams, to go over while they change. */
    List<H2Stream> all() {
        return new ArrayList<>(open.values());
    }

    void clear() {
        open.clear();
    }
}
