package org.lws4j.spi.extension;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A WebSocket extension (lws's {@code lws_extension}), as an OSGi service registered with the
 * property {@value #NAME} (e.g. {@code permessage-deflate}). The core offers every extension
 * service to every handshake: a client's offers are grouped by extension name and the extension
 * picks the first it can honour. An extension that appears is used by the next handshake; one
 * that goes away is no longer negotiated, and connections that had negotiated it are closed with
 * 1001, as for protocols.
 *
 * <p>Called on the service thread of the connection being set up; must be thread-safe across
 * connections.
 */
@ConsumerType
public interface Extension {
    /** Service property holding the extension name as it appears on the wire. */
    String NAME = "lws.extension.name";

    /**
     * Server side: the client's offers of this extension, in the client's order. Return a session
     * for the first offer that can be honoured, or null to decline them all (never agree to what
     * the implementation cannot do).
     *
     * @param offers the offers, at least one
     * @param limits the receive piece size and message limit of the connection
     */
    ExtensionSession accept(List<ExtensionOffer> offers, ExtensionSession.Limits limits);

    /** Client side: the offer to send, or null to offer nothing. */
    default ExtensionOffer clientOffer() {
        return null;
    }

    /**
     * Client side: the server's answer to {@link #clientOffer()}. Return a session, or null when
     * the answer is not acceptable (the client then fails the connection).
     */
    default ExtensionSession clientAccept(ExtensionOffer response, ExtensionSession.Limits limits) {
        return null;
    }
}
