package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lws4j.core.http.RequestHeadParser.Status;

/**
 * The request head parser as a peer sees it: what it accepts, what every split of the same bytes
 * gives, what it leaves for the body or the next request, and the status of each bad input.
 */
class RequestHeadParserTest {
    private static final int SMALL = 256;

    /** What one parse came to: the head (or error status) and the bytes left after it. */
    record Outcome(Status status, RequestHead head, int error, String rest) {
        /** Everything a user of the head sees, as one comparable string. */
        String describe() {
            if (status != Status.DONE) {
                return status + " " + error + " rest=" + rest;
            }
            StringBuilder b = new StringBuilder();
            b.append(head.method()).append('|').append(head.target()).append('|').append(head.rawPath())
                    .append('|').append(head.query()).append('|').append(head.version()).append('|')
                    .append(head.targetHost());
            for (String n : head.headerNames()) {
                b.append('|').append(n).append('=').append(head.headers(n));
            }
            return b.append(" rest=").append(rest).toString();
        }
    }

    /** Feeds {@code data} in pieces ending at {@code cuts} (then the rest), as reads would. */
    static Outcome parse(byte[] data, int bufSize, int... cuts) {
        RequestHeadParser p = new RequestHeadParser();
        p.begin(new byte[bufSize]);
        int start = 0;
        List<Integer> ends = new ArrayList<>();
        for (int c : cuts) {
            ends.add(c);
        }
        ends.add(data.length);
        for (int end : ends) {
            ByteBuffer in = ByteBuffer.wrap(data, start, end - start);
            Status st = p.feed(in);
            if (st != Status.NEED_MORE) {
                String rest = new String(data, in.position(), data.length - in.position(), StandardCharsets.ISO_8859_1);
                return new Outcome(st, p.head(), p.errorStatus(), rest);
            }
            assertFalse(in.hasRemaining(), "NEED_MORE must mean every byte was taken");
            start = end;
        }
        return new Outcome(Status.NEED_MORE, null, 0, "");
    }

    static Outcome parse(String s, int bufSize, int... cuts) {
        return parse(s.getBytes(StandardCharsets.ISO_8859_1), bufSize, cuts);
    }

    /** Parses whole, split in two at every byte, and one byte at a time: all must agree. */
    static Outcome parseEveryWay(String s, int bufSize) {
        byte[] data = s.getBytes(StandardCharsets.ISO_8859_1);
        Outcome whole = parse(data, bufSize);
        for (int i = 1; i < data.length; i++) {
            assertEquals(whole.describe(), parse(data, bufSize, i).describe(), "split at byte " + i + " of " + show(s));
        }
        int[] every = new int[Math.max(0, data.length - 1)];
        for (int i = 0; i < every.length; i++) {
            every[i] = i + 1;
        }
        assertEquals(whole.describe(), parse(data, bufSize, every).describe(), "one byte at a time: " + show(s));
        return whole;
    }

    private static String show(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    // ---- well-formed requests ------------------------------------------------------------------

    @Test
    void getWithQuery() {
        Outcome o = parseEveryWay("GET /a/b%20c?x=1&y=two HTTP/1.1\r\nHost: example.com\r\n\r\n", SMALL);
        assertEquals(Status.DONE, o.status());
        RequestHead h = o.head();
        assertEquals("GET", h.method());
        assertEquals("/a/b%20c?x=1&y=two", h.target());
        assertEquals("/a/b%20c", h.rawPath());
        assertEquals("x=1&y=two", h.query());
        assertEquals("HTTP/1.1", h.version());
        assertTrue(h.isHttp11());
        assertEquals("example.com", h.header("Host"));
        assertEquals("example.com", h.header("HOST"));
        assertNull(h.targetHost());
        assertEquals("two", h.urlArg("y"));
        assertEquals("", o.rest());
    }

    @Test
    void postWithHeadersLeavesTheBodyInTheInput() {
        String req = "POST /form HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n";
        Outcome o = parseEveryWay(req + "hello world", SMALL);
        assertEquals(Status.DONE, o.status());
        assertEquals("POST", o.head().method());
        assertEquals("text/plain", o.head().header("content-type"));
        assertEquals(11, o.head().contentLength());
        assertEquals(List.of("host", "content-type", "content-length"), List.copyOf(o.head().headerNames()));
        assertEquals("hello world", o.rest());
    }

    @Test
    void pipelinedRequestStaysInTheInputExactly() {
        String second = "GET /two HTTP/1.1\r\nHost: h\r\n\r\n";
        Outcome o = parseEveryWay("GET /one HTTP/1.1\r\nHost: h\r\n\r\n" + second, SMALL);
        assertEquals("/one", o.head().rawPath());
        assertEquals(second, o.rest());
        Outcome o2 = parse(o.rest(), SMALL);
        assertEquals("/two", o2.head().rawPath());
    }

    @Test
    void http10() {
        Outcome o = parseEveryWay("GET / HTTP/1.0\r\n\r\n", SMALL);
        assertEquals("HTTP/1.0", o.head().version());
        assertFalse(o.head().isHttp11());
        assertTrue(o.head().headerNames().isEmpty());
    }

    @Test
    void absoluteFormTarget() {
        Outcome o = parseEveryWay("GET http://h:1/p?q HTTP/1.1\r\nHost: other\r\n\r\n", SMALL);
        assertEquals(Status.DONE, o.status());
        assertEquals("h:1", o.head().targetHost());
        assertEquals("/p", o.head().rawPath());
        assertEquals("q", o.head().query());
        assertEquals("http://h:1/p?q", o.head().target());

        Outcome bare = parse("GET http://h HTTP/1.1\r\n\r\n", SMALL);
        assertEquals("h", bare.head().targetHost());
        assertEquals("/", bare.head().rawPath());
        Outcome queryOnly = parse("GET https://h?x=1 HTTP/1.1\r\n\r\n", SMALL);
        assertEquals("h", queryOnly.head().targetHost());
        assertEquals("/", queryOnly.head().rawPath());
        assertEquals("x=1", queryOnly.head().query());
    }

    @Test
    void optionsStar() {
        Outcome o = parseEveryWay("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", SMALL);
        assertEquals("OPTIONS", o.head().method());
        assertEquals("*", o.head().rawPath());
        assertNull(o.head().query());
    }

    @Test
    void bareLfLineEndings() {
        Outcome o = parseEveryWay("GET /lf HTTP/1.1\nHost: h\nX-A: 1\n\nrest", SMALL);
        assertEquals(Status.DONE, o.status());
        assertEquals("/lf", o.head().rawPath());
        assertEquals("1", o.head().header("x-a"));
        assertEquals("rest", o.rest());
        // mixed: a CRLF empty line after LF-ended fields
        Outcome mixed = parseEveryWay("GET /m HTTP/1.1\r\nHost: h\n\r\nrest", SMALL);
        assertEquals("h", mixed.head().header("host"));
        assertEquals("rest", mixed.rest());
    }

    @Test
    void leadingEmptyLinesAreSkipped() {
        Outcome o = parseEveryWay("\r\n\r\n\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n", SMALL);
        assertEquals(Status.DONE, o.status());
        assertEquals("/x", o.head().rawPath());
        // eight empty lines are allowed
        assertEquals(Status.DONE, parseEveryWay("\r\n".repeat(8) + "GET / HTTP/1.1\r\n\r\n", SMALL).status());
    }

    @Test
    void headerValueOwsIsTrimmedInnerSpaceKept() {
        Outcome o = parseEveryWay("GET / HTTP/1.1\r\nX-Ows: \t  a b\tc \t \r\nX-Empty:\r\nX-Sp:   \r\n\r\n", SMALL);
        assertEquals("a b\tc", o.head().header("x-ows"));
        assertEquals("", o.head().header("x-empty"));
        assertEquals("", o.head().header("x-sp"));
    }

    @Test
    void repeatedHeadersKeepEveryValueInOrder() {
        Outcome o = parseEveryWay("GET / HTTP/1.1\r\nAccept: a\r\nHost: h\r\naccept: b\r\nACCEPT: c\r\n\r\n", SMALL);
        assertEquals(List.of("a", "b", "c"), o.head().headers("Accept"));
        assertEquals("a", o.head().header("accept"));
        assertEquals(List.of("accept", "host"), List.copyOf(o.head().headerNames()));
    }

    @Test
    void obsTextInValueIsKeptAsLatin1() {
        byte[] req = "GET / HTTP/1.1\r\nX-L: caf\u00e9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        Outcome o = parse(req, SMALL);
        assertEquals("caf\u00e9", o.head().header("x-l"));
    }

    @Test
    void aHeadFillingTheBufferExactlyIsAccepted() {
        String base = "GET / HTTP/1.1\r\nX: ";
        String req = base + "a".repeat(SMALL - base.length() - 4) + "\r\n\r\n";
        assertEquals(SMALL, req.length());
        assertEquals(Status.DONE, parseEveryWay(req + "NEXT", SMALL).status());
        assertEquals("NEXT", parse(req + "NEXT", SMALL).rest());
    }

    @Test
    void aHundredFieldsAreAccepted() {
        StringBuilder b = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i < 100; i++) {
            b.append("f").append(i).append(": v\r\n");
        }
        Outcome o = parse(b.append("\r\n").toString(), 8192);
        assertEquals(Status.DONE, o.status());
        assertEquals(100, o.head().headerNames().size());
    }

    @Test
    void incompleteHeadNeedsMore() {
        assertEquals(Status.NEED_MORE, parse("GET / HTTP/1.1\r\nHost: h\r\n", SMALL).status());
        assertEquals(Status.NEED_MORE, parse("GET / HTTP/1.1\r\nHost: h\r\n\r", SMALL).status());
        assertEquals(Status.NEED_MORE, parse("\r\n\r\n", SMALL).status());
    }

    @Test
    void theParserCanBeReusedForTheNextRequest() {
        RequestHeadParser p = new RequestHeadParser();
        byte[] buf = new byte[SMALL];
        p.begin(buf);
        assertEquals(Status.DONE, p.feed(ByteBuffer.wrap("GET /1 HTTP/1.1\r\nA: 1\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(buf, p.release());
        assertFalse(p.hasBuffer());
        p.begin(buf);
        assertFalse(p.started());
        assertEquals(Status.DONE, p.feed(ByteBuffer.wrap("GET /2 HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("/2", p.head().rawPath());
        assertNull(p.head().header("a"));
    }

    // ---- bad input ------------------------------------------------------------------------------

    static Stream<Arguments> badRequests() {
        String longLine = "GET /" + "a".repeat(SMALL) + " HTTP/1.1\r\n\r\n";
        String longHead = "GET / HTTP/1.1\r\nX: " + "b".repeat(SMALL) + "\r\n\r\n";
        StringBuilder fields = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i <= 100; i++) {
            fields.append("f").append(i).append(": v\r\n");
        }
        fields.append("\r\n");
        return Stream.of(
                Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", SMALL, 400),
                Arguments.of("tab before colon", "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", SMALL, 400),
                Arguments.of("obs-fold", "GET / HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n", SMALL, 400),
                Arguments.of("obs-fold tab", "GET / HTTP/1.1\r\nX-A: 1\r\n\tcontinued\r\n\r\n", SMALL, 400),
                Arguments.of("control char in value", "GET / HTTP/1.1\r\nX-A: a\u0001b\r\n\r\n", SMALL, 400),
                Arguments.of("NUL in value", "GET / HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n", SMALL, 400),
                Arguments.of("DEL in value", "GET / HTTP/1.1\r\nX-A: a\u007fb\r\n\r\n", SMALL, 400),
                Arguments.of("bare CR in value", "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", SMALL, 400),
                Arguments.of("missing colon", "GET / HTTP/1.1\r\nHost h\r\n\r\n", SMALL, 400),
                Arguments.of("empty field name", "GET / HTTP/1.1\r\n: h\r\n\r\n", SMALL, 400),
                Arguments.of("bad name char", "GET / HTTP/1.1\r\nX(A): h\r\n\r\n", SMALL, 400),
                Arguments.of("bad method char", "G(T / HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("binary method", "\u0001\u0002\u0003 / HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("leading space", " GET / HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("double space", "GET  / HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("no version", "GET /\r\n\r\n", SMALL, 400),
                Arguments.of("trailing space", "GET / HTTP/1.1 \r\n\r\n", SMALL, 400),
                Arguments.of("tab in target", "GET /a\tb HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("non-ascii in target", "GET /caf\u00e9 HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("relative target", "GET a/b HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("star for GET", "GET * HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("fragment", "GET /a#frag HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("fragment after query", "GET /a?q#frag HTTP/1.1\r\n\r\n", SMALL, 400),
                // found by RequestHeadParserFuzzTest: the host of an absolute-form target took the '#'
                Arguments.of("fragment in the authority", "GET http://a#b/c HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("lower-case version", "GET / http/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("version without minor", "GET / HTTP/1\r\n\r\n", SMALL, 400),
                Arguments.of("version garbage", "GET / HTTP/1.1x\r\n\r\n", SMALL, 400),
                Arguments.of("version two digits", "GET / HTTP/11.1\r\n\r\n", SMALL, 400),
                Arguments.of("too many empty lines", "\r\n".repeat(9) + "GET / HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("many bare LFs", "\n".repeat(17) + "GET / HTTP/1.1\r\n\r\n", SMALL, 400),
                Arguments.of("request line longer than the buffer", longLine, SMALL, 414),
                Arguments.of("head longer than the buffer", longHead, SMALL, 431),
                Arguments.of("more than 100 fields", fields.toString(), 8192, 431),
                Arguments.of("unknown method", "BREW /pot HTTP/1.1\r\n\r\n", SMALL, 501),
                Arguments.of("CONNECT", "CONNECT example.com:443 HTTP/1.1\r\n\r\n", SMALL, 501),
                Arguments.of("lower-case method", "get / HTTP/1.1\r\n\r\n", SMALL, 501),
                Arguments.of("HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", SMALL, 505),
                Arguments.of("HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", SMALL, 505),
                Arguments.of("HTTP/3.0", "GET / HTTP/3.0\r\n\r\n", SMALL, 505));
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("badRequests")
    void badInputGetsItsStatusHoweverItIsSplit(String what, String request, int bufSize, int status) {
        Outcome o = parseEveryWay(request, bufSize);
        assertEquals(Status.ERROR, o.status(), what);
        assertEquals(status, o.error(), what);
        assertNull(o.head(), what);
    }

    @Test
    void errorsComeWithAMessage() {
        RequestHeadParser p = new RequestHeadParser();
        p.begin(new byte[SMALL]);
        assertEquals(Status.ERROR, p.feed(ByteBuffer.wrap("BREW / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertNotNull(p.errorMessage());
        assertTrue(p.errorMessage().contains("BREW"), p.errorMessage());
    }

    @Test
    void longRequestLineIsRefusedBeforeItsEndArrives() {
        // a peer streaming a huge target gets 414 as soon as the buffer is full, not only at "\r\n"
        Outcome o = parse("GET /" + "a".repeat(SMALL * 4), SMALL);
        assertEquals(Status.ERROR, o.status());
        assertEquals(414, o.error());
    }
}
