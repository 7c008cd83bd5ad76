package org.lws4j.core.h2;

/**
 * The 9-octet frame header of RFC 9113 section 4.1, with the frame types and flags of section
 * 6. The reserved bit of the stream identifier is dropped when read and sent as 0. Immutable.
 */
public record FrameHeader(int length, int type, int flags, int streamId) {
    public static final int SIZE = 9;

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    public static final int FLAG_END_STREAM = 0x1;
    public static final int FLAG_ACK = 0x1;
    public static final int FLAG_END_HEADERS = 0x4;
    public static final int FLAG_PADDED = 0x8;
    public static final int FLAG_PRIORITY = 0x20;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
