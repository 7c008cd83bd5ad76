package org.lws4j.ext.deflate;

/**
 * What this side wants when it may choose (RFC 7692 lets the server pick within what the client
 * offered), and the per-connection defaults of the lws options. Immutable; one instance is shared
 * by every handshake until the configuration changes.
 *
 * @param serverMaxWindowBits the largest window the server compresses with (9..15); a client's
 *     smaller {@code server_max_window_bits} wins, a smaller value here is announced on its own
 * @param clientMaxWindowBits the window the server asks the client to compress with (8..15),
 *     when the client's offer allows asking
 * @param serverNoContextTakeover compress every message on its own even if the client did not ask
 * @param clientNoContextTakeover ask the client to compress every message on its own
 * @param compressionLevel zlib level 0..9 (lws's {@code compression_level})
 * @param memLevel zlib memory level 1..9 (lws's {@code mem_level})
 * @param rxBufPower inflate output chunk, as a power of two (lws's {@code rx_buf_size})
 * @param txBufPower deflate output step, as a power of two (lws's {@code tx_buf_size})
 */
record Preferences(int serverMaxWindowBits, int clientMaxWindowBits, boolean serverNoContextTakeover,
                   boolean clientNoContextTakeover, int compressionLevel, int memLevel, int rxBufPower,
                   int txBufPower) {

    /** lws's defaults: windows of 15 bits, context takeover, level 1, mem level 8, 1 KiB buffers. */
    static final Preferences DEFAULTS = new Preferences(15, 15, false, false, 1, 8, 10, 10);

    Preferences {
        check("server max window bits", serverMaxWindowBits, DeflateNegotiation.MIN_DEFLATE_WINDOW, 15);
        check("client max window bits", clientMaxWindowBits, 8, 15);
        check("compression level", compressionLevel, 0, 9);
        check("mem level", memLevel, 1, 9);
        check("rx buf size", rxBufPower, Options.MIN_BUF_POWER, Options.MAX_BUF_POWER);
        check("tx buf size", txBufPower, Options.MIN_BUF_POWER, Options.MAX_BUF_POWER);
    }

    private static void check(String what, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " " + v + " is not in " + min + ".." + max);
        }
    }
}
