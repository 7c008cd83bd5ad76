package org.lws4j.core.ws;

import java.nio.ByteBuffer;

/**
 * Checks UTF-8 as it arrives, across any number of pieces, and fails at the first byte that
 * cannot be part of well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above
 * U+10FFFF), so a bad text message is refused before it has all arrived.
 */
public final class Utf8Validator {
    /** Continuation bytes still expected in the current sequence. */
    private int need;
    /** The range the next continuation byte must fall in (narrower after E0, ED, F0, F4). */
    private int lo = 0x80;
    private int hi = 0xBF;

    /** Feeds {@code b} from position to limit (the position is not moved); false at a bad byte. */
    public boolean feed(ByteBuffer b) {
        int p = b.position();
        int end = b.limit();
        if (b.hasArray()) {
            return feed(b.array(), b.arrayOffset() + p, b.arrayOffset() + end);
        }
        for (int i = p; i < end; i++) {
            if (!step(b.get(i) & 0xff)) {
                return false;
            }
        }
        return true;
    }

    public boolean feed(byte[] a, int from, int to) {
        int i = from;
        while (i < to) {
            if (need == 0) {
                // fast path over ASCII
                while (i < to && a[i] >= 0) {
                    i++;
                }
                if (i == to) {
                    return true;
                }
            }
            if (!step(a[i] & 0xff)) {
                return false;
            }
            i++;
        }
        return true;
    }

    private boolean step(int c) {
        if (need == 0) {
            if (c < 0x80) {
                return true;
            }
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                lo = 0x80;
                hi = 0xBF;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                lo = c == 0xE0 ? 0xA0 : 0x80;
                hi = c == 0xED ? 0x9F : 0xBF;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                lo = c == 0xF0 ? 0x90 : 0x80;
                hi = c == 0xF4 ? 0x8F : 0xBF;
            } else {
                return false;
            }
            return true;
        }
        if (c < lo || c > hi) {
            return false;
        }
        need--;
        lo = 0x80;
        hi = 0xBF;
        return true;
    }

    /** True when no sequence is left open: a message may end here. */
    public boolean isComplete() {
        return need == 0;
    }

    public void reset() {
        need = 0;
        lo = 0x80;
        hi = 0xBF;
    }
}
