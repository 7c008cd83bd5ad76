/**
 * The metrics SPI: what the core reports to a metrics service ({@link org.lws4j.spi.metrics.MetricsSink},
 * events pushed from the service threads) and what it lets one read ({@link
 * org.lws4j.spi.metrics.ServerGauges}, levels pulled when scraped).
 *
 * <p>Versioned on its own: a change here moves this package's version only, never the protocol
 * API's ({@code org.lws4j.api}).
 */
@Version("1.1.0")
@Export
package org.lws4j.spi.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
