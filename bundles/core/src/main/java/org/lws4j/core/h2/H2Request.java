package org.lws4j.core.h2;

import java.util.List;

/**
 * A request as its HEADERS carried it, checked by {@link RequestHeaders}: the pseudo-header
 * fields (RFC 9113 section 8.3.1), then the regular fields in order, lower-case. For a plain
 * CONNECT only {@code authority} is set besides the method; an extended CONNECT (RFC 8441)
 * carries {@code protocol} ("websocket") with scheme, path and authority. {@code authority}
 * falls back to the Host field when the pseudo-header is absent. Immutable.
 *
 * @param contentLength the content-length field's value, or -1 when absent
 */
public record H2Request(String method, String scheme, String authority, String path, String protocol,
                        List<HeaderField> headers, long contentLength) {
    /** Whether this is an RFC 8441 extended CONNECT (a WebSocket over this stream, say). */
    public boolean isExtendedConnect() {
        return protocol != null;
    }

    /** The first value of the regular field {@code name} (lower-case), or null. */
    public String header(String name) {
        for (HeaderField f : headers) {
            if (f.name().equals(name)) {
                return f.value();
            }
        }
        return null;
    }

    /**
     * The cookie fields joined with "; " as one HTTP/1.1 Cookie field (RFC 9113 section
     * 8.2.3 lets a client split it), or null without any.
     */
    public String cookie() {
        StringBuilder sb = null;
        for (HeaderField f : headers) {
            if (f.name().equals("cookie")) {
                sb = sb == null ? new StringBuilder(f.value()) : sb.append("; ").append(f.value());
            }
        }
        return sb == null ? null : sb.toString();
    }
}
