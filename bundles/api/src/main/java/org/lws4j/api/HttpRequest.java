package org.lws4j.api;

import java.util.List;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The head of an HTTP request: what lws keeps in its header table. Read it on the connection's
 * service thread. Header names are matched without regard to case.
 */
@ProviderType
public interface HttpRequest {
    /** The method, as sent ("GET", "POST", ...). */
    String method();

    /** The request target exactly as sent, query included. */
    String target();

    /** The path, percent-decoded, without the query. */
    String path();

    /** The raw query after '?', or null if there is none. */
    String query();

    /** The protocol version, "HTTP/1.1" or "HTTP/1.0". */
    String version();

    /** The mount that matched, or null if none did. */
    Mount mount();

    /** The part of the path below the mountpoint (lws's {@code in} for the HTTP callback). */
    String pathInMount();

    /** The first value of the header, or null. */
    String header(String name);

    /** All values of the header in the order sent; empty if none. */
    List<String> headers(String name);

    /** The names of the headers present, lower case, in the order first sent. */
    Set<String> headerNames();

    /**
     * The value of query argument {@code name}, percent-decoded (lws_get_urlarg_by_name); "" for
     * an argument with no '=', null if absent.
     */
    String urlArg(String name);

    /** The declared Content-Length, or -1 when there is none (no body, or chunked). */
    long contentLength();
}
