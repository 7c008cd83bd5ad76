package org.lws4j.ext.deflate;

import java.nio.ByteBuffer;
import java.util.List;

import org.lws4j.spi.extension.ExtensionOffer;
import org.lws4j.spi.extension.ExtensionSession;

/** Test helpers: hex, sessions made the way the core makes them. */
final class Bytes {
    static final ExtensionSession.Limits LIMITS = new ExtensionSession.Limits(4096, 64L << 20);

    private Bytes() {
    }

    static byte[] hex(String s) {
        String[] parts = s.trim().split("\\s+");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(s.length() == 0 ? "" : " ").append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }

    static String hex(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return hex(a);
    }

    /** A server session for the offer header value, with default preferences. */
    static DeflateSession server(String offerHeader) {
        return server(offerHeader, Preferences.DEFAULTS, LIMITS);
    }

    static DeflateSession server(String offerHeader, Preferences p, ExtensionSession.Limits limits) {
        ExtensionSession s = new PermessageDeflate(p).accept(ExtensionOffer.parse(List.of(offerHeader)), limits);
        if (s == null) {
            throw new AssertionError("declined: " + offerHeader);
        }
        return (DeflateSession) s;
    }

    static Preferences withLevel(int level) {
        Preferences d = Preferences.DEFAULTS;
        return new Preferences(d.serverMaxWindowBits(), d.clientMaxWindowBits(), d.serverNoContextTakeover(),
                d.clientNoContextTakeover(), level, d.memLevel(), d.rxBufPower(), d.txBufPower());
    }
}
