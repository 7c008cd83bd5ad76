package org.lws4j.spi.origin;

import org.lws4j.api.HttpRequest;
import org.lws4j.api.Mount;
import org.lws4j.api.Protocol;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Serves mounts whose origin has a scheme the core does not know itself, e.g. {@code cgi://}.
 * Registered as an OSGi service with the property {@value #SCHEME}. For each mount of its scheme
 * the core asks once for a {@link Protocol} and drives it exactly like a CALLBACK mount's
 * protocol: HTTP, HTTP_BODY, HTTP_BODY_COMPLETION, HTTP_WRITEABLE, CLOSED_HTTP, with
 * {@link HttpRequest#mount()} saying which mount. While no service of the scheme is present the
 * mount answers 503 with Retry-After; when the service goes away, exchanges in flight on it end
 * as a protocol's do.
 */
@ConsumerType
public interface MountOrigin {
    /** Service property: the origin scheme served, without "://", e.g. {@code cgi}. */
    String SCHEME = "lws.origin.scheme";

    /** The protocol that serves {@code mount}; called once per mount and vhost while bound. */
    Protocol protocolFor(Mount mount);
}
