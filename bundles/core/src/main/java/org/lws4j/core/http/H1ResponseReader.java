package org.lws4j.core.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.lws4j.core.h2.HeaderField;

/**
 * Reads the HTTP/1.1 response the HTTP role writes for one HTTP/2 stream and tells what it
 * means on the stream: one header list (status first, names lower-case, connection-specific
 * fields dropped, RFC 9113 section 8.2.2), then body octets, de-chunked, with where the body
 * ends (its Content-Length, its last chunk, or the end of the output). Informational (1xx)
 * heads are dropped, but a 101 for an extended CONNECT (RFC 8441) becomes 200 and the stream a
 * tunnel. Service thread only.
 */
final class H1ResponseReader {
    /** Where the stream's frames go. */
    interface Sink {
        void headers(List<HeaderField> fields, boolean endStream);

        /** Sends up to {@code n} octets of {@code src} (consumed as sent); how many were sent. */
        int data(ByteBuffer src, int n, boolean endStream);
    }

    private enum Phase { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILER, UNTIL_END, DONE }

    private static final Set<String> DROPPED =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");
    private static final int MAX_LINE = 64 * 1024;

    private final boolean headRequest;
    private final boolean connect;
    private final Sink sink;
    private Phase phase = Phase.HEAD;
    private final StringBuilder line = new StringBuilder();
    private byte[] head = new byte[512];
    private int headLength;
    private long left;
    private boolean headersSent;

    H1ResponseReader(boolean headRequest, boolean connect, Sink sink) {
        this.headRequest = headRequest;
        this.connect = connect;
        this.sink = sink;
    }

    boolean headersSent() {
        return headersSent;
    }

    /** The stream has ended on this side (END_STREAM sent). */
    boolean isDone() {
        return phase == Phase.DONE;
    }

    /** Whether the next octets are body octets, which need window. */
    boolean wantsWindow() {
        return phase == Phase.LENGTH || phase == Phase.CHUNK_DATA || phase == Phase.UNTIL_END;
    }

    /**
     * Reads what it can of {@code src}; stops early when the sink sends fewer body octets than
     * offered (no window).
     */
    void read(ByteBuffer src) {
        while (src.hasRemaining()) {
            switch (phase) {
                case HEAD -> readHead(src);
                case LENGTH -> {
                    int n = (int) Math.min(left, src.remaining());
                    int sent = sink.data(src, n, n == left);
                    left -= sent;
                    if (left == 0) {
                        phase = Phase.DONE;
                    } else if (sent < n) {
                        return;
                    }
                }
                case UNTIL_END -> {
                    int n = src.remaining();
                    if (sink.data(src, n, false) < n) {
                        return;
                    }
                }
                case CHUNK_SIZE -> {
                    String l = line(src);
                    if (l != null) {
                        int semi = l.indexOf(';');
                        left = Long.parseLong((semi < 0 ? l : l.substring(0, semi)).trim(), 16);
                        phase = left == 0 ? Phase.TRAILER : Phase.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(left, src.remaining());
                    int sent = sink.data(src, n, false);
                    left -= sent;
                    if (left == 0) {
                        phase = Phase.CHUNK_CRLF;
                    } else if (sent < n) {
                        return;
                    }
                }
                case CHUNK_CRLF -> {
                    if (line(src) != null) {
                        phase = Phase.CHUNK_SIZE;
                    }
                }
                case TRAILER -> {
                    String l = line(src);
                    if (l != null && l.isEmpty()) {
                        sink.data(src, 0, true);
                        phase = Phase.DONE;
                    }
                }
                case DONE -> src.position(src.limit()); // nothing follows a response on a stream
                default -> throw new IllegalStateException();
            }
        }
    }

    /**
     * The output ended: a body that runs to the end ends here. False when the response was cut
     * short (no head, or less body than it announced): the stream must be reset instead.
     */
    boolean end() {
        if (phase == Phase.DONE) {
            return true;
        }
        if (phase == Phase.UNTIL_END) {
            sink.data(ByteBuffer.allocate(0), 0, true);
            phase = Phase.DONE;
            return true;
        }
        return false;
    }

    private String line(ByteBuffer src) {
        while (src.hasRemaining()) {
            char c = (char) (src.get() & 0xff);
            if (c == '\n') {
                int n = line.length();
                String l = line.substring(0, n > 0 && line.charAt(n - 1) == '\r' ? n - 1 : n);
                line.setLength(0);
                return l;
            }
            if (line.length() > MAX_LINE) {
                throw new IllegalStateException("response line too long");
            }
            line.append(c);
        }
        return null;
    }

    private void readHead(ByteBuffer src) {
        while (src.hasRemaining()) {
            if (headLength == head.length) {
                head = java.util.Arrays.copyOf(head, head.length * 2);
            }
            byte b = src.get();
            head[headLength++] = b;
            if (b == '\n' && headLength >= 4 && head[headLength - 2] == '\r' && head[headLength - 3] == '\n') {
                String text = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
                headLength = 0;
                parsed(text);
                return;
            }
        }
    }

    private void parsed(String text) {
        String[] lines = text.split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        if (status / 100 == 1 && !(status == 101 && connect)) {
            return; // 100 Continue and the like: the stream waits for the final head
        }
        List<HeaderField> fields = new ArrayList<>(lines.length);
        fields.add(new HeaderField(":status", status == 101 ? "200" : Integer.toString(status)));
        long length = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            int colon = l.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = l.substring(colon + 1).trim();
            if (name.equals("transfer-encoding")) {
                chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            }
            if (DROPPED.contains(name) || status == 101 && name.equals("sec-websocket-accept")) {
                continue;
            }
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            }
            fields.add(new HeaderField(name, value));
        }
        boolean bodyless = headRequest || status == 204 || status == 304 || length == 0;
        headersSent = true;
        if (status == 101) {
            phase = Phase.UNTIL_END;
            sink.headers(fields, false);
        } else if (bodyless) {
            phase = Phase.DONE;
            sink.headers(fields, true);
        } else {
            phase = chunked ? Phase.CHUNK_SIZE : length > 0 ? Phase.LENGTH : Phase.UNTIL_END;
            left = length;
            sink.headers(fields, false);
        }
    }
}
