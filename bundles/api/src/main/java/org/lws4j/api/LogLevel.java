package org.lws4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * lws's log levels. Each is one bit of the level mask ({@code -d} on the command line,
 * {@code log-level} in config). ERR, WARN and NOTICE are on by default.
 */
@ProviderType
public enum LogLevel {
    ERR(1, 'E'),
    WARN(1 << 1, 'W'),
    NOTICE(1 << 2, 'N'),
    INFO(1 << 3, 'I'),
    DEBUG(1 << 4, 'D'),
    PARSER(1 << 5, 'P'),
    HEADER(1 << 6, 'H'),
    EXT(1 << 7, 'X'),
    CLIENT(1 << 8, 'C'),
    LATENCY(1 << 9, 'L'),
    USER(1 << 10, 'U'),
    THREAD(1 << 11, 'T');

    /** The mask lws uses when nothing is configured: ERR | WARN | NOTICE. */
    public static final int DEFAULT_MASK = 7;

    private final int bit;
    private final char tag;

    LogLevel(int bit, char tag) {
        this.bit = bit;
        this.tag = tag;
    }

    /** This level's bit in the mask. */
    public int bit() {
        return bit;
    }

    /** The letter lws prints before a line of this level ("E", "W", "N", ...). */
    public char tag() {
        return tag;
    }

    /** True if this level's bit is set in {@code mask}. */
    public boolean in(int mask) {
        return (mask & bit) != 0;
    }
}
