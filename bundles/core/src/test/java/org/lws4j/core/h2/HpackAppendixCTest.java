package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every example of RFC 7541 Appendix C, decoded and encoded, with the table after each. */
class HpackAppendixCTest {
    static List<HeaderField> list(String... nameValues) {
        List<HeaderField> l = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            l.add(new HeaderField(nameValues[i], nameValues[i + 1]));
        }
        return l;
    }

    private static List<HeaderField> decode(HpackDecoder d, String hex) throws H2Exception {
        List<HeaderField> out = new ArrayList<>();
        assertTrue(d.decode(Hex.buffer(hex), out));
        return out;
    }

    /** Checks the table: entries newest first, then its size. */
    private static void assertTable(DynamicTable t, int size, String... nameValues) {
        assertEquals(list(nameValues).size(), t.length());
        for (int i = 0; i < t.length(); i++) {
            assertEquals(list(nameValues).get(i), t.get(i + 1));
        }
        assertEquals(size, t.size());
    }

    private static String encode(HpackEncoder e, List<HeaderField> fields) {
        BlockBuffer out = new BlockBuffer(64, 4096);
        e.startBlock(out);
        for (HeaderField f : fields) {
            e.encode(f, HpackEncoder.Indexing.INCREMENTAL, out);
        }
        return Hex.of(out);
    }

    private static String hex(String dump) {
        return dump.replaceAll("\\s", "");
    }

    @Test
    void c2FieldRepresentations() throws H2Exception {
        HpackDecoder d = new HpackDecoder(4096, 1 << 16);
        assertEquals(list("custom-key", "custom-header"),
                decode(d, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        assertTable(d.table(), 55, "custom-key", "custom-header");

        d = new HpackDecoder(4096, 1 << 16);
        assertEquals(list(":path", "/sample/path"), decode(d, "040c 2f73 616d 706c 652f 7061 7468"));
        assertTable(d.table(), 0);

        d = new HpackDecoder(4096, 1 << 16);
        assertEquals(list("password", "secret"), decode(d, "1008 7061 7373 776f 7264 0673 6563 7265 74"));
        assertTable(d.table(), 0);

        d = new HpackDecoder(4096, 1 << 16);
        assertEquals(list(":method", "GET"), decode(d, "82"));
        assertTable(d.table(), 0);
    }

    @Test
    void c2Encoded() {
        HpackEncoder e = new HpackEncoder(4096, false);
        BlockBuffer out = new BlockBuffer(64, 4096);
        e.encode(new HeaderField("custom-key", "custom-header"), HpackEncoder.Indexing.INCREMENTAL, out);
        assertEquals(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"), Hex.of(out));
        assertTable(e.table(), 55, "custom-key", "custom-header");

        out.clear();
        e = new HpackEncoder(4096, false);
        e.encode(new HeaderField(":path", "/sample/path"), HpackEncoder.Indexing.WITHOUT, out);
        assertEquals(hex("040c 2f73 616d 706c 652f 7061 7468"), Hex.of(out));

        out.clear();
        e.encode(new HeaderField("password", "secret"), HpackEncoder.Indexing.NEVER, out);
        assertEquals(hex("1008 7061 7373 776f 7264 0673 6563 7265 74"), Hex.of(out));

        out.clear();
        e.encode(new HeaderField(":method", "GET"), HpackEncoder.Indexing.INCREMENTAL, out);
        assertEquals("82", Hex.of(out));
        assertTable(e.table(), 0);
    }

    static final List<HeaderField> REQ1 = list(":method", "GET", ":scheme", "http", ":path", "/",
            ":authority", "www.example.com");
    static final List<HeaderField> REQ2 = list(":method", "GET", ":scheme", "http", ":path", "/",
            ":authority", "www.example.com", "cache-control", "no-cache");
    static final List<HeaderField> REQ3 = list(":method", "GET", ":scheme", "https", ":path", "/index.html",
            ":authority", "www.example.com", "custom-key", "custom-value");

    private static final String[] C3 = {
            "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "8286 84be 5808 6e6f 2d63 6163 6865",
            "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
    };
    private static final String[] C4 = {
            "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
            "8286 84be 5886 a8eb 1064 9cbf",
            "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
    };

    private static void assertRequestTables(DynamicTable t, int step) {
        switch (step) {
            case 0 -> assertTable(t, 57, ":authority", "www.example.com");
            case 1 -> assertTable(t, 110, "cache-control", "no-cache", ":authority", "www.example.com");
            default -> assertTable(t, 164, "custom-key", "custom-value", "cache-control", "no-cache",
                    ":authority", "www.example.com");
        }
    }

    @Test
    void c3AndC4RequestsDecoded() throws H2Exception {
        List<List<HeaderField>> lists = List.of(REQ1, REQ2, REQ3);
        for (String[] blocks : new String[][] {C3, C4}) {
            HpackDecoder d = new HpackDecoder(4096, 1 << 16);
            for (int i = 0; i < 3; i++) {
                assertEquals(lists.get(i), decode(d, blocks[i]));
                assertRequestTables(d.table(), i);
            }
        }
    }

    @Test
    void c3AndC4RequestsEncoded() {
        List<List<HeaderField>> lists = List.of(REQ1, REQ2, REQ3);
        for (boolean huffman : new boolean[] {false, true}) {
            String[] blocks = huffman ? C4 : C3;
            HpackEncoder e = new HpackEncoder(4096, huffman);
            for (int i = 0; i < 3; i++) {
                assertEquals(hex(blocks[i]), encode(e, lists.get(i)), "huffman " + huffman + " request " + i);
                assertRequestTables(e.table(), i);
            }
        }
    }

    static final List<HeaderField> RESP1 = list(":status", "302", "cache-control", "private",
            "date", "Mon, 21 Oct 2013 20:13:21 GMT", "location", "https://www.example.com");
    static final List<HeaderField> RESP2 = list(":status", "307", "cache-control", "private",
            "date", "Mon, 21 Oct 2013 20:13:21 GMT", "location", "https://www.example.com");
    static final List<HeaderField> RESP3 = list(":status", "200", "cache-control", "private",
            "date", "Mon, 21 Oct 2013 20:13:22 GMT", "location", "https://www.example.com",
            "content-encoding", "gzip",
            "set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1");

    private static final String[] C5 = {
            "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
                    + "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70"
                    + "6c65 2e63 6f6d",
            "4803 3330 37c1 c0bf",
            "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
                    + "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
                    + "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e"
                    + "3d31",
    };
    private static final String[] C6 = {
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                    + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
            "4883 640e ffc1 c0bf",
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
                    + "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
                    + "9587 3160 65c0 03ed 4ee5 b106 3d50 07",
    };

    private static void assertResponseTables(DynamicTable t, int step) {
        switch (step) {
            case 0 -> assertTable(t, 222, "location", "https://www.example.com",
                    "date", "Mon, 21 Oct 2013 20:13:21 GMT", "cache-control", "private", ":status", "302");
            case 1 -> assertTable(t, 222, ":status", "307", "location", "https://www.example.com",
                    "date", "Mon, 21 Oct 2013 20:13:21 GMT", "cache-control", "private");
            default -> assertTable(t, 215,
                    "set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                    "content-encoding", "gzip", "date", "Mon, 21 Oct 2013 20:13:22 GMT");
        }
    }

    @Test
    void c5AndC6ResponsesDecoded() throws H2Exception {
        List<List<HeaderField>> lists = List.of(RESP1, RESP2, RESP3);
        for (String[] blocks : new String[][] {C5, C6}) {
            HpackDecoder d = new HpackDecoder(256, 1 << 16);
            for (int i = 0; i < 3; i++) {
                assertEquals(lists.get(i), decode(d, blocks[i]));
                assertResponseTables(d.table(), i);
            }
        }
    }

    @Test
    void c5AndC6ResponsesEncoded() {
        List<List<HeaderField>> lists = List.of(RESP1, RESP2, RESP3);
        for (boolean huffman : new boolean[] {false, true}) {
            String[] blocks = huffman ? C6 : C5;
            HpackEncoder e = new HpackEncoder(256, huffman);
            for (int i = 0; i < 3; i++) {
                assertEquals(hex(blocks[i]), encode(e, lists.get(i)), "huffman " + huffman + " response " + i);
                assertResponseTables(e.table(), i);
            }
        }
    }
}
