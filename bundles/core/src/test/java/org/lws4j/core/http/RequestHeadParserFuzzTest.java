package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.lws4j.core.http.RequestHeadParser.Status;

/**
 * {@link RequestHeadParser} on any bytes, in a header buffer of any size:
 * <ul>
 * <li>fed whole, one byte at a time, split at one chosen byte or in random pieces, it comes to
 *     the same outcome and leaves the same bytes after the head;</li>
 * <li>it agrees with a plain, non-incremental reading of RFC 9112 (below): it accepts exactly the
 *     heads that reading accepts, with the same fields, and refuses the rest with the status that
 *     reading gives, one of 400, 414, 431, 501, 505 (413 is the body's);</li>
 * <li>an accepted head, written out again in canonical form, parses to the same head;</li>
 * <li>it throws nothing, and asks for more only after taking all it was given.</li>
 * </ul>
 * Input: the bytes a peer sends, then (taken from the end) the buffer size, a split point and a
 * seed for the piece sizes.
 */
class RequestHeadParserFuzzTest {
    private static final Set<Integer> STATUSES = Set.of(400, 414, 431, 501, 505);
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE");
    private static final String TCHAR_PUNCT = "!#$%&'*+-.^_`|~";
    private static final int MAX_FIELDS = 100;
    private static final int MAX_SKIPPED = 16;

    /** An outcome as a user of the parser sees it: status, error, head fields, where the head ended. */
    record Outcome(Status status, int error, String method, String target, String rawPath, String query,
                   String version, String targetHost, List<String> fields, int consumed) {
        static Outcome needMore(int consumed) {
            return new Outcome(Status.NEED_MORE, 0, null, null, null, null, null, null, List.of(), consumed);
        }

        static Outcome error(int status) {
            return new Outcome(Status.ERROR, status, null, null, null, null, null, null, List.of(), -1);
        }
    }

    @FuzzTest
    @DictionaryEntries({"GET ", "HEAD ", "POST ", "OPTIONS ", "PATCH ", " HTTP/1.1\\x0d\\x0a", " HTTP/1.0\\x0d\\x0a", " HTTP/2.0",
        "\\x0d\\x0a", "\\x0d\\x0a\\x0d\\x0a", "\\x0a\\x0a", "Host: ", "Content-Length: ", "Transfer-Encoding: chunked", "http://", "https://",
        "?a=b", "#", "*", ": ", "\\x09", "%2f", "Connection: upgrade"})
    void parse(FuzzedDataProvider data) {
        int bufSize = data.consumeInt(16, 1024);
        int cut = data.consumeInt(0, Integer.MAX_VALUE);
        long seed = data.consumeLong();
        byte[] in = data.consumeRemainingAsBytes();
        String shown = show(in) + " (buffer " + bufSize + ")";

        Outcome whole = feed(in, bufSize, List.of(in.length));
        Outcome expected = reference(in, bufSize);
        assertEquals(expected, whole, "the parser and RFC 9112 read " + shown + " differently");
        if (whole.status() == Status.ERROR) {
            assertTrue(STATUSES.contains(whole.error()), "status " + whole.error() + " for " + shown);
        }

        List<Integer> bytes = new ArrayList<>();
        for (int i = 1; i <= in.length; i++) {
            bytes.add(i);
        }
        assertEquals(whole, feed(in, bufSize, bytes), "byte by byte, " + shown);
        int at = in.length == 0 ? 0 : cut % (in.length + 1);
        assertEquals(whole, feed(in, bufSize, List.of(at, in.length)), "split at " + at + ", " + shown);
        Random r = new Random(seed);
        List<Integer> ends = new ArrayList<>();
        for (int e = 0; e < in.length; ) {
            e = Math.min(in.length, e + 1 + r.nextInt(1 + r.nextInt(64)));
            ends.add(e);
        }
        assertEquals(whole, feed(in, bufSize, ends), "in pieces ending at " + ends + ", " + shown);

        if (whole.status() == Status.DONE) {
            byte[] again = canonical(whole);
            Outcome reparsed = feed(again, Math.max(bufSize, again.length), List.of(again.length));
            assertEquals(Status.DONE, reparsed.status(), "the head written out again does not parse: " + show(again));
            assertEquals(new Outcome(Status.DONE, 0, whole.method(), whole.target(), whole.rawPath(), whole.query(),
                    whole.version(), whole.targetHost(), whole.fields(), again.length), reparsed,
                    "the head written out again parses differently: " + show(again));
        }
    }

    /** Feeds {@code in} in pieces ending at {@code ends}; a fresh parser. */
    static Outcome feed(byte[] in, int bufSize, List<Integer> ends) {
        RequestHeadParser p = new RequestHeadParser();
        p.begin(new byte[bufSize]);
        int start = 0;
        for (int end : ends) {
            ByteBuffer b = ByteBuffer.wrap(in, start, end - start);
            Status st = p.feed(b);
            if (st == Status.NEED_MORE) {
                assertFalse(b.hasRemaining(), "NEED_MORE with " + b.remaining() + " bytes not taken");
                start = end;
                continue;
            }
            if (st == Status.ERROR) {
                assertNotNull(p.errorMessage());
                return Outcome.error(p.errorStatus());
            }
            RequestHead h = p.head();
            assertNotNull(h);
            // grouped by name, names in order of first appearance: what headerNames() and headers(name) give
            List<String> fields = new ArrayList<>();
            for (String n : h.headerNames()) {
                for (String v : h.headers(n)) {
                    fields.add(n + ": " + v);
                }
            }
            return new Outcome(Status.DONE, 0, h.method(), h.target(), h.rawPath(), h.query(), h.version(),
                    h.targetHost(), fields, b.position());
        }
        assertTrue(start == in.length);
        return Outcome.needMore(in.length);
    }

    /**
     * RFC 9112 read plainly, the whole input at once: up to 16 CR/LF before the request line; the
     * head ends at the first empty line (LF LF or LF CR LF) and must fit the buffer; request line
     * "token SP target SP HTTP/1.x"; fields "token: value" with no control characters but HTAB.
     */
    static Outcome reference(byte[] in, int bufSize) {
        int start = 0;
        while (start < in.length && (in[start] == '\r' || in[start] == '\n')) {
            start++;
            if (start > MAX_SKIPPED) {
                return Outcome.error(400);
            }
        }
        if (start == in.length) {
            return Outcome.needMore(in.length);
        }
        int end = -1;
        for (int i = start; i < in.length; i++) {
            if (in[i] == '\n') {
                if (i + 1 < in.length && in[i + 1] == '\n') {
                    end = i + 2;
                    break;
                }
                if (i + 2 < in.length && in[i + 1] == '\r' && in[i + 2] == '\n') {
                    end = i + 3;
                    break;
                }
            }
        }
        if (end < 0 || end - start > bufSize) {
            if (in.length - start <= bufSize) {
                return Outcome.needMore(in.length);
            }
            boolean lineEnded = false;
            for (int i = start; i < start + bufSize; i++) {
                lineEnded |= in[i] == '\n';
            }
            return Outcome.error(lineEnded ? 431 : 414);
        }
        String head = new String(in, start, end - start, StandardCharsets.ISO_8859_1);
        List<String> lines = new ArrayList<>();
        for (String l : head.split("\n", -1)) {
            lines.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        }
        // the head ends with an empty line, which split gives as two empty strings
        lines = lines.subList(0, lines.size() - 2);

        String[] parts = lines.get(0).split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            return Outcome.error(400);
        }
        String method = parts[0];
        String target = parts[1];
        String version = parts[2];
        if (!isToken(method) || !target.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return Outcome.error(400);
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            boolean other = version.length() == 8 && version.startsWith("HTTP/") && isDigit(version.charAt(5))
                    && version.charAt(6) == '.' && isDigit(version.charAt(7));
            return Outcome.error(other ? 505 : 400);
        }
        if (!METHODS.contains(method)) {
            return Outcome.error(501);
        }
        if (target.indexOf('#') >= 0) {
            return Outcome.error(400); // RFC 9112 section 3.2: no fragment in any form of target
        }
        String targetHost = null;
        String path = target;
        if (target.startsWith("http://") || target.startsWith("https://")) {
            int hostStart = target.indexOf("://") + 3;
            int hostEnd = hostStart;
            while (hostEnd < target.length() && target.charAt(hostEnd) != '/' && target.charAt(hostEnd) != '?') {
                hostEnd++;
            }
            targetHost = target.substring(hostStart, hostEnd);
            path = target.substring(hostEnd);
            path = path.isEmpty() ? "/" : path.startsWith("?") ? "/" + path : path;
        } else if (target.equals("*")) {
            if (!method.equals("OPTIONS")) {
                return Outcome.error(400);
            }
        } else if (!target.startsWith("/")) {
            return Outcome.error(400);
        }
        int q = path.indexOf('?');
        String rawPath = q < 0 ? path : path.substring(0, q);
        String query = q < 0 ? null : path.substring(q + 1);

        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith(" ") || line.startsWith("\t")) {
                return Outcome.error(400);
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                return Outcome.error(400);
            }
            int vs = colon + 1;
            int ve = line.length();
            while (vs < ve && (line.charAt(vs) == ' ' || line.charAt(vs) == '\t')) {
                vs++;
            }
            while (ve > vs && (line.charAt(ve - 1) == ' ' || line.charAt(ve - 1) == '\t')) {
                ve--;
            }
            String value = line.substring(vs, ve);
            for (char c : value.toCharArray()) {
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    return Outcome.error(400);
                }
            }
            if (names.size() == MAX_FIELDS) {
                return Outcome.error(431);
            }
            names.add(line.substring(0, colon).toLowerCase(Locale.ROOT));
            values.add(value);
        }
        // grouped by name in order of first appearance, as RequestHead.headerNames()/headers(name) give them
        List<String> fields = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String n : names) {
            if (seen.contains(n)) {
                continue;
            }
            seen.add(n);
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equals(n)) {
                    fields.add(n + ": " + values.get(i));
                }
            }
        }
        return new Outcome(Status.DONE, 0, method, target, rawPath, query, version, targetHost, fields, end);
    }

    /** RFC 9110 token (regular expressions are slow under the fuzzer's hooks). */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || TCHAR_PUNCT.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The head written out as a well-behaved client would: CRLF, one space after each colon. */
    private static byte[] canonical(Outcome o) {
        StringBuilder b = new StringBuilder();
        b.append(o.method()).append(' ').append(o.target()).append(' ').append(o.version()).append("\r\n");
        for (String f : o.fields()) {
            b.append(f).append("\r\n");
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String show(byte[] b) {
        StringBuilder s = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xff;
            if (c == '\\' || c == '"') {
                s.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.append('"').toString();
    }
}
