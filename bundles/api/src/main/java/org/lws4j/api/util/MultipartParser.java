package org.lws4j.api.util;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A streaming {@code multipart/form-data} parser (RFC 7578 over RFC 2046): fed the body in pieces
 * of any size, as they arrive, it hands each part's headers and then its content to a
 * {@link Handler} at once, keeping nothing but the few bytes that might be the start of a
 * delimiter. A delimiter split across pieces, or content that looks like the start of one and
 * is not, is handled: the delimiter ({@code CRLF--boundary}) is matched byte by byte with the
 * Knuth-Morris-Pratt failure table, so no byte is looked at twice and no piece is buffered.
 *
 * <p>Refused with 400: a body without a first delimiter or close delimiter, a part without a
 * {@code form-data} Content-Disposition naming it, garbage after a delimiter, part headers over
 * {@value #MAX_PART_HEADERS} bytes. Content reaches the handler in pieces of at most
 * {@value #MAX_PIECE} bytes; the parser holds at most that plus the part headers, whatever the
 * size of the body. Not thread-safe: one body, one thread.
 *
 * <p>{@link FormParser} is the simpler way for most protocols: it gathers plain fields and streams
 * only files. Use this when every part's content is wanted as a stream.
 */
@ProviderType
public final class MultipartParser {
    /** The most bytes of headers one part may have. */
    public static final int MAX_PART_HEADERS = 8 * 1024;
    /** RFC 2046: a boundary has 1 to 70 characters. */
    public static final int MAX_BOUNDARY = 70;
    /** The most content bytes handed over in one {@link Handler#partData} call. */
    public static final int MAX_PIECE = 8 * 1024;

    /** Receives a body's parts, in order. Buffers passed in are valid only during the call. */
    @ConsumerType
    public interface Handler {
        /** A part begins: its headers. */
        void partBegin(FormPart part) throws FormException;

        /** A piece of the part's content. */
        void partData(ByteBuffer data) throws FormException;

        /** The part's content is complete. */
        void partEnd() throws FormException;
    }

    private enum State { PREAMBLE, AFTER_DELIMITER, DASH, PADDING, CR, HEADERS, BODY, EPILOGUE }

    private final byte[] delimiter;
    private final int[] fallback;
    private final Handler handler;
    private final byte[] out = new byte[MAX_PIECE];
    private int outLength;
    private final byte[] headers = new byte[MAX_PART_HEADERS];
    private int headersLength;
    private int lineStart;
    private State state = State.PREAMBLE;
    private int matched;

    /**
     * A parser for a body with {@code boundary} (see {@link #boundaryOf}).
     *
     * @throws FormException 400 for a missing boundary, or one that is not 1 to 70 printable characters
     */
    public MultipartParser(String boundary, Handler handler) throws FormException {
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY
                || !boundary.chars().allMatch(c -> c > 0x20 && c < 0x7f || c == ' ')) {
            throw new FormException(400, "bad multipart boundary");
        }
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.fallback = failureTable(delimiter);
        this.handler = handler;
        // the body starts with "--boundary": as if the CRLF before it had been seen
        this.matched = 2;
    }

    /** The boundary parameter of a multipart Content-Type, unquoted, or null. */
    public static String boundaryOf(String contentType) {
        Map<String, String> params = parameters(contentType);
        return params.get("boundary");
    }

    /** Feeds the next piece of body; consumes all of {@code in}. */
    public void feed(ByteBuffer in) throws FormException {
        while (in.hasRemaining()) {
            byte b = in.get();
            switch (state) {
                case PREAMBLE:
                case BODY:
                    delimiterSearch(b);
                    break;
                case AFTER_DELIMITER:
                    if (b == '-') {
                        state = State.DASH;
                    } else {
                        afterDelimiter(b);
                    }
                    break;
                case PADDING:
                    afterDelimiter(b);
                    break;
                case DASH:
                    if (b != '-') {
                        throw new FormException(400, "bad multipart delimiter");
                    }
                    state = State.EPILOGUE;
                    break;
                case CR:
                    if (b != '\n') {
                        throw new FormException(400, "bad multipart delimiter line");
                    }
                    state = State.HEADERS;
                    headersLength = 0;
                    lineStart = 0;
                    break;
                case HEADERS:
                    headerByte(b);
                    break;
                case EPILOGUE:
                default:
                    in.position(in.limit()); // after the close delimiter: ignored
                    break;
            }
        }
        flush();
    }

    /** The body ended: it must have ended with the close delimiter. */
    public void finish() throws FormException {
        if (state != State.EPILOGUE) {
            throw new FormException(400, state == State.PREAMBLE
                    ? "no multipart delimiter in the body" : "the multipart body ends before its close delimiter");
        }
    }

    /** True once the close delimiter was read. */
    public boolean isDone() {
        return state == State.EPILOGUE;
    }

    private void delimiterSearch(byte b) throws FormException {
        while (matched > 0 && b != delimiter[matched]) {
            // the bytes matched so far were not a delimiter after all, except their longest
            // tail that is also a start of one: the rest is content
            int keep = fallback[matched];
            emit(delimiter, matched - keep);
            matched = keep;
        }
        if (b == delimiter[matched]) {
            if (++matched == delimiter.length) {
                matched = 0;
                if (state == State.BODY) {
                    flush();
                    handler.partEnd();
                }
                state = State.AFTER_DELIMITER;
            }
        } else {
            emit(b);
        }
    }

    /** Transport padding (spaces, tabs) may follow a delimiter; then CRLF. */
    private void afterDelimiter(byte b) throws FormException {
        if (b == ' ' || b == '\t') {
            state = State.PADDING;
        } else if (b == '\r') {
            state = State.CR;
        } else {
            throw new FormException(400, "garbage after a multipart delimiter");
        }
    }

    private void headerByte(byte b) throws FormException {
        if (headersLength == headers.length) {
            throw new FormException(400, "multipart part headers over " + MAX_PART_HEADERS + " bytes");
        }
        headers[headersLength++] = b;
        if (b != '\n') {
            return;
        }
        int lineEnd = headersLength - 1;
        if (lineEnd > lineStart && headers[lineEnd - 1] == '\r') {
            lineEnd--;
        }
        if (lineEnd > lineStart) {
            lineStart = headersLength; // a header line; the block goes on
            return;
        }
        // an empty line ends the part's headers (CRLF or a bare LF, as some clients send)
        handler.partBegin(part(new String(headers, 0, headersLength, StandardCharsets.UTF_8)));
        state = State.BODY;
        matched = 0;
    }

    private static FormPart part(String block) throws FormException {
        String disposition = null;
        String type = null;
        for (String line : block.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (line.isEmpty() || colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-disposition")) {
                disposition = value;
            } else if (name.equals("content-type")) {
                type = value;
            }
        }
        if (disposition == null) {
            throw new FormException(400, "a multipart part without Content-Disposition");
        }
        Map<String, String> params = parameters(disposition);
        String kind = disposition.split(";", 2)[0].trim();
        String field = params.get("name");
        if (!kind.equalsIgnoreCase("form-data") || field == null) {
            throw new FormException(400, "a multipart part that is not form-data with a name");
        }
        return new FormPart(field, params.get("filename"), type);
    }

    /**
     * The parameters after the first ';' of a header value ({@code a; b="x;y"; c=z}), names in
     * lower case, quoted strings unquoted ({@code \"} as {@code "}).
     */
    static Map<String, String> parameters(String value) {
        Map<String, String> params = new LinkedHashMap<>();
        if (value == null) {
            return params;
        }
        int i = value.indexOf(';');
        while (i >= 0 && i < value.length()) {
            i++;
            while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            int eq = value.indexOf('=', i);
            int semi = value.indexOf(';', i);
            if (eq < 0 || semi >= 0 && semi < eq) {
                i = semi;
                continue;
            }
            String name = value.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            int v = eq + 1;
            StringBuilder val = new StringBuilder();
            if (v < value.length() && value.charAt(v) == '"') {
                v++;
                while (v < value.length() && value.charAt(v) != '"') {
                    char c = value.charAt(v);
                    if (c == '\\' && v + 1 < value.length()) {
                        c = value.charAt(++v);
                    }
                    val.append(c);
                    v++;
                }
                i = value.indexOf(';', v);
            } else {
                int end = value.indexOf(';', v);
                val.append(value.substring(v, end < 0 ? value.length() : end).trim());
                i = end;
            }
            if (!name.isEmpty()) {
                params.putIfAbsent(name, val.toString());
            }
        }
        return params;
    }

    private void emit(byte b) throws FormException {
        if (state != State.BODY) {
            return; // preamble
        }
        if (outLength == out.length) {
            flush();
        }
        out[outLength++] = b;
    }

    private void emit(byte[] bytes, int n) throws FormException {
        for (int i = 0; i < n; i++) {
            emit(bytes[i]);
        }
    }

    private void flush() throws FormException {
        if (outLength > 0) {
            int n = outLength;
            outLength = 0;
            handler.partData(ByteBuffer.wrap(out, 0, n));
        }
    }

    /** KMP: for each j, the length of the longest proper prefix of {@code p[0..j)} that is also its suffix. */
    static int[] failureTable(byte[] p) {
        int[] f = new int[p.length + 1];
        int k = 0;
        for (int j = 1; j < p.length; j++) {
            while (k > 0 && p[j] != p[k]) {
                k = f[k];
            }
            if (p[j] == p[k]) {
                k++;
            }
            f[j + 1] = k;
        }
        return f;
    }
}
