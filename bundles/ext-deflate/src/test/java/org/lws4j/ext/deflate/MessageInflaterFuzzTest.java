package org.lws4j.ext.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.lws4j.api.CloseStatus;
import org.lws4j.spi.extension.ExtensionException;
import org.lws4j.spi.extension.ExtensionSession;

/**
 * {@link MessageInflater} on any compressed messages (a few in a row, with or without context
 * takeover), under any output chunk size, piece size and message limit:
 * <ul>
 * <li>it never throws anything but {@link ExtensionException}, and that only with 1007 (data that
 *     does not inflate) or 1009 (past the limit);</li>
 * <li>no output chunk is empty or larger than the chunk size or the connection's piece size, and
 *     a message never hands out more than the limit;</li>
 * <li>fed whole or in random pieces, with the sink pausing it at random (then resumed with empty
 *     input, as the core does), each message inflates to the same bytes or fails the same way;</li>
 * <li>it agrees with the JDK's zlib (raw DEFLATE, the 00 00 FF FF tail added, a new stream after
 *     BFINAL or without context takeover) on every message both can read;</li>
 * <li>messages the harness compresses itself (JDK deflater, any level and strategy, sync flush or
 *     BFINAL) come back exactly.</li>
 * </ul>
 * Input: compressed bytes (or, in the compressing mode, the plain text of each message), then from
 * the end the mode, the limits, the number of messages and a seed for pieces and pauses.
 */
class MessageInflaterFuzzTest {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    /** One message's result: its bytes (those handed out before a failure) and the close code it failed with, or 0. */
    record Result(String bytes, int closeCode, String why) {
        Result(String bytes, int closeCode) {
            this(bytes, closeCode, null);
        }
    }

    record Setup(boolean noContextTakeover, int pieceLimit, long maxMessage, int power) {
    }

    @FuzzTest
    void inflate(FuzzedDataProvider data) {
        boolean compress = data.consumeBoolean();
        Setup s = new Setup(data.consumeBoolean(), data.consumeInt(1, 4096), Math.min(data.consumeLong(0, 1 << 18), 1 << 15),
                data.consumeInt(Options.MIN_BUF_POWER, Options.MAX_BUF_POWER));
        int count = data.consumeInt(1, 3);
        long seed = data.consumeLong();
        List<byte[]> plain = new ArrayList<>();
        List<byte[]> messages = new ArrayList<>();
        if (compress) {
            int level = data.consumeInt(0, 9);
            int strategy = data.consumeInt(0, 2);
            Deflater d = new Deflater(level, true);
            d.setStrategy(strategy == 0 ? Deflater.DEFAULT_STRATEGY : strategy == 1 ? Deflater.FILTERED : Deflater.HUFFMAN_ONLY);
            for (int i = 0; i < count; i++) {
                boolean bfinal = data.consumeBoolean();
                byte[] text = i == count - 1 ? data.consumeRemainingAsBytes() : data.consumeBytes(data.consumeInt(0, 4096));
                plain.add(text);
                messages.add(compress(d, text, bfinal || s.noContextTakeover()));
            }
            d.end();
        } else {
            for (int i = 0; i < count; i++) {
                messages.add(i == count - 1 ? data.consumeRemainingAsBytes() : data.consumeBytes(data.consumeInt(0, 1024)));
            }
        }
        String shown = s + " " + messages.stream().map(m -> HexFormat.of().formatHex(m)).toList();

        List<Expected> zlib = jdk(s, messages);
        check(s, messages, zlib, run(s, messages, new Random(seed), false), "fed whole: " + shown);
        check(s, messages, zlib, run(s, messages, new Random(seed), true), "in pieces, with pauses: " + shown);
        if (compress) {
            for (int i = 0; i < plain.size(); i++) {
                Expected e = zlib.get(i);
                if (plain.get(i).length > s.maxMessage()) {
                    assertEquals(Set.of(CloseStatus.MESSAGE_TOO_LARGE), e.codes(), "message " + i + ": " + shown);
                    break;
                }
                assertEquals(HexFormat.of().formatHex(plain.get(i)), e.bytes(), "zlib itself, message " + i + ": " + shown);
            }
        }
    }

    /** Our results against zlib's, message by message, up to the first failure. */
    private static void check(Setup s, List<byte[]> messages, List<Expected> zlib, List<Result> ours, String shown) {
        for (int i = 0; i < zlib.size(); i++) {
            Expected e = zlib.get(i);
            assertTrue(i < ours.size(), "message " + i + " missing: " + shown);
            Result r = ours.get(i);
            if (e.codes().isEmpty() && r.closeCode() == CloseStatus.INVALID_PAYLOAD && !atBlockBoundary(s, messages, i)) {
                // the message ends inside a block (a sender's flush never does): JZlib, like zlib
                // 1.1, refuses a broken dynamic block header as soon as it is read, where zlib 1.2
                // waits for more input before it says so
                return;
            }
            if (r.closeCode() == CloseStatus.INVALID_PAYLOAD && String.valueOf(r.why()).contains("incomplete dynamic bit lengths tree")
                    && (e.bytes() != null ? e.bytes() : e.partial() != null ? e.partial() : "").startsWith(r.bytes())) {
                // JZlib refuses some code length codes that zlib 1.2 takes (found by this harness;
                // no zlib deflater writes them): not fixed here, it takes another inflater
                return;
            }
            if (e.codes().isEmpty()) {
                assertEquals(new Result(e.bytes(), 0), r, "message " + i + " differs from zlib: " + shown);
                continue;
            }
            if (e.tooFarBack()) {
                // JZlib, like zlib 1.1, does not refuse a distance too far back (MessageInflater's
                // comment): it inflates on, to the end or to the limit or to another error
                return;
            }
            if (!e.codes().contains(r.closeCode()) && e.codes().contains(CloseStatus.INVALID_PAYLOAD)) {
                // JZlib takes what zlib 1.1 took and zlib 1.2 refuses (an incomplete code length
                // code, for one) and goes on, or waits for more input; up to there both inflate the same
                assertTrue(r.bytes().startsWith(e.partial()) || e.partial().startsWith(r.bytes()),
                        "message " + i + ": zlib made " + e.partial() + " before failing, we " + r + ": " + shown);
                return;
            }
            assertTrue(e.codes().contains(r.closeCode()), "message " + i + ": zlib fails it with " + e.codes()
                    + ", we with " + r + ": " + shown);
            assertEquals(i + 1, ours.size(), "messages after a failure: " + shown);
            return;
        }
        assertEquals(zlib.size(), ours.size(), shown);
    }

    /** Inflates the messages in order with one inflater, as one connection does; stops at the first failure. */
    static List<Result> run(Setup s, List<byte[]> messages, Random r, boolean pieces) {
        MessageInflater inflater = new MessageInflater(s.noContextTakeover(),
                new ExtensionSession.Limits(s.pieceLimit(), s.maxMessage()), s.power());
        int chunk = Math.min(1 << s.power(), s.pieceLimit());
        List<Result> results = new ArrayList<>();
        for (byte[] m : messages) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ExtensionSession.Sink sink = b -> {
                assertTrue(b.remaining() > 0, "an empty output chunk");
                assertTrue(b.remaining() <= chunk, "an output chunk of " + b.remaining() + " bytes; the chunk size is " + chunk);
                byte[] a = new byte[b.remaining()];
                b.get(a);
                out.writeBytes(a);
                assertTrue(out.size() <= s.maxMessage(), "handed out " + out.size() + " bytes past a limit of " + s.maxMessage());
                return !pieces || r.nextInt(16) != 0;
            };
            try {
                int pos = 0;
                do {
                    int n = pieces ? Math.min(m.length - pos, r.nextInt(1 + r.nextInt(300))) : m.length;
                    boolean last = pos + n == m.length;
                    // a piece as the core hands it over: a slice of the frame, not the whole array
                    byte[] framed = new byte[n + 2];
                    System.arraycopy(m, pos, framed, 1, n);
                    ByteBuffer in = ByteBuffer.wrap(framed, 1, n).slice();
                    int resumes = 0;
                    boolean done = inflater.decode(in, last, sink);
                    assertEquals(0, in.remaining(), "decode left input in the buffer");
                    while (!done) {
                        assertTrue(++resumes < 1_000_000, "a paused decode never finishes");
                        done = inflater.decode(ByteBuffer.allocate(0), last, sink);
                    }
                    pos += n;
                } while (pos < m.length);
                results.add(new Result(HexFormat.of().formatHex(out.toByteArray()), 0));
            } catch (ExtensionException e) {
                int code = e.closeCode();
                assertTrue(code == CloseStatus.INVALID_PAYLOAD || code == CloseStatus.MESSAGE_TOO_LARGE,
                        "close code " + code + ": " + e.getMessage());
                results.add(new Result(HexFormat.of().formatHex(out.toByteArray()), code, e.getMessage()));
                break;
            }
        }
        return results;
    }

    /**
     * What zlib makes of a message: its bytes, or the close codes a failure may have. A message
     * that both passes the limit and is corrupt soon after may fail either way: we check the limit
     * per output chunk, after the chunk inflated without error, and JZlib (like zlib 1.1) decodes
     * into its 32 KiB window ahead of the output, so it can meet the error before the bytes that
     * pass the limit come out.
     */
    record Expected(String bytes, Set<Integer> codes, boolean tooFarBack, String partial) {
    }

    /** The JDK's zlib as the reference: raw DEFLATE, the tail appended, a new stream after BFINAL or without takeover. */
    static List<Expected> jdk(Setup s, List<byte[]> messages) {
        List<Expected> results = new ArrayList<>();
        long cap = s.maxMessage();
        long limit = cap + 1 + (1 << 15) + Math.min(1 << s.power(), s.pieceLimit());
        Inflater z = null;
        byte[] buf = new byte[8192];
        try {
            for (byte[] m : messages) {
                if (z == null) {
                    z = new Inflater(true);
                }
                byte[] in = new byte[m.length + TAIL.length];
                System.arraycopy(m, 0, in, 0, m.length);
                System.arraycopy(TAIL, 0, in, m.length, TAIL.length);
                z.setInput(in);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                long asked = 0;
                try {
                    while (!z.finished() && out.size() < limit) {
                        // a call that fails loses what it wrote: ask for no more than reaches the
                        // limit, then for one byte, so a failure is known to come before or after it
                        long size = out.size();
                        asked = size < cap ? Math.min(buf.length, cap - size) : size == cap ? 1 : Math.min(buf.length, limit - size);
                        int n = z.inflate(buf, 0, (int) asked);
                        out.write(buf, 0, n);
                        if (n == 0 && z.needsInput()) {
                            break;
                        }
                    }
                } catch (DataFormatException e) {
                    results.add(new Expected(null, out.size() + asked > cap
                            ? Set.of(CloseStatus.INVALID_PAYLOAD, CloseStatus.MESSAGE_TOO_LARGE)
                            : Set.of(CloseStatus.INVALID_PAYLOAD), String.valueOf(e.getMessage()).contains("too far back"),
                            HexFormat.of().formatHex(out.toByteArray())));
                    return results;
                }
                if (out.size() > cap) {
                    results.add(new Expected(null, Set.of(CloseStatus.MESSAGE_TOO_LARGE), false,
                            HexFormat.of().formatHex(out.toByteArray())));
                    return results;
                }
                results.add(new Expected(HexFormat.of().formatHex(out.toByteArray()), Set.of(), false, null));
                if (z.finished() || s.noContextTakeover()) {
                    z.end();
                    z = null;
                }
            }
            return results;
        } finally {
            if (z != null) {
                z.end();
            }
        }
    }

    /**
     * Whether zlib stands between two blocks after message {@code i} (and the ones before it):
     * then a final empty block (03 00) ends its stream.
     */
    static boolean atBlockBoundary(Setup s, List<byte[]> messages, int i) {
        Inflater z = new Inflater(true);
        byte[] buf = new byte[8192];
        try {
            for (int k = 0; k <= i; k++) {
                byte[] m = messages.get(k);
                byte[] end = k == i ? new byte[] {0, 0, (byte) 0xff, (byte) 0xff, 3, 0} : TAIL;
                byte[] in = new byte[m.length + end.length];
                System.arraycopy(m, 0, in, 0, m.length);
                System.arraycopy(end, 0, in, m.length, end.length);
                z.setInput(in);
                while (!z.finished() && z.inflate(buf) > 0) {
                    // drain
                }
                if (k < i && (z.finished() || s.noContextTakeover())) {
                    z.end();
                    z = new Inflater(true);
                }
            }
            return z.finished();
        } catch (DataFormatException e) {
            return false;
        } finally {
            z.end();
        }
    }

    /** One message as a permessage-deflate sender makes it: sync flush and the tail stripped, or a BFINAL block. */
    static byte[] compress(Deflater d, byte[] text, boolean end) {
        d.setInput(text);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        if (end) {
            d.finish();
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            d.reset();
            return out.toByteArray();
        }
        int n;
        do {
            // the first call after setStrategy may only apply it, taking no input
            n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length || !d.needsInput());
        byte[] b = out.toByteArray();
        if (b.length < TAIL.length) {
            // nothing new to flush (an empty message after a flushed one): zlib writes nothing, a sender 00
            return new byte[] {0};
        }
        return java.util.Arrays.copyOf(b, b.length - TAIL.length);
    }
}
