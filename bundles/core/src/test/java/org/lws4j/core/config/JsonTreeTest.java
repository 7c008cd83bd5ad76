package org.lws4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * {@link JsonTree} builds the tree ObjectMapper.readTree (with FAIL_ON_TRAILING_TOKENS, as the
 * config loader had it) builds: same node types and values, the same verdict on bad input.
 */
class JsonTreeTest {
    private final ObjectMapper mapper = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    @Test
    void sameTreeAsObjectMapper() throws Exception {
        for (String json : List.of(
                "{\"global\": {\"count-threads\": \"2\", \"timeout-secs\": 5}, \"vhosts\": []}",
                "{\"a\": [1, -2, 2147483648, 92233720368547758070, 1.5, -0.25e3, true, false, null, \"x\\u00e9\\n\"]}",
                "{\"nested\": {\"deeper\": [{\"k\": {}}, [], [[]]]}, \"empty\": {}}",
                "{\"dup\": 1, \"dup\": \"second wins\"}",
                "  [ \"not an object\" ]  ",
                "\"text\"",
                "42")) {
            JsonNode expected = mapper.readTree(json);
            JsonNode got = JsonTree.read(json);
            assertEquals(expected, got, json);
            assertEquals(expected.toString(), got.toString(), json);
        }
        assertEquals(JsonNode.class.cast(JsonTree.read("{\"n\": 7}").get("n")).getClass(),
                mapper.readTree("{\"n\": 7}").get("n").getClass());
    }

    @Test
    void noContentIsTheMissingNode() throws Exception {
        assertTrue(JsonTree.read("").isMissingNode());
        assertTrue(JsonTree.read("  \n ").isMissingNode());
    }

    @Test
    void badInputSaysWhere() {
        JsonParseException trailing = assertThrows(JsonParseException.class, () -> JsonTree.read("{\"a\": 1}\n{\"b\": 2}"));
        assertTrue(trailing.getOriginalMessage().startsWith("Trailing token (of type START_OBJECT)"), trailing.getMessage());
        assertEquals(2, trailing.getLocation().getLineNr());
        JsonParseException stray = assertThrows(JsonParseException.class, () -> JsonTree.read("{\"a\": 1} }"));
        assertEquals(1, stray.getLocation().getLineNr());
        JsonParseException bad = assertThrows(JsonParseException.class, () -> JsonTree.read("{\n  \"a\": 1,\n  c\n}"));
        assertTrue(bad.getOriginalMessage().startsWith("Unexpected character ('c'"), bad.getMessage());
        assertEquals(3, bad.getLocation().getLineNr());
        assertThrows(JsonParseException.class, () -> JsonTree.read("{\"a\": [1, 2}"));
        assertThrows(JsonParseException.class, () -> JsonTree.read("{\"a\": "));
    }
}
