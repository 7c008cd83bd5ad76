package org.lws4j.ext.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import com.jcraft.jzlib.Deflater;
import com.jcraft.jzlib.JZlib;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lws4j.spi.extension.ExtensionException;
import org.lws4j.spi.extension.ExtensionSession;

/**
 * A decompression bomb: 100 MB of zeros compressed to about 100 KB. Inflating it never builds
 * more than one output chunk, and it fails with 1009 as soon as it crosses the message limit.
 */
class BombTest {
    private static final long BOMB_SIZE = 100_000_000L;
    private static byte[] bomb;

    @BeforeAll
    static void makeBomb() throws Exception {
        Deflater d = new Deflater(9, 15, 9, JZlib.W_NONE);
        byte[] zeros = new byte[1 << 20];
        byte[] out = new byte[1 << 16];
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long left = BOMB_SIZE;
        while (left > 0) {
            int n = (int) Math.min(left, zeros.length);
            left -= n;
            d.setInput(zeros, 0, n, false);
            int flush = left == 0 ? JZlib.Z_SYNC_FLUSH : JZlib.Z_NO_FLUSH;
            do {
                d.setOutput(out, 0, out.length);
                d.deflate(flush);
                all.write(out, 0, out.length - d.getAvailOut());
            } while (d.getAvailOut() == 0 || d.getAvailIn() > 0);
        }
        d.end();
        byte[] b = all.toByteArray();
        bomb = java.util.Arrays.copyOf(b, b.length - 4); // strip 00 00 ff ff, as a sender does
        assertTrue(bomb.length < 200_000, "bomb of " + bomb.length + " bytes");
    }

    /** Feeds the bomb as the core would: frames of 64 KiB, pieces of the connection's rx size. */
    private static void feed(ExtensionSession s, int piece, Collect c) throws ExtensionException {
        int off = 0;
        while (off < bomb.length) {
            int n = Math.min(piece, bomb.length - off);
            ByteBuffer b = ByteBuffer.wrap(bomb, off, n).slice();
            off += n;
            assertTrue(s.decode(b, off == bomb.length, c));
        }
    }

    @Test
    void bombFailsWith1009AtTheLimit() {
        long limit = 1 << 20;
        ExtensionSession s = Bytes.server("permessage-deflate", Preferences.DEFAULTS, new ExtensionSession.Limits(4096, limit));
        Collect c = new Collect();
        c.countOnly = true;
        ExtensionException e = assertThrows(ExtensionException.class, () -> feed(s, 4096, c));
        assertEquals(1009, e.closeCode());
        assertTrue(c.total <= limit, "handed over " + c.total + " bytes past a limit of " + limit);
        assertTrue(c.largest <= 1024, "an output chunk of " + c.largest + " bytes");
        s.close();
    }

    @Test
    void bombUnderAHugeLimitStreamsInChunks() throws Exception {
        // with no message limit the whole 100 MB comes out, but never more than a chunk at a time
        ExtensionSession s = Bytes.server("permessage-deflate", Preferences.DEFAULTS,
                new ExtensionSession.Limits(65536, Long.MAX_VALUE));
        Collect c = new Collect();
        c.countOnly = true;
        long heapBefore = usedHeap();
        feed(s, 65536, c);
        assertEquals(BOMB_SIZE, c.total);
        assertTrue(c.largest <= 1024, "an output chunk of " + c.largest + " bytes");
        assertTrue(usedHeap() - heapBefore < 64L << 20, "heap grew by " + (usedHeap() - heapBefore));
        s.close();
    }

    @Test
    void rxBufSizeSetsTheChunkButNeverPastThePiece() throws Exception {
        DeflateSession s = Bytes.server("permessage-deflate", Preferences.DEFAULTS,
                new ExtensionSession.Limits(8192, Long.MAX_VALUE));
        assertTrue(s.setOption("rx_buf_size", "16"));
        assertEquals(8192, s.rxChunk());
        Collect c = new Collect();
        c.countOnly = true;
        feed(s, 8192, c);
        assertEquals(BOMB_SIZE, c.total);
        assertEquals(8192, c.largest);
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        System.gc();
        return r.totalMemory() - r.freeMemory();
    }
}
