package org.lws4j.protocol.fraggle;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The receiving half of {@code fraggle-protocol}, as libwebsockets' test-fraggle client checks:
 * binary messages come in pairs, data in any number of pieces and then its 4-byte big-endian sum;
 * each pair gives a {@link Verdict}. Feed it the RECEIVE pieces of binary messages only (text
 * messages are not part of the test). One connection's thread only.
 */
public final class FraggleChecker {
    private static final long MASK = 0xffffffffL;

    /**
     * What one pair showed: its number (from 1), the data's length and the pieces it arrived in,
     * the sum of what arrived, and the sum the sender claimed (-1 when the sum message was not 4
     * bytes).
     */
    public record Verdict(long number, long length, int pieces, long sum, long claimed) {
        public boolean ok() {
            return claimed == sum;
        }

        /**
         * The line the server sends back for it: {@code ok N LENGTH 0xSUM}, or
         * {@code bad N LENGTH 0xSUM 0xCLAIMED} ({@code -} for a claim that was not 4 bytes).
         */
        public String report() {
            String head = String.format(Locale.ROOT, "%d %d 0x%08x", number, length, sum);
            return ok() ? "ok " + head : "bad " + head + (claimed < 0 ? " -" : String.format(Locale.ROOT, " 0x%08x", claimed));
        }

        /** Reads a {@link #report()} line (pieces are not in it: 0); null if it is not one. */
        public static Verdict parse(String line) {
            String[] w = line.trim().split(" ");
            try {
                if (w.length == 4 && w[0].equals("ok")) {
                    long s = hex(w[3]);
                    return new Verdict(Long.parseLong(w[1]), Long.parseLong(w[2]), 0, s, s);
                }
                if (w.length == 5 && w[0].equals("bad")) {
                    return new Verdict(Long.parseLong(w[1]), Long.parseLong(w[2]), 0, hex(w[3]), w[4].equals("-") ? -1 : hex(w[4]));
                }
            } catch (NumberFormatException e) {
                return null;
            }
            return null;
        }

        private static long hex(String s) {
            if (!s.startsWith("0x")) {
                throw new NumberFormatException(s);
            }
            return Long.parseLong(s.substring(2), 16);
        }
    }

    private boolean expectSum;
    private long sum;
    private long length;
    private int pieces;
    private long claimed;
    private long sumBytes;
    private long count;

    /** True while the pair's sum message is awaited (the data message has ended). */
    public boolean expectingSum() {
        return expectSum;
    }

    /**
     * Takes one piece of a binary message ({@code in} from its position to its limit; not
     * consumed) and whether it ends the message.
     *
     * @return the verdict when the piece ends a sum message, else null
     */
    public Verdict feed(ByteBuffer in, boolean finalFragment) {
        int from = in.position();
        int to = in.limit();
        if (!expectSum) {
            long s = 0;
            for (int i = from; i < to; i++) {
                s += in.get(i) & 0xff;
            }
            sum += s;
            length += to - from;
            pieces++;
            if (finalFragment) {
                expectSum = true;
                claimed = 0;
                sumBytes = 0;
            }
            return null;
        }
        for (int i = from; i < to; i++) {
            if (sumBytes < 4) {
                claimed = claimed << 8 | (in.get(i) & 0xff);
            }
            sumBytes++;
        }
        if (!finalFragment) {
            return null;
        }
        Verdict v = new Verdict(++count, length, pieces, sum & MASK, sumBytes == 4 ? claimed : -1);
        expectSum = false;
        sum = 0;
        length = 0;
        pieces = 0;
        return v;
    }
}
