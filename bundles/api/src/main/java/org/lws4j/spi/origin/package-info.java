/**
 * The mount origin SPI: a service that serves the mounts of a scheme of its own (cgi://) through a protocol the core drives like a callback mount's.
 *
 * <p>Versioned on its own: a change here moves this package's version only, never the protocol
 * API's ({@code org.lws4j.api}).
 */
@Version("1.0.0")
@Export
package org.lws4j.spi.origin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
