package org.lws4j.ext.deflate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.lws4j.spi.extension.ExtensionOffer;

/**
 * The negotiation rules of RFC 7692 section 7.1, both sides. An offer is declined, never
 * "repaired", when it has a parameter the RFC does not define, a value where none is allowed (or
 * none where one is required), a window size that is not a decimal 8..15 without leading zeros, or
 * asks for what JZlib cannot do: compressing with an 8-bit window. zlib (and JZlib, its port)
 * refuse a raw deflate window below 9 bits, and the response to {@code server_max_window_bits=8}
 * may only say 8 or less, so such an offer is declined and the client's next offer (clients put
 * their fallback after it) is tried. A client that asks to compress with 8 bits itself is fine: we
 * inflate with a full window, which reads anything (zlib before 1.2.9 silently compressed with 9
 * bits when asked for 8).
 */
final class DeflateNegotiation {
    static final String NAME = "permessage-deflate";
    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    /** zlib cannot compress raw deflate with a window under 9 bits. */
    static final int MIN_DEFLATE_WINDOW = 9;
    static final int MAX_WINDOW = 15;

    private static final Pattern WINDOW_BITS = Pattern.compile("[89]|1[0-5]");

    private DeflateNegotiation() {
    }

    /** Server side: the agreement for the first offer that can be honoured, or null. */
    static Agreement accept(List<ExtensionOffer> offers, Preferences prefs) {
        for (ExtensionOffer offer : offers) {
            Agreement a = acceptOne(offer, prefs);
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    /** Server side: the agreement for one offer, or null to decline it. */
    static Agreement acceptOne(ExtensionOffer offer, Preferences prefs) {
        if (!NAME.equals(offer.name())) {
            return null;
        }
        int offeredServerBits = 0; // 0: not offered
        int offeredClientBits = 0; // 0: not offered, -1: offered without a value
        for (Map.Entry<String, String> e : offer.params().entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case SERVER_NO_CONTEXT_TAKEOVER:
                case CLIENT_NO_CONTEXT_TAKEOVER:
                    if (v != null) {
                        return null;
                    }
                    break;
                case SERVER_MAX_WINDOW_BITS:
                    offeredServerBits = windowBits(v);
                    if (offeredServerBits < 0) {
                        return null; // absent or malformed value
                    }
                    break;
                case CLIENT_MAX_WINDOW_BITS:
                    offeredClientBits = v == null ? -1 : windowBits(v);
                    if (v != null && offeredClientBits < 0) {
                        return null;
                    }
                    break;
                default:
                    return null; // a parameter RFC 7692 does not define for an offer
            }
        }
        boolean serverNoContext = offer.has(SERVER_NO_CONTEXT_TAKEOVER) || prefs.serverNoContextTakeover();
        boolean clientNoContext = offer.has(CLIENT_NO_CONTEXT_TAKEOVER) || prefs.clientNoContextTakeover();

        int serverBits = offeredServerBits > 0 ? Math.min(offeredServerBits, prefs.serverMaxWindowBits())
                : prefs.serverMaxWindowBits();
        if (serverBits < MIN_DEFLATE_WINDOW) {
            return null; // server_max_window_bits=8: see the class comment
        }
        boolean sayServerBits = offeredServerBits > 0 || serverBits < MAX_WINDOW;

        int clientBits = MAX_WINDOW;
        boolean sayClientBits = false;
        if (offeredClientBits != 0) {
            // only an offer with client_max_window_bits lets the server limit the client's window
            clientBits = offeredClientBits > 0 ? Math.min(offeredClientBits, prefs.clientMaxWindowBits())
                    : prefs.clientMaxWindowBits();
            sayClientBits = offeredClientBits > 0 || clientBits < MAX_WINDOW;
        }

        Map<String, String> r = new LinkedHashMap<>();
        if (serverNoContext) {
            r.put(SERVER_NO_CONTEXT_TAKEOVER, null);
        }
        if (clientNoContext) {
            r.put(CLIENT_NO_CONTEXT_TAKEOVER, null);
        }
        if (sayServerBits) {
            r.put(SERVER_MAX_WINDOW_BITS, Integer.toString(serverBits));
        }
        if (sayClientBits) {
            r.put(CLIENT_MAX_WINDOW_BITS, Integer.toString(clientBits));
        }
        return new Agreement(serverNoContext, clientNoContext, serverBits, clientBits, new ExtensionOffer(NAME, r));
    }

    /** Client side: what we offer, as browsers do. */
    static ExtensionOffer clientOffer() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(CLIENT_MAX_WINDOW_BITS, null);
        return new ExtensionOffer(NAME, p);
    }

    /**
     * Client side: the server's answer to {@link #clientOffer()}, or null when it is not a valid
     * answer or asks for what we cannot do (compress with an 8-bit window): the client then fails
     * the connection, as RFC 7692 section 7.1 requires.
     */
    static Agreement clientAccept(ExtensionOffer response) {
        if (!NAME.equals(response.name())) {
            return null;
        }
        int serverBits = MAX_WINDOW;
        int clientBits = MAX_WINDOW;
        for (Map.Entry<String, String> e : response.params().entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case SERVER_NO_CONTEXT_TAKEOVER:
                case CLIENT_NO_CONTEXT_TAKEOVER:
                    if (v != null) {
                        return null;
                    }
                    break;
                case SERVER_MAX_WINDOW_BITS:
                    serverBits = windowBits(v);
                    if (serverBits < 0) {
                        return null;
                    }
                    break;
                case CLIENT_MAX_WINDOW_BITS:
                    clientBits = windowBits(v);
                    if (clientBits < 0) {
                        return null;
                    }
                    break;
                default:
                    return null;
            }
        }
        if (clientBits < MIN_DEFLATE_WINDOW) {
            return null;
        }
        return new Agreement(response.has(SERVER_NO_CONTEXT_TAKEOVER), response.has(CLIENT_NO_CONTEXT_TAKEOVER),
                serverBits, clientBits, response);
    }

    /** 8..15 written as RFC 7692 asks (decimal, no leading zeros), else -1. */
    static int windowBits(String v) {
        return v != null && WINDOW_BITS.matcher(v).matches() ? Integer.parseInt(v) : -1;
    }
}
