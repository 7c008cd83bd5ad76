/**
 * Jakarta WebSocket on lws4j: the names of the whiteboard's service properties, and the entry for
 * embedding ({@link org.lws4j.jakarta.websocket.JakartaWebSocket#server()}). Everything else in
 * the bundle is private.
 */
@Version("1.0.0")
@Export
package org.lws4j.jakarta.websocket;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
