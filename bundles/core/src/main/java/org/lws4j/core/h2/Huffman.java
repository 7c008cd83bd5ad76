package org.lws4j.core.h2;

import java.nio.ByteBuffer;

/**
 * HPACK's static Huffman code (RFC 7541 section 5.2 and Appendix B). The code is canonical:
 * within each length, codes are consecutive in symbol order, and each length starts where the
 * previous one ended, shifted left. So the table below holds only the code length of each of
 * the 257 symbols (256 is EOS); the codes are derived from it, and the tests check the derived
 * codes against values of the appendix.
 *
 * <p>Decoding walks the canonical code one bit at a time and refuses what RFC 7541 5.2 forbids:
 * EOS inside the string, padding longer than 7 bits, padding that is not the most significant
 * bits of EOS (all ones). Stateless; any thread.
 */
public final class Huffman {
    /** Code length in bits of each symbol, 0 to 255 then EOS. */
    private static final byte[] LENGTHS = {
            13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
            28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
            6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
            5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
            13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
            7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
            15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
            6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
            20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
            24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
            22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
            21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
            26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
            19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
            20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
            26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
            30,
    };
    static final int EOS = 256;
    private static final int MAX_LENGTH = 30;

    /** The code of each symbol, right-aligned in {@code LENGTHS[symbol]} bits. */
    private static final int[] CODES = new int[257];
    /** The first code of each length; the codes of one length are consecutive. */
    private static final int[] FIRST = new int[MAX_LENGTH + 1];
    private static final int[] COUNT = new int[MAX_LENGTH + 1];
    /** Where the symbols of each length start in {@link #SYMBOLS}. */
    private static final int[] OFFSET = new int[MAX_LENGTH + 1];
    /** Symbols ordered by code length, then symbol: the canonical order. */
    private static final int[] SYMBOLS = new int[257];

    static {
        for (int s = 0; s < 257; s++) {
            COUNT[LENGTHS[s]]++;
        }
        for (int len = 1, code = 0, offset = 0; len <= MAX_LENGTH; len++) {
            FIRST[len] = code;
            OFFSET[len] = offset;
            offset += COUNT[len];
            code = (code + COUNT[len]) << 1;
        }
        int[] next = new int[MAX_LENGTH + 1];
        for (int s = 0; s < 257; s++) {
            int len = LENGTHS[s];
            CODES[s] = FIRST[len] + next[len];
            SYMBOLS[OFFSET[len] + next[len]] = s;
            next[len]++;
        }
    }

    private Huffman() {
    }

    /** The code of {@code symbol}, right-aligned; for tests. */
    static int code(int symbol) {
        return CODES[symbol];
    }

    /** The code length in bits of {@code symbol}; for tests. */
    static int codeLength(int symbol) {
        return LENGTHS[symbol];
    }

    /** The octets {@code s} (ISO-8859-1) takes Huffman-coded, padding included. */
    public static int encodedLength(String s) {
        long bits = 0;
        for (int i = 0; i < s.length(); i++) {
            bits += LENGTHS[s.charAt(i) & 0xff];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Writes {@code s} (ISO-8859-1) Huffman-coded, padded with ones to an octet boundary. */
    public static void encode(String s, BlockBuffer out) {
        long acc = 0;
        int bits = 0;
        for (int i = 0; i < s.length(); i++) {
            int sym = s.charAt(i) & 0xff;
            acc = (acc << LENGTHS[sym]) | CODES[sym];
            bits += LENGTHS[sym];
            while (bits >= 8) {
                bits -= 8;
                out.put((int) (acc >>> bits));
            }
            acc &= (1L << bits) - 1;
        }
        if (bits > 0) {
            out.put((int) ((acc << (8 - bits)) | (0xff >>> bits)));
        }
    }

    /** The most octets {@code encodedLength} Huffman-coded octets can decode to: 5 bits each at best. */
    public static int maxDecodedLength(int encodedLength) {
        return (int) (((long) encodedLength * 8) / 5);
    }

    /** The fewest octets {@code encodedLength} Huffman-coded octets can decode to: 30 bits each at worst. */
    public static int minDecodedLength(int encodedLength) {
        return (int) (((long) encodedLength * 8 - 7) / MAX_LENGTH);
    }

    /**
     * Decodes {@code length} octets from {@code in}'s position (advancing it) into {@code out},
     * which must hold {@link #maxDecodedLength} octets.
     *
     * @return the number of octets decoded
     * @throws H2Exception COMPRESSION_ERROR for EOS in the string or bad padding
     */
    public static int decode(ByteBuffer in, int length, byte[] out) throws H2Exception {
        int code = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < length; i++) {
            int b = in.get() & 0xff;
            for (int bit = 7; bit >= 0; bit--) {
                code = (code << 1) | ((b >>> bit) & 1);
                bits++;
                int index = code - FIRST[bits];
                if (index >= 0 && index < COUNT[bits]) {
                    int sym = SYMBOLS[OFFSET[bits] + index];
                    if (sym == EOS) {
                        throw bad("EOS inside a Huffman string");
                    }
                    out[n++] = (byte) sym;
                    code = 0;
                    bits = 0;
                } else if (bits == MAX_LENGTH) {
                    throw bad("not a Huffman code");
                }
            }
        }
        if (bits > 7) {
            throw bad("Huffman padding longer than 7 bits");
        }
        if (code != (1 << bits) - 1) {
            throw bad("Huffman padding not all ones");
        }
        return n;
    }

    private static H2Exception bad(String message) {
        return H2Exception.connection(ErrorCode.COMPRESSION_ERROR, message);
    }
}
