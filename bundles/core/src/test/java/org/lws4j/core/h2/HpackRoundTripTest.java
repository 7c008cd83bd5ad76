package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random header lists through encoder and decoder on one connection, tables in step. */
class HpackRoundTripTest {
    private static final String[] NAMES = {":method", ":path", ":status", "content-type", "cookie",
            "authorization", "x-custom", "accept", "set-cookie", "date", "etag"};

    private static String randomString(Random r, int max) {
        char[] c = new char[r.nextInt(max)];
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) (r.nextInt(4) == 0 ? r.nextInt(256) : 'a' + r.nextInt(26));
        }
        return new String(c);
    }

    private static List<HeaderField> randomList(Random r) {
        List<HeaderField> l = new ArrayList<>();
        int n = r.nextInt(20);
        for (int i = 0; i < n; i++) {
            String name = r.nextBoolean() ? NAMES[r.nextInt(NAMES.length)] : randomString(r, 12);
            String value = r.nextInt(3) == 0 ? "" : randomString(r, r.nextInt(10) == 0 ? 3000 : 40);
            l.add(new HeaderField(name, value));
        }
        return l;
    }

    @Test
    void randomListsRoundTrip() throws H2Exception {
        Random r = new Random(2024);
        for (int conn = 0; conn < 40; conn++) {
            boolean huffman = r.nextBoolean();
            int tableSize = new int[] {0, 64, 256, 4096}[r.nextInt(4)];
            HpackEncoder e = new HpackEncoder(4096, huffman);
            HpackDecoder d = new HpackDecoder(4096, 1 << 20);
            e.setPeerTableSize(tableSize);
            for (int block = 0; block < 50; block++) {
                if (r.nextInt(20) == 0) {
                    e.setPeerTableSize(new int[] {0, 100, 4096}[r.nextInt(3)]);
                }
                List<HeaderField> in = randomList(r);
                BlockBuffer out = new BlockBuffer(64, 1 << 20);
                if (r.nextBoolean()) {
                    e.encode(in, out);
                } else {
                    e.startBlock(out);
                    for (HeaderField f : in) {
                        e.encode(f, HpackEncoder.Indexing.values()[r.nextInt(3)], out);
                    }
                }
                List<HeaderField> got = new ArrayList<>();
                assertTrue(d.decode(out.view(), got));
                assertEquals(in, got);
                assertEquals(e.table().size(), d.table().size());
                assertEquals(e.table().length(), d.table().length());
            }
        }
    }

    @Test
    void sizeUpdatesAreSignalledSmallestFirst() throws H2Exception {
        HpackEncoder e = new HpackEncoder(4096, false);
        e.encode(List.of(new HeaderField("a", "b")), new BlockBuffer(8, 64));
        e.setPeerTableSize(0);
        e.setPeerTableSize(2048);
        BlockBuffer out = new BlockBuffer(8, 64);
        e.encode(List.of(new HeaderField(":method", "GET")), out);
        assertEquals("203fe10f82", Hex.of(out));
        out.clear();
        e.encode(List.of(new HeaderField(":method", "GET")), out);
        assertEquals("82", Hex.of(out));
    }

    @Test
    void credentialsAreNeverIndexed() {
        HpackEncoder e = new HpackEncoder(4096, false);
        BlockBuffer out = new BlockBuffer(8, 256);
        e.encode(List.of(new HeaderField("authorization", "Basic xyz"), new HeaderField("cookie", "a=b")), out);
        assertEquals(0x10 | 0x0f, out.get(0)); // never indexed, name index 23 = 15 + 8
        assertEquals(0, e.table().length());
    }
}
