package org.lws4j.api.util;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * {@link MultipartParser} on any body and boundary:
 * <ul>
 * <li>a boundary RFC 2046 refuses (empty, over 70 characters, not printable ASCII) is refused with
 *     400 and every other one is taken;</li>
 * <li>fed whole, one byte at a time or in random pieces, the handler sees the same parts, the same
 *     content and the same end (done, or the same 400), in order: begin, data, end;</li>
 * <li>that is exactly what a plain, non-streaming reading of RFC 7578 over RFC 2046 gives (below):
 *     the content of each part is what lies between its headers and the next {@code CRLF--boundary},
 *     so no part ever holds a delimiter, and a body cut short has handed out all its content but
 *     the few bytes that may still be the start of a delimiter;</li>
 * <li>parts the harness writes itself (names, file names, types and content from the input)
 *     come back exactly;</li>
 * <li>it throws nothing but {@link FormException}, and that only with 400.</li>
 * </ul>
 * Input: the boundary and body (or the parts to write), then from the end the mode and a seed for
 * the piece sizes.
 */
class MultipartParserFuzzTest {

    @FuzzTest
    @DictionaryEntries({"--", "\\x0d\\x0a", "\\x0d\\x0a\\x0d\\x0a", "Content-Disposition: form-data; name=\\\"",
        "\\\"; filename=\\\"", "Content-Type: ", "text/plain", "form-data", "name=", "filename*=", "; ", "\\\\\\\""})
    void parse(FuzzedDataProvider data) {
        boolean write = data.consumeBoolean();
        long seed = data.consumeLong();
        if (write) {
            written(data, new Random(seed));
            return;
        }
        String boundary = new String(data.consumeBytes(data.consumeInt(0, 80)), ISO_8859_1);
        byte[] body = data.consumeRemainingAsBytes();
        boolean valid = !boundary.isEmpty() && boundary.length() <= 70
                && boundary.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        String shown = "boundary " + show(boundary.getBytes(ISO_8859_1)) + ", body " + show(body);
        try {
            new MultipartParser(boundary, new Recorder());
            assertTrue(valid, "took the boundary " + shown);
        } catch (FormException e) {
            assertEquals(400, e.status());
            assertTrue(!valid, "refused the boundary " + shown);
            return;
        }
        List<String> whole = run(boundary, body, List.of(body.length));
        assertEquals(reference(boundary, body), whole, "the parser and RFC 2046 read " + shown + " differently");
        List<Integer> bytes = new ArrayList<>();
        for (int i = 1; i <= body.length; i++) {
            bytes.add(i);
        }
        assertEquals(whole, run(boundary, body, bytes), "byte by byte, " + shown);
        Random r = new Random(seed);
        List<Integer> ends = new ArrayList<>();
        for (int e = 0; e < body.length; ) {
            e = Math.min(body.length, e + 1 + r.nextInt(1 + r.nextInt(100)));
            ends.add(e);
        }
        assertEquals(whole, run(boundary, body, ends), "in pieces ending at " + ends + ", " + shown);
    }

    /** Parts written as a browser would, with a boundary none of them holds: they must come back as written. */
    private static void written(FuzzedDataProvider data, Random r) {
        String boundary = "----lws4j" + Long.toHexString(r.nextLong());
        int count = data.consumeInt(1, 4);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> expected = new ArrayList<>();
        String preamble = data.consumeAsciiString(20);
        body.writeBytes(preamble.getBytes(ISO_8859_1));
        for (int i = 0; i < count; i++) {
            String name = quotable(data.consumeString(16));
            String filename = data.consumeBoolean() ? quotable(data.consumeString(24)) : null;
            String type = data.consumeBoolean() ? "text/plain; charset=utf-8" : null;
            byte[] content = data.consumeBytes(data.consumeInt(0, 2000));
            if (new String(content, ISO_8859_1).contains("\r\n--" + boundary)) {
                return; // 2^-64: a boundary that happens to be in the content
            }
            // the first delimiter may start the body; after a preamble, or a part, it starts with CRLF
            StringBuilder h = new StringBuilder((i == 0 && preamble.isEmpty() ? "" : "\r\n") + "--" + boundary + "\r\n");
            h.append("Content-Disposition: form-data; name=\"").append(escape(name)).append('"');
            if (filename != null) {
                h.append("; filename=\"").append(escape(filename)).append('"');
            }
            h.append("\r\n");
            if (type != null) {
                h.append("Content-Type: ").append(type).append("\r\n");
            }
            h.append("\r\n");
            body.writeBytes(h.toString().getBytes(UTF_8));
            body.writeBytes(content);
            expected.add("begin " + new FormPart(name, filename, type));
            expected.add("data " + HexFormat.of().formatHex(content));
            expected.add("end");
        }
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(ISO_8859_1));
        body.writeBytes(data.consumeRemainingAsBytes()); // the epilogue: ignored
        expected.add("done");
        byte[] b = body.toByteArray();
        List<Integer> ends = new ArrayList<>();
        for (int e = 0; e < b.length; ) {
            e = Math.min(b.length, e + 1 + r.nextInt(1 + r.nextInt(300)));
            ends.add(e);
        }
        assertEquals(expected, run(boundary, b, ends), "a body written by the harness: " + show(b));
    }

    /** The parser's events for {@code body} fed in pieces ending at {@code ends}: data merged per part. */
    static List<String> run(String boundary, byte[] body, List<Integer> ends) {
        Recorder rec = new Recorder();
        try {
            MultipartParser p = new MultipartParser(boundary, rec);
            int start = 0;
            for (int end : ends) {
                ByteBuffer b = ByteBuffer.wrap(body, start, end - start);
                p.feed(b);
                assertTrue(!b.hasRemaining(), "feed left bytes");
                start = end;
            }
            p.finish();
            assertTrue(p.isDone());
            rec.events.add("done");
        } catch (FormException e) {
            assertEquals(400, e.status(), e.getMessage());
            rec.close();
            rec.events.add("400");
        }
        rec.close();
        return rec.events;
    }

    /** Checks the order of the handler's calls and keeps them as events. */
    static final class Recorder implements MultipartParser.Handler {
        final List<String> events = new ArrayList<>();
        private ByteArrayOutputStream content;
        private boolean inPart;

        @Override
        public void partBegin(FormPart part) {
            assertTrue(!inPart, "partBegin inside a part");
            assertTrue(part.name() != null);
            inPart = true;
            events.add("begin " + part);
        }

        @Override
        public void partData(ByteBuffer data) {
            assertTrue(inPart, "data outside a part");
            assertTrue(data.hasRemaining(), "empty partData");
            if (content == null) {
                content = new ByteArrayOutputStream();
            }
            byte[] b = new byte[data.remaining()];
            data.get(b);
            content.writeBytes(b);
        }

        @Override
        public void partEnd() {
            assertTrue(inPart, "partEnd outside a part");
            flushData();
            inPart = false;
            events.add("end");
        }

        private void flushData() {
            events.add("data " + (content == null ? "" : HexFormat.of().formatHex(content.toByteArray())));
            content = null;
        }

        /** The body stopped (a failure): data of a part still open counts as handed out. */
        void close() {
            if (inPart) {
                flushData();
                inPart = false;
            }
        }
    }

    /**
     * RFC 2046 section 5.1.1 read plainly: the body as if a CRLF came before it; each delimiter is
     * CRLF "--" boundary, then "--" (the end: the epilogue is ignored) or transport padding and
     * CRLF; then the part's headers up to an empty line (LF or CRLF ends a line; at most 8 KiB),
     * which must hold a form-data Content-Disposition with a name (RFC 7578); then its content up
     * to the next delimiter.
     */
    static List<String> reference(String boundary, byte[] bytes) {
        String body = "\r\n" + new String(bytes, ISO_8859_1);
        String delimiter = "\r\n--" + boundary;
        List<String> events = new ArrayList<>();
        int p = body.indexOf(delimiter);
        if (p < 0) {
            events.add("400"); // no delimiter at all: finish() fails
            return events;
        }
        p += delimiter.length();
        while (true) {
            if (p == body.length()) {
                events.add("400"); // cut short after a delimiter
                return events;
            }
            if (body.charAt(p) == '-') {
                if (p + 1 == body.length() || body.charAt(p + 1) == '-') {
                    events.add(p + 1 == body.length() ? "400" : "done");
                    return events;
                }
                events.add("400");
                return events;
            }
            while (p < body.length() && (body.charAt(p) == ' ' || body.charAt(p) == '\t')) {
                p++;
            }
            if (p == body.length()) {
                events.add("400");
                return events;
            }
            if (body.charAt(p) != '\r' || p + 1 < body.length() && body.charAt(p + 1) != '\n') {
                events.add("400");
                return events;
            }
            if (p + 1 == body.length()) {
                events.add("400");
                return events;
            }
            p += 2;
            // the headers: lines up to an empty one, all within MAX_PART_HEADERS bytes
            int headersStart = p;
            int end = -1;
            int lineStart = p;
            for (int i = p; i < body.length() && i - headersStart < MultipartParser.MAX_PART_HEADERS; i++) {
                if (body.charAt(i) == '\n') {
                    int lineEnd = i > lineStart && body.charAt(i - 1) == '\r' ? i - 1 : i;
                    if (lineEnd == lineStart) {
                        end = i + 1;
                        break;
                    }
                    lineStart = i + 1;
                }
            }
            if (end < 0) {
                events.add("400"); // cut short in the headers, or headers too long
                return events;
            }
            FormPart part = part(new String(body.substring(headersStart, end).getBytes(ISO_8859_1), UTF_8));
            if (part == null) {
                events.add("400");
                return events;
            }
            events.add("begin " + part);
            int next = body.indexOf(delimiter, end);
            if (next < 0) {
                // cut short in the content: all of it is out but a tail that may start a delimiter
                String content = body.substring(end);
                int keep = 0;
                for (int k = Math.min(content.length(), delimiter.length() - 1); k > 0; k--) {
                    if (content.endsWith(delimiter.substring(0, k))) {
                        keep = k;
                        break;
                    }
                }
                events.add("data " + hex(content.substring(0, content.length() - keep)));
                events.add("400");
                return events;
            }
            events.add("data " + hex(body.substring(end, next)));
            events.add("end");
            p = next + delimiter.length();
        }
    }

    /** RFC 7578 section 4.2: a form-data Content-Disposition with a name; null when there is none. */
    private static FormPart part(String block) {
        String disposition = null;
        String type = null;
        for (String line : block.split("\n")) {
            line = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (name.equals("content-disposition")) {
                disposition = line.substring(colon + 1).trim();
            } else if (name.equals("content-type")) {
                type = line.substring(colon + 1).trim();
            }
        }
        if (disposition == null) {
            return null;
        }
        // parameters() has its own rules (quoted strings, first one wins); the kind and name are ours
        Map<String, String> params = MultipartParser.parameters(disposition);
        int semi = disposition.indexOf(';');
        String kind = (semi < 0 ? disposition : disposition.substring(0, semi)).trim();
        if (!kind.equalsIgnoreCase("form-data") || params.get("name") == null) {
            return null;
        }
        return new FormPart(params.get("name"), params.get("filename"), type);
    }

    /** A name that survives quoting: no CR, LF or NUL; the quotes and backslashes are escaped. */
    private static String quotable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c != 0x7f && !Character.isSurrogate(c)) {
                b.append(c);
            }
        }
        return b.toString().strip();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String hex(String latin1) {
        return HexFormat.of().formatHex(latin1.getBytes(ISO_8859_1));
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
