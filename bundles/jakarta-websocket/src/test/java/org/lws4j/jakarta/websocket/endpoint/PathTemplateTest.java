package org.lws4j.jakarta.websocket.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Path templates: parsing, matching, shapes, and the spec's precedence. */
class PathTemplateTest {
    @Test
    void matchesWholeSegments() {
        PathTemplate t = PathTemplate.parse("/chat/{room}/{user}");
        assertEquals(Map.of("room", "lobby", "user", "ann"), t.match("/chat/lobby/ann"));
        assertNull(t.match("/chat/lobby"));
        assertNull(t.match("/chat/lobby/ann/x"));
        assertNull(t.match("/chat//ann"), "a variable never matches an empty segment");
        assertNull(t.match("/talk/lobby/ann"));
        assertEquals(List.of("room", "user"), t.variables());
        assertEquals(Map.of(), PathTemplate.parse("/echo").match("/echo"));
        assertNull(PathTemplate.parse("/echo").match("/echo/"), "a trailing slash is another path");
    }

    @Test
    void refusesBadTemplates() {
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("chat"));
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/a{b}"));
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/{a}/{a}"));
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/{a{b}}"));
    }

    @Test
    void shapesIgnoreVariableNames() {
        assertEquals(PathTemplate.parse("/a/{x}").shape(), PathTemplate.parse("/a/{y}").shape());
        assertTrue(!PathTemplate.parse("/a/{x}").shape().equals(PathTemplate.parse("/{x}/a").shape()));
    }

    @Test
    void precedenceExactThenLiteralsFromTheLeft() {
        List<PathTemplate> l = new ArrayList<>(List.of(PathTemplate.parse("/{a}/{b}"), PathTemplate.parse("/{a}/b"),
                PathTemplate.parse("/a/{b}"), PathTemplate.parse("/a/b")));
        l.sort(null);
        assertEquals(List.of("/a/b", "/a/{b}", "/{a}/b", "/{a}/{b}"), l.stream().map(PathTemplate::text).toList());
    }
}
