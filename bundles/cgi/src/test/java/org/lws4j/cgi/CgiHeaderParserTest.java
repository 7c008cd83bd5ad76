package org.lws4j.cgi;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CgiHeaderParserTest {

    /** Feeds {@code out} split at {@code cut}; returns the parser and where the body starts in the whole. */
    private static int parse(CgiHeaderParser p, String out, int cut) throws CgiHeaderParser.MalformedException {
        byte[] b = out.getBytes(ISO_8859_1);
        int at = p.feed(b, 0, cut);
        if (at >= 0) {
            return at;
        }
        at = p.feed(b, cut, b.length - cut);
        return at;
    }

    @Test
    void contentTypeAndBodyWithLfOrCrlfSplitAnywhere() throws Exception {
        for (String eol : List.of("\n", "\r\n")) {
            String out = "Content-Type: text/plain" + eol + "X-Thing:  a b " + eol + eol + "body";
            for (int cut = 0; cut <= out.length(); cut++) {
                CgiHeaderParser p = new CgiHeaderParser();
                int body = parse(p, out, cut);
                assertEquals(out.indexOf("body"), body, "cut at " + cut);
                CgiResponseHead h = p.head();
                assertEquals(200, h.status());
                assertEquals("text/plain", h.contentType());
                assertEquals(List.of(Map.entry("X-Thing", "a b")), h.headers());
                assertEquals(-1, h.contentLength());
            }
        }
    }

    @Test
    void statusAndLocation() throws Exception {
        CgiHeaderParser p = new CgiHeaderParser();
        parse(p, "Status: 404 Not Here\nContent-Type: text/html\nContent-Length: 12\n\n", 0);
        assertEquals(404, p.head().status());
        assertEquals(12, p.head().contentLength());

        p = new CgiHeaderParser();
        parse(p, "Location: /elsewhere?x=1\n\n", 3);
        assertEquals(302, p.head().status());
        assertEquals("/elsewhere?x=1", p.head().location());
        assertTrue(p.head().isLocalRedirect());

        p = new CgiHeaderParser();
        parse(p, "Status: 301\r\nLocation: https://example.com/\r\n\r\n", 7);
        assertEquals(301, p.head().status());
        assertFalse(p.head().isLocalRedirect());
        assertEquals("https://example.com/", p.head().toResponse().headers().get(0).getValue());
    }

    @Test
    void hopByHopAndCoreHeadersAreDropped() throws Exception {
        CgiHeaderParser p = new CgiHeaderParser();
        parse(p, "Content-Type: a/b\nConnection: close\nDate: x\nServer: evil\nKeep-Alive: 1\nSet-Cookie: s=1\n\n", 0);
        assertEquals(List.of(Map.entry("Set-Cookie", "s=1")), p.head().headers());
    }

    @Test
    void garbageIsMalformed() {
        String[] bad = {
            "this is not a header\n\n",
            "Content-Type text/plain\n\n",
            ": no name\n\n",
            "Bad Name: x\nContent-Type: a/b\n\n",
            "Content-Type: a/b\rX: y\n\n",
            "Content-Type: a/\u0001b\n\n",
            "Status: abc\n\n",
            "Status: 99\n\n",
            "Status: 101 Switching\n\n",
            "Status: 2000\n\n",
            "Content-Type: a/b\nContent-Type: c/d\n\n",
            "Content-Type: a/b\nContent-Length: -1\n\n",
            "Content-Type: a/b\nTransfer-Encoding: chunked\n\n",
            "X-Only: something\n\n",
            "\n",
            "Content-Type: text/plain\nX: " + "y".repeat(CgiHeaderParser.MAX_BLOCK) + "\n\n",
        };
        for (String out : bad) {
            assertThrows(CgiHeaderParser.MalformedException.class,
                    () -> parse(new CgiHeaderParser(), out, out.length()), out.length() > 60 ? out.substring(0, 60) : out);
        }
    }

    @Test
    void incompleteBlockNeedsMore() throws Exception {
        CgiHeaderParser p = new CgiHeaderParser();
        byte[] b = "Content-Type: text/plain\n".getBytes(ISO_8859_1);
        assertEquals(-1, p.feed(b, 0, b.length));
        assertFalse(p.isDone());
        assertThrows(IllegalStateException.class, p::head);
        assertNull(null);
    }
}
