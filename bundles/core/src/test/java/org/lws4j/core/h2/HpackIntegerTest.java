package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HpackIntegerTest {
    private static String encode(int flags, int prefix, int value) {
        BlockBuffer out = new BlockBuffer(8, 16);
        HpackInteger.encode(out, flags, prefix, value);
        assertEquals(out.length(), HpackInteger.length(prefix, value));
        return Hex.of(out);
    }

    @Test
    void appendixC1Examples() throws H2Exception {
        assertEquals("0a", encode(0, 5, 10));
        assertEquals("1f9a0a", encode(0, 5, 1337));
        assertEquals("2a", encode(0, 8, 42));
        assertEquals(10, HpackInteger.decode(Hex.buffer("ea"), 5));
        assertEquals(1337, HpackInteger.decode(Hex.buffer("ff9a0a"), 5));
        assertEquals(42, HpackInteger.decode(Hex.buffer("2a"), 8));
    }

    @Test
    void flagsStayAbovePrefix() {
        assertEquals("82", encode(0x80, 7, 2));
        assertEquals("7f00", encode(0x40, 6, 63));
        assertEquals("3fe11f", encode(0x20, 5, 4096));
    }

    @Test
    void roundTripsEveryPrefixAcrossTheRange() throws H2Exception {
        Random r = new Random(7);
        int[] edges = {0, 1, 30, 31, 32, 126, 127, 128, 254, 255, 256, 16383, 16384, Integer.MAX_VALUE};
        for (int prefix = 1; prefix <= 8; prefix++) {
            for (int i = 0; i < 200 + edges.length; i++) {
                int v = i < edges.length ? edges[i] : r.nextInt(Integer.MAX_VALUE);
                BlockBuffer out = new BlockBuffer(8, 16);
                HpackInteger.encode(out, 0, prefix, v);
                ByteBuffer in = out.view();
                assertEquals(v, HpackInteger.decode(in, prefix));
                assertEquals(0, in.remaining());
            }
        }
    }

    @Test
    void truncatedIsACompressionError() {
        for (String hex : new String[] {"", "1f", "1f9a", "ff8080"}) {
            H2Exception e = assertThrows(H2Exception.class, () -> HpackInteger.decode(Hex.buffer(hex), 5));
            assertEquals(ErrorCode.COMPRESSION_ERROR, e.code());
            assertEquals(true, e.isConnectionError());
        }
    }

    @Test
    void overflowIsACompressionError() {
        // 2^31 - 1 is the largest; 2^31 and longer runs are refused
        String[] bad = {"1fe1ffffff07", "1fffffffff0f", "1f8080808080808000", "1fffffffffffffffff7f"};
        for (String hex : bad) {
            H2Exception e = assertThrows(H2Exception.class, () -> HpackInteger.decode(Hex.buffer(hex), 5));
            assertEquals(ErrorCode.COMPRESSION_ERROR, e.code(), hex);
        }
    }

    @Test
    void largestValueDecodes() throws H2Exception {
        BlockBuffer out = new BlockBuffer(8, 16);
        HpackInteger.encode(out, 0, 5, Integer.MAX_VALUE);
        assertEquals(Integer.MAX_VALUE, HpackInteger.decode(out.view(), 5));
    }
}
