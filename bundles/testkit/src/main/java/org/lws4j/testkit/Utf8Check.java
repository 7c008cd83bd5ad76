package org.lws4j.testkit;

import java.nio.ByteBuffer;

/**
 * UTF-8 checked as it arrives, across pieces, failing at the first bad byte (overlongs,
 * surrogates and code points past U+10FFFF included), as the core checks text messages.
 */
final class Utf8Check {
    private int need;
    private int lower = 0x80;
    private int upper = 0xBF;

    void reset() {
        need = 0;
        lower = 0x80;
        upper = 0xBF;
    }

    /** False at the first byte that cannot be UTF-8 here; {@code b} is not consumed. */
    boolean feed(ByteBuffer b) {
        for (int i = b.position(); i < b.limit(); i++) {
            if (!feed(b.get(i) & 0xff)) {
                return false;
            }
        }
        return true;
    }

    /** True when no sequence is left open. */
    boolean isComplete() {
        return need == 0;
    }

    private boolean feed(int x) {
        if (need == 0) {
            if (x < 0x80) {
                return true;
            }
            if (x >= 0xC2 && x <= 0xDF) {
                need = 1;
            } else if (x >= 0xE0 && x <= 0xEF) {
                need = 2;
                lower = x == 0xE0 ? 0xA0 : 0x80;
                upper = x == 0xED ? 0x9F : 0xBF;
            } else if (x >= 0xF0 && x <= 0xF4) {
                need = 3;
                lower = x == 0xF0 ? 0x90 : 0x80;
                upper = x == 0xF4 ? 0x8F : 0xBF;
            } else {
                return false;
            }
            return true;
        }
        if (x < lower || x > upper) {
            return false;
        }
        lower = 0x80;
        upper = 0xBF;
        need--;
        return true;
    }
}
