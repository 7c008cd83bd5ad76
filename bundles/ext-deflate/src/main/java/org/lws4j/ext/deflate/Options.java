package org.lws4j.ext.deflate;

/**
 * The per-connection options lws's {@code lws_set_extension_option()} knows for
 * permessage-deflate, with their ranges. Values are decimal strings; the buffer sizes are powers of
 * two as in lws ({@code rx_buf_size=12} means 4 KiB).
 */
final class Options {
    static final String RX_BUF_SIZE = "rx_buf_size";
    static final String TX_BUF_SIZE = "tx_buf_size";
    static final String COMPRESSION_LEVEL = "compression_level";
    static final String MEM_LEVEL = "mem_level";

    /** Buffer sizes from 128 B to 64 KiB. */
    static final int MIN_BUF_POWER = 7;
    static final int MAX_BUF_POWER = 16;

    private Options() {
    }

    /** The value as a decimal in min..max, or -1 when it is anything else. */
    static int parse(String value, int min, int max) {
        if (value == null || value.isEmpty() || value.length() > 2) {
            return -1;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return -1;
            }
        }
        int v = Integer.parseInt(value);
        return v >= min && v <= max ? v : -1;
    }
}
