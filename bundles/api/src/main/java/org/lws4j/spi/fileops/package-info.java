/**
 * The file ops SPI (lws's fops): open, read, seek and stat files, with providers layered by path signature (a ".zip/" provider under the platform's), as vfs-zip implements it.
 *
 * <p>Versioned on its own: a change here moves this package's version only, never the protocol
 * API's ({@code org.lws4j.api}).
 */
@Version("1.0.0")
@Export
package org.lws4j.spi.fileops;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
