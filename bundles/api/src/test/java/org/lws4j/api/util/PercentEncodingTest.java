package org.lws4j.api.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PercentEncodingTest {
    @Test
    void decodingIsLenient() {
        assertEquals("a b+c", PercentEncoding.decode("a%20b+c"));
        assertEquals("a b c", PercentEncoding.decodeForm("a%20b+c"));
        assertEquals("\u20ac", PercentEncoding.decode("%E2%82%ac"));
        assertEquals("%zz %4 %", PercentEncoding.decode("%zz %4 %"));
        assertEquals("\uFFFD", PercentEncoding.decode("%FF"), "not UTF-8");
        assertEquals("caf\u00e9", PercentEncoding.decode("caf\u00e9"), "characters as they are");
        assertEquals("\ud83d\ude00", PercentEncoding.decode("%F0%9F%98%80"));
    }

    @Test
    void encodingKeepsOnlyUnreserved() {
        assertEquals("a-b.c_d~e%20%2F%3F%26%3D%25%2B", PercentEncoding.encode("a-b.c_d~e /?&=%+"));
        assertEquals("%E2%82%AC", PercentEncoding.encode("\u20ac"));
        for (String s : List.of("", "x y", "\u00e9/\ud83d\ude00?&=+%")) {
            assertEquals(s, PercentEncoding.decode(PercentEncoding.encode(s)));
        }
    }

    @Test
    void queryArgsInOrder() {
        List<Map.Entry<String, String>> a = PercentEncoding.queryArgs("a=1&b&c=%E2%82%AC+x&&d=%zz&=v");
        assertEquals(5, a.size());
        assertEquals(Map.entry("a", "1"), a.get(0));
        assertEquals("b", a.get(1).getKey());
        assertNull(a.get(1).getValue());
        assertEquals("\u20ac x", a.get(2).getValue());
        assertEquals("%zz", a.get(3).getValue());
        assertEquals("", a.get(4).getKey());
        assertTrue(PercentEncoding.queryArgs(null).isEmpty());
        assertTrue(PercentEncoding.queryArgs("").isEmpty());
    }
}
