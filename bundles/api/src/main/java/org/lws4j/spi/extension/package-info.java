/**
 * The WebSocket extension SPI (RFC 6455 section 9): negotiation and frame transforms, as the permessage-deflate bundle implements them.
 *
 * <p>Versioned on its own: a change here moves this package's version only, never the protocol
 * API's ({@code org.lws4j.api}).
 */
@Version("1.0.0")
@Export
package org.lws4j.spi.extension;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
