package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HuffmanTest {
    private static String encode(String s) {
        BlockBuffer out = new BlockBuffer(16, 1 << 16);
        Huffman.encode(s, out);
        assertEquals(out.length(), Huffman.encodedLength(s));
        return Hex.of(out);
    }

    private static String decode(String hex) throws H2Exception {
        byte[] in = Hex.bytes(hex);
        byte[] out = new byte[Huffman.maxDecodedLength(in.length)];
        int n = Huffman.decode(ByteBuffer.wrap(in), in.length, out);
        return new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Test
    void derivedCodesMatchAppendixB() {
        // (symbol, code, length) rows read off RFC 7541 Appendix B
        int[][] rows = {
                {0, 0x1ff8, 13}, {1, 0x7fffd8, 23}, {' ', 0x14, 6}, {'0', 0x0, 5}, {'a', 0x3, 5},
                {'e', 0x5, 5}, {':', 0x5c, 7}, {'A', 0x21, 6}, {'z', 0x7b, 7}, {'~', 0x1ffd, 13},
                {'{', 0x7ffe, 15}, {127, 0xffffffc, 28}, {128, 0xfffe6, 20}, {255, 0x3ffffee, 26},
                {10, 0x3ffffffc, 30}, {Huffman.EOS, 0x3fffffff, 30},
        };
        for (int[] row : rows) {
            assertEquals(row[1], Huffman.code(row[0]), "code of " + row[0]);
            assertEquals(row[2], Huffman.codeLength(row[0]), "length of " + row[0]);
        }
    }

    @Test
    void appendixCStrings() throws H2Exception {
        String[][] pairs = {
                {"www.example.com", "f1e3c2e5f23a6ba0ab90f4ff"},
                {"no-cache", "a8eb10649cbf"},
                {"custom-key", "25a849e95ba97d7f"},
                {"custom-value", "25a849e95bb8e8b4bf"},
                {"302", "6402"},
                {"private", "aec3771a4b"},
                {"Mon, 21 Oct 2013 20:13:21 GMT", "d07abe941054d444a8200595040b8166e082a62d1bff"},
                {"https://www.example.com", "9d29ad171863c78f0b97c8e9ae82ae43d3"},
                {"307", "640eff"},
                {"gzip", "9bd9ab"},
                {"foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                        "94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007"},
        };
        for (String[] p : pairs) {
            assertEquals(p[1], encode(p[0]), p[0]);
            assertEquals(p[0], decode(p[1]), p[1]);
        }
    }

    @Test
    void everyOctetRoundTrips() throws H2Exception {
        Random r = new Random(11);
        for (int round = 0; round < 500; round++) {
            char[] chars = new char[r.nextInt(64)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) (round < 256 && i == 0 ? round : r.nextInt(256));
            }
            String s = new String(chars);
            assertEquals(s, decode(encode(s)));
        }
        assertEquals("", decode(""));
    }

    @Test
    void eosInTheStringIsRefused() {
        // 'a' (00011) then EOS (30 ones) then padding
        assertBad("1fffffffff");
        // EOS alone, then padding
        assertBad("ffffffff");
    }

    @Test
    void paddingLongerThanSevenBitsIsRefused() {
        // '0' (00000) + 11 one-bits: padding of 11 bits
        assertBad("07ff");
        assertBad("ff");
    }

    @Test
    void paddingNotAllOnesIsRefused() {
        // 'a' (00011) + 110 padding
        assertBad("1e");
        // "0" + 000: decodes '0' twice? no: 00000 000 = '0' then 3 zero bits of padding
        assertBad("00");
    }

    private static void assertBad(String hex) {
        H2Exception e = assertThrows(H2Exception.class, () -> decode(hex), hex);
        assertEquals(ErrorCode.COMPRESSION_ERROR, e.code());
    }
}
