/**
 * The TLS provider SPI: what the lws4j tls bundle (or another provider) implements so that TLS vhosts can serve, and the client side of wss and https connections.
 *
 * <p>Versioned on its own: a change here moves this package's version only, never the protocol
 * API's ({@code org.lws4j.api}).
 */
@Version("1.0.0")
@Export
package org.lws4j.spi.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
