package org.lws4j.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The status and headers of a response, built by a protocol and sent by
 * {@link Connection#writeHttpHeaders} or {@link Connection#respond}. The core adds Date, Server,
 * Connection and the framing (Content-Length or chunked) headers; a content length of -1 means
 * unknown. Not thread-safe; build it where you send it.
 */
@ProviderType
public final class HttpResponse {
    private final int status;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>(6);
    private String contentType;
    private long contentLength = -1;

    private HttpResponse(int status) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        this.status = status;
    }

    /** A response with {@code status}. */
    public static HttpResponse of(int status) {
        return new HttpResponse(status);
    }

    /** Adds a header; CR and LF are refused so a value cannot start a header of its own. */
    public HttpResponse header(String name, String value) {
        if (name.isEmpty() || hasLineBreak(name) || hasLineBreak(value) || name.indexOf(':') >= 0) {
            throw new IllegalArgumentException("bad header: " + name);
        }
        headers.add(Map.entry(name, value));
        return this;
    }

    /** Sets Content-Type. */
    public HttpResponse contentType(String type) {
        if (hasLineBreak(type)) {
            throw new IllegalArgumentException("bad content type");
        }
        this.contentType = type;
        return this;
    }

    /** Sets Content-Length; -1 (the default) means unknown. */
    public HttpResponse contentLength(long length) {
        if (length < -1) {
            throw new IllegalArgumentException("negative content length");
        }
        this.contentLength = length;
        return this;
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public long contentLength() {
        return contentLength;
    }

    /** The headers added with {@link #header}, in order. */
    public List<Map.Entry<String, String>> headers() {
        return Collections.unmodifiableList(headers);
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
    }
}
