/**
 * The log emitter SPI: where lws4j's log lines go besides the console, syslog and the OSGi Log Service.
 *
 * <p>Versioned on its own: a change here moves this package's version only, never the protocol
 * API's ({@code org.lws4j.api}).
 */
@Version("1.0.0")
@Export
package org.lws4j.spi.log;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
