package org.lws4j.ext.deflate;

import org.lws4j.spi.extension.ExtensionOffer;

/**
 * The parameters agreed for one connection (RFC 7692 section 7.1), seen from the server: what the
 * server compresses with and what the client compresses with, and the response element that says
 * so on the wire.
 *
 * @param serverNoContextTakeover the server compresses each message on its own
 * @param clientNoContextTakeover the client compresses each message on its own
 * @param serverWindowBits the LZ77 window the server compresses with (9..15)
 * @param clientWindowBits the largest window the client may compress with (8..15)
 * @param response the element as it appears in the server's Sec-WebSocket-Extensions
 */
record Agreement(boolean serverNoContextTakeover, boolean clientNoContextTakeover, int serverWindowBits,
                 int clientWindowBits, ExtensionOffer response) {
}
