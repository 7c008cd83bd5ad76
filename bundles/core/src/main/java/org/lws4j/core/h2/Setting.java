package org.lws4j.core.h2;

/**
 * One SETTINGS parameter (RFC 9113 section 6.5.2, RFC 8441 section 3) and the range checks
 * each defined one must pass. Values are unsigned 32-bit, held in a long. Immutable.
 */
public record Setting(int id, long value) {
    public static final int HEADER_TABLE_SIZE = 0x1;
    public static final int ENABLE_PUSH = 0x2;
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    public static final int MAX_FRAME_SIZE = 0x5;
    public static final int MAX_HEADER_LIST_SIZE = 0x6;
    public static final int ENABLE_CONNECT_PROTOCOL = 0x8;

    public static final int DEFAULT_HEADER_TABLE_SIZE = 4096;
    public static final int DEFAULT_INITIAL_WINDOW_SIZE = 65_535;
    public static final int DEFAULT_MAX_FRAME_SIZE = 16_384;
    public static final int MAX_MAX_FRAME_SIZE = (1 << 24) - 1;
    public static final int MAX_WINDOW_SIZE = Integer.MAX_VALUE;

    /**
     * Checks a received parameter; unknown identifiers pass (they are ignored, section 6.5.2).
     *
     * @throws H2Exception PROTOCOL_ERROR for ENABLE_PUSH or ENABLE_CONNECT_PROTOCOL not 0 or 1,
     *                     FLOW_CONTROL_ERROR for INITIAL_WINDOW_SIZE above 2^31 - 1,
     *                     PROTOCOL_ERROR for MAX_FRAME_SIZE outside 2^14 .. 2^24 - 1
     */
    public static Setting checked(int id, long value) throws H2Exception {
        switch (id) {
            case ENABLE_PUSH, ENABLE_CONNECT_PROTOCOL -> {
                if (value > 1) {
                    throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "setting " + id + " = " + value);
                }
            }
            case INITIAL_WINDOW_SIZE -> {
                if (value > MAX_WINDOW_SIZE) {
                    throw H2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "initial window " + value);
                }
            }
            case MAX_FRAME_SIZE -> {
                if (value < DEFAULT_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
                    throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "max frame size " + value);
                }
            }
            default -> {
            }
        }
        return new Setting(id, value);
    }
}
