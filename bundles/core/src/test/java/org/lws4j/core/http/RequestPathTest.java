package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Path decoding and the flags callers refuse paths by. */
class RequestPathTest {
    private static RequestPath ok(String raw) {
        RequestPath p = RequestPath.parse(raw);
        assertNotNull(p, raw);
        return p;
    }

    private static boolean clean(RequestPath p) {
        return !p.hasDotSegment() && !p.hasSlashInSegment() && !p.hasBackslash() && !p.hasNul();
    }

    @Test
    void plainPath() {
        RequestPath p = ok("/a/b/c.txt");
        assertEquals("/a/b/c.txt", p.decoded());
        assertEquals(List.of("a", "b", "c.txt"), p.segments());
        assertFalse(p.trailingSlash());
        assertTrue(clean(p));
    }

    @Test
    void root() {
        RequestPath p = ok("/");
        assertEquals("/", p.decoded());
        assertEquals(List.of(), p.segments());
        assertTrue(p.trailingSlash());
        assertTrue(clean(p));
    }

    @Test
    void percentDecoding() {
        RequestPath p = ok("/a%20b/%41%62c/caf%C3%A9/%e2%82%ac");
        assertEquals("/a b/Abc/caf\u00e9/\u20ac", p.decoded());
        assertEquals(List.of("a b", "Abc", "caf\u00e9", "\u20ac"), p.segments());
        assertTrue(clean(p));
    }

    @Test
    void plusAndOtherSubDelimsStayAsTheyAre() {
        assertEquals("/a+b/c;d=e/~f", ok("/a+b/c;d=e/~f").decoded());
    }

    @Test
    void noDoubleDecoding() {
        RequestPath p = ok("/%252e%252e/x");
        assertEquals("/%2e%2e/x", p.decoded());
        assertFalse(p.hasDotSegment());
    }

    @Test
    void trailingSlash() {
        RequestPath p = ok("/dir/");
        assertTrue(p.trailingSlash());
        assertEquals(List.of("dir"), p.segments());
        assertEquals("/dir/", p.decoded());
        assertFalse(ok("/dir").trailingSlash());
        // an encoded slash at the end is not a trailing slash of the path
        assertFalse(ok("/dir%2F").trailingSlash());
    }

    @Test
    void emptySegmentsAreNotSegments() {
        RequestPath p = ok("/a//b///");
        assertEquals(List.of("a", "b"), p.segments());
        assertEquals("/a//b///", p.decoded());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../etc/passwd", "/a/../b", "/a/..", "/.", "/./a", "/a/./b", "/a/.",
        "/%2e%2e/x", "/%2E%2E/x", "/.%2e/x", "/%2e./x", "/a/%2e", "/a/%2E/", "/%2e%2e"})
    void dotSegmentsAreFlaggedAsSentOrEncoded(String raw) {
        assertTrue(ok(raw).hasDotSegment(), raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/...", "/..a", "/a..", "/.hidden", "/a.b/c", "/%2e%2e%2e", "/.%2e."})
    void dotsInsideNamesAreNotDotSegments(String raw) {
        assertFalse(ok(raw).hasDotSegment(), raw);
    }

    @Test
    void encodedSlashIsFlagged() {
        RequestPath p = ok("/a%2Fb");
        assertTrue(p.hasSlashInSegment());
        assertEquals(List.of("a/b"), p.segments());
        assertTrue(ok("/a%2fb").hasSlashInSegment());
        // a dot segment hidden behind an encoded slash is still flagged for refusal
        RequestPath hidden = ok("/x/..%2F..%2Fetc%2Fpasswd");
        assertFalse(clean(hidden));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/x/..%2F..%2Fetc", "/..%2f", "/a%2F.%2Fb", "/%2E%2E%2Fsecret", "/..%5c..%5cwin",
        "/a%5C..", "/x/.%2F"})
    void dotSegmentsHiddenBehindEncodedSeparatorsAreDotSegments(String raw) {
        // whoever splits the decoded path on '/' (or '\\') would see a dot segment
        assertTrue(ok(raw).hasDotSegment(), raw);
    }

    @Test
    void encodedSlashAloneIsNoDotSegment() {
        assertFalse(ok("/a%2Fb").hasDotSegment());
        assertFalse(ok("/a%2F...%2Fb").hasDotSegment());
    }

    @Test
    void backslashRawAndEncodedIsFlagged() {
        RequestPath raw = ok("/a\\..\\b");
        assertTrue(raw.hasBackslash());
        assertFalse(clean(raw));
        assertTrue(ok("/a%5cb").hasBackslash());
        assertTrue(ok("/a%5Cb").hasBackslash());
        assertTrue(ok("/..%5c..%5cwindows").hasBackslash());
    }

    @Test
    void nulIsFlagged() {
        RequestPath p = ok("/a%00.txt");
        assertTrue(p.hasNul());
        assertTrue(p.decoded().indexOf('\0') >= 0);
        assertFalse(ok("/a%01.txt").hasNul());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%zz", "/a%2", "/a%", "/%g0", "/%0g", "/a%2/b", "/%%41", "/ok/%2", "/%"})
    void badEscapesAreNull(String raw) {
        assertNull(RequestPath.parse(raw), raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%ff", "/%C3", "/%C3%28", "/%c0%af", "/%c0%ae%c0%ae", "/%e2%82", "/%ed%a0%80",
        "/%f8%88%80%80%80", "/a/%80"})
    void invalidUtf8IsNull(String raw) {
        assertNull(RequestPath.parse(raw), raw);
    }
}
