package org.lws4j.cgi;

import java.util.List;
import java.util.Map;

import org.lws4j.api.HttpResponse;

/**
 * The header block a CGI program wrote before its body (RFC 3875 section 6), checked and reduced
 * to what the response needs: the status (from {@code Status}, 302 for a {@code Location}
 * without one, else 200), Content-Type, Content-Length (-1 when the program gave none) and the
 * other headers to pass on, in order. Immutable.
 */
record CgiResponseHead(int status, String contentType, String location, long contentLength,
                       List<Map.Entry<String, String>> headers) {

    /** True when {@code location} is a local path ("/x?y"), RFC 3875 section 6.2.2. */
    boolean isLocalRedirect() {
        return location != null && location.startsWith("/") && !location.startsWith("//");
    }

    /** The response to send. */
    HttpResponse toResponse() {
        HttpResponse r = HttpResponse.of(status);
        if (contentType != null) {
            r.contentType(contentType);
        }
        if (contentLength >= 0) {
            r.contentLength(contentLength);
        }
        if (location != null) {
            r.header("Location", location);
        }
        for (Map.Entry<String, String> h : headers) {
            r.header(h.getKey(), h.getValue());
        }
        return r;
    }
}
