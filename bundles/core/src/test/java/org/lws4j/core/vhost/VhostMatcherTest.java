package org.lws4j.core.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which vhost a Host header (or SNI name) picks among a listener's vhosts. */
class VhostMatcherTest {
    record V(String name) implements VhostMatcher.Named {
    }

    private static final V FIRST = new V("first.example");
    private static final V ABC = new V("abc.com");
    private static final V SUB = new V("b.abc.com");
    private static final V LOCAL = new V("localhost");
    private static final V V6 = new V("[::1]");
    private static final List<V> ALL = List.of(FIRST, ABC, SUB, LOCAL, V6);

    private static String pick(String host) {
        V v = VhostMatcher.match(ALL, host);
        return v == null ? null : v.name();
    }

    @Test
    void exactName() {
        assertEquals("abc.com", pick("abc.com"));
        assertEquals("localhost", pick("localhost"));
        assertEquals("b.abc.com", pick("b.abc.com"));
    }

    @Test
    void caseInsensitive() {
        assertEquals("abc.com", pick("ABC.Com"));
        assertEquals("localhost", pick("LocalHost:7681"));
    }

    @Test
    void portIsStripped() {
        assertEquals("abc.com", pick("abc.com:7681"));
        assertEquals("abc.com", pick("abc.com:"));
        assertEquals("localhost", pick("localhost:80"));
    }

    @Test
    void ipv6Literal() {
        assertEquals("[::1]", pick("[::1]:7681"));
        assertEquals("[::1]", pick("[::1]"));
        assertEquals("[::1]", VhostMatcher.hostName("[::1]:7681"));
        assertEquals("[fe80::1]", VhostMatcher.hostName("[FE80::1]:443"));
    }

    @Test
    void trailingDot() {
        assertEquals("abc.com", pick("abc.com."));
        assertEquals("abc.com", pick("abc.com.:443"));
        assertEquals("abc.com", VhostMatcher.hostName("ABC.com.:443"));
    }

    @Test
    void whitespaceAroundTheValueIsIgnored() {
        assertEquals("abc.com", pick("  abc.com:1 "));
    }

    @Test
    void subdomainFallsToTheParentName() {
        assertEquals("abc.com", pick("cats.abc.com"));
        assertEquals("abc.com", pick("a.b.c.abc.com:8080"));
    }

    @Test
    void longestWildcardWinsWhateverTheOrder() {
        assertEquals("b.abc.com", pick("x.b.abc.com"));
        assertEquals("b.abc.com", VhostMatcher.match(List.of(FIRST, SUB, ABC), "x.b.abc.com").name());
        assertEquals("b.abc.com", VhostMatcher.match(List.of(FIRST, ABC, SUB), "x.b.abc.com").name());
    }

    @Test
    void exactBeatsWildcard() {
        V cats = new V("cats.abc.com");
        assertEquals("cats.abc.com", VhostMatcher.match(List.of(ABC, cats), "cats.abc.com").name());
    }

    @Test
    void suffixWithoutDotIsNoMatch() {
        assertEquals("first.example", pick("xabc.com"));
        assertEquals("first.example", pick("abc.com.evil.org"));
        assertEquals("first.example", pick("com"));
    }

    @Test
    void noHostGivesTheFirst() {
        assertEquals("first.example", pick(null));
        assertEquals("first.example", pick(""));
        assertEquals("first.example", pick("   "));
        assertNull(VhostMatcher.hostName(null));
        assertNull(VhostMatcher.hostName(" "));
    }

    @Test
    void unknownHostGivesTheFirst() {
        assertEquals("first.example", pick("unknown.org"));
        assertEquals("first.example", pick("127.0.0.1:7681"));
        assertEquals("first.example", pick("[::2]:7681"));
    }

    @Test
    void noCandidatesGivesNull() {
        assertNull(VhostMatcher.match(List.<V>of(), "abc.com"));
    }
}
