package org.lws4j.core.config;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a config file's JSON into Jackson's tree with jackson-core's streaming parser, as
 * {@code ObjectMapper.readTree} with {@code FAIL_ON_TRAILING_TOKENS} would, but without an
 * ObjectMapper: building one loads and initialises some 300 databind classes (type
 * factory, serializer and deserializer caches) that a config of strings, numbers, objects and
 * arrays never uses (issue 23: start-up time). The tree is the same: objects,
 * arrays, text, int/long/big integer, double, boolean and null nodes; a key given twice keeps its
 * last value; no content gives the missing node; anything after the value is an error.
 */
final class JsonTree {
    /** Thread-safe once configured; the parser's own limits (nesting depth, lengths) apply. */
    private static final JsonFactory JSON = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTree() {
    }

    /**
     * The tree of {@code json}, or the missing node when it holds no value.
     *
     * @throws JsonParseException when it is not one JSON value (with the line and column)
     */
    static JsonNode read(String json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return MissingNode.getInstance();
            }
            JsonNode root = value(p, t);
            JsonToken extra = p.nextToken();
            if (extra != null) {
                throw new JsonParseException(p, "Trailing token (of type " + extra + ") found after the value");
            }
            return root;
        }
    }

    /** The value that starts with {@code t}, the parser left on its last token. */
    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, value(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(value(p, e));
                }
                return a;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new JsonParseException(p, "Unexpected token " + t);
        }
    }
}
