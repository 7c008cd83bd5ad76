package org.lws4j.api.util;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class UrlEncodedParserTest {
    @Test
    void eachPairIsHandedOverAsSoonAsItEnds() throws FormException {
        List<Map.Entry<String, String>> got = new ArrayList<>();
        UrlEncodedParser p = new UrlEncodedParser((n, v) -> got.add(Map.entry(n, v)), 100);
        p.feed(ByteBuffer.wrap("a=1&b=tw".getBytes(UTF_8)));
        assertEquals(List.of(Map.entry("a", "1")), got);
        p.feed(ByteBuffer.wrap("o&c=a=b".getBytes(UTF_8)));
        assertEquals(List.of(Map.entry("a", "1"), Map.entry("b", "two")), got);
        p.finish();
        assertEquals(Map.entry("c", "a=b"), got.get(2), "only the first '=' splits");
    }
}
