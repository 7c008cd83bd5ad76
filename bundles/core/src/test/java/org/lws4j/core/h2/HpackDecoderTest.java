package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding errors and the header list size limit. */
class HpackDecoderTest {
    private static H2Exception fails(HpackDecoder d, String hex) {
        H2Exception e = assertThrows(H2Exception.class, () -> d.decode(Hex.buffer(hex), new ArrayList<>()), hex);
        assertEquals(ErrorCode.COMPRESSION_ERROR, e.code(), hex);
        assertTrue(e.isConnectionError());
        return e;
    }

    private static HpackDecoder decoder() {
        return new HpackDecoder(4096, 8192);
    }

    @Test
    void indexZeroAndPastTheTablesAreRefused() {
        fails(decoder(), "80");
        fails(decoder(), "be"); // 62: the dynamic table is empty
        fails(decoder(), "ff80808008"); // far past
        fails(decoder(), "7e0161"); // literal with indexed name 62
        fails(decoder(), "0f30"); // without indexing, name index 15 + 48 = 63
    }

    @Test
    void truncatedRepresentationsAreRefused() {
        fails(decoder(), "ff"); // indexed, integer cut short
        fails(decoder(), "40"); // literal, no name length
        fails(decoder(), "4003616263"); // name, then no value
        fails(decoder(), "400561"); // name longer than the block
        fails(decoder(), "41"); // indexed name, no value
        fails(decoder(), "410a6162"); // value longer than the block
        fails(decoder(), "41ff"); // value length cut short
        fails(decoder(), "417fffffffff0f"); // value length overflows
        fails(decoder(), "00"); // without indexing, no name
        fails(decoder(), "3f"); // size update, cut short
    }

    @Test
    void sizeUpdatesAboveTheLimitOrAfterAFieldAreRefused() throws H2Exception {
        fails(decoder(), "3fe21f"); // 4097 > 4096
        fails(decoder(), "823f0e"); // after a field
        HpackDecoder d = decoder();
        List<HeaderField> out = new ArrayList<>();
        assertTrue(d.decode(Hex.buffer("203fe11f82"), out)); // 0 then 4096, then a field
        assertEquals(4096, d.table().maxSize());
        assertEquals(1, out.size());
    }

    @Test
    void aLoweredLimitRequiresAnUpdateAtTheStart() throws H2Exception {
        HpackDecoder d = decoder();
        d.decode(Hex.buffer("4001610162"), new ArrayList<>()); // a: b into the table
        assertEquals(1, d.table().length());
        d.setTableSizeLimit(0);
        fails(d, "82");
        d.setTableSizeLimit(0);
        assertTrue(d.decode(Hex.buffer("2082"), new ArrayList<>()));
        assertEquals(0, d.table().length());
        assertTrue(d.decode(Hex.buffer("82"), new ArrayList<>())); // only the next block must start so
    }

    @Test
    void emptyHuffmanStringIsFine() throws H2Exception {
        List<HeaderField> out = new ArrayList<>();
        assertTrue(decoder().decode(Hex.buffer("0080" + "80"), out));
        assertEquals(List.of(new HeaderField("", "")), out);
    }

    @Test
    void huffmanErrorsInNamesAndValues() {
        fails(decoder(), "4081ff0161"); // name: 8 bits of padding
        fails(decoder(), "41811e"); // value: padding not all ones
        fails(decoder(), "4184ffffffff"); // value: EOS
    }

    @Test
    void theListLimitCountsNameValueAnd32() throws H2Exception {
        // ":method: GET" is 7 + 3 + 32 = 42
        HpackDecoder d = new HpackDecoder(4096, 84);
        List<HeaderField> out = new ArrayList<>();
        assertTrue(d.decode(Hex.buffer("8282"), out));
        assertEquals(84, d.lastListSize());
        out.clear();
        assertFalse(d.decode(Hex.buffer("828282"), out));
        assertTrue(out.isEmpty());
    }

    @Test
    void aHugeLiteralIsSkippedNotBuilt() throws H2Exception {
        // a 1 MiB value without indexing against a 1 KiB limit: skipped, the list refused
        int n = 1 << 20;
        BlockBuffer b = new BlockBuffer(n + 16, n + 16);
        b.put(0x00);
        HpackInteger.encode(b, 0, 7, 1);
        b.put('x');
        HpackInteger.encode(b, 0, 7, n);
        for (int i = 0; i < n; i++) {
            b.put('v');
        }
        b.put(0x82);
        HpackDecoder d = new HpackDecoder(4096, 1024);
        List<HeaderField> out = new ArrayList<>();
        assertFalse(d.decode(b.view(), out));
        assertTrue(out.isEmpty());
        assertTrue(d.lastListSize() < 1024);
    }

    @Test
    void pastTheLimitTheTableStaysInStep() throws H2Exception {
        HpackEncoder e = new HpackEncoder(4096, true);
        HpackDecoder d = new HpackDecoder(4096, 200);
        List<HeaderField> big = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            big.add(new HeaderField("x-name-" + i, "value number " + i));
        }
        BlockBuffer out = new BlockBuffer(64, 1 << 16);
        e.encode(big, out);
        List<HeaderField> got = new ArrayList<>();
        assertFalse(d.decode(out.view(), got));
        assertEquals(e.table().length(), d.table().length());
        for (int i = 1; i <= e.table().length(); i++) {
            assertEquals(e.table().get(i), d.table().get(i));
        }
        // the next block refers to the entries added past the limit
        out.clear();
        e.encode(big.subList(15, 18), out);
        got.clear();
        assertTrue(d.decode(out.view(), got));
        assertEquals(big.subList(15, 18), got);
    }

    @Test
    void anIndexedLiteralTooLargeForTheTableEmptiesItWhenSkipped() throws H2Exception {
        HpackDecoder d = new HpackDecoder(64, 40);
        List<HeaderField> out = new ArrayList<>();
        d.setMaxListSize(1 << 16);
        assertTrue(d.decode(Hex.buffer("400161" + "0162"), out)); // a: b (34)
        assertEquals(1, d.table().length());
        d.setMaxListSize(40);
        StringBuilder hex = new StringBuilder("4001" + "61" + "7f" + "21"); // value of 127 + 33 = 160
        hex.append("76".repeat(160));
        out.clear();
        assertFalse(d.decode(Hex.buffer(hex.toString()), out));
        assertEquals(0, d.table().length());
    }
}
