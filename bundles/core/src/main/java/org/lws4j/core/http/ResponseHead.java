package org.lws4j.core.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.lws4j.api.HttpResponse;

/**
 * Writes a status line and header block. The core's own headers (Date, Server, framing,
 * Connection, the vhost's extra headers) come first, then the protocol's.
 */
public final class ResponseHead {
    private final StringBuilder sb = new StringBuilder(256);

    /** Starts "HTTP/1.1 status reason" with Date and Server. */
    public ResponseHead(int status, String date, String server) {
        sb.append("HTTP/1.1 ").append(status).append(' ').append(StatusText.of(status)).append("\r\n");
        sb.append("Date: ").append(date).append("\r\n");
        if (server != null && !server.isEmpty()) {
            sb.append("Server: ").append(server).append("\r\n");
        }
    }

    public ResponseHead header(String name, String value) {
        sb.append(name).append(": ").append(value).append("\r\n");
        return this;
    }

    public ResponseHead headers(Map<String, String> extra) {
        for (Map.Entry<String, String> e : extra.entrySet()) {
            header(e.getKey(), e.getValue());
        }
        return this;
    }

    /** Adds what a protocol's response carries (Content-Type and its own headers). */
    public ResponseHead from(HttpResponse r) {
        if (r.contentType() != null) {
            header("Content-Type", r.contentType());
        }
        for (Map.Entry<String, String> e : r.headers()) {
            header(e.getKey(), e.getValue());
        }
        return this;
    }

    /** Ends the head and returns it as bytes (ISO-8859-1, as header fields are). */
    public ByteBuffer end() {
        sb.append("\r\n");
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
