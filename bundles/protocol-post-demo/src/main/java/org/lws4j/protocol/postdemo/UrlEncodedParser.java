package org.lws4j.protocol.postdemo;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A streaming {@code application/x-www-form-urlencoded} parser: fed the body in pieces, it hands
 * each {@code name=value} pair to the handler as soon as its '&' (or the end) arrives, decoded
 * ('+' as space, %XX as bytes, then UTF-8; a bad escape is kept as sent, bad UTF-8 becomes
 * U+FFFD). Only the pair being read is held. Not thread-safe.
 */
final class UrlEncodedParser {
    /** Receives the pairs, in order; a pair without '=' has the value "". */
    interface Handler {
        void field(String name, String value) throws FormException;
    }

    private final Handler handler;
    private final ByteArrayOutputStream name = new ByteArrayOutputStream();
    private final ByteArrayOutputStream value = new ByteArrayOutputStream();
    private boolean inValue;

    UrlEncodedParser(Handler handler) {
        this.handler = handler;
    }

    void feed(ByteBuffer in) throws FormException {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '&') {
                pair();
            } else if (b == '=' && !inValue) {
                inValue = true;
            } else {
                (inValue ? value : name).write(b);
            }
        }
    }

    /** The body ended: the last pair, if any, is handed over. */
    void finish() throws FormException {
        pair();
    }

    private void pair() throws FormException {
        if (name.size() > 0 || value.size() > 0) {
            handler.field(decode(name.toByteArray()), decode(value.toByteArray()));
        }
        name.reset();
        value.reset();
        inValue = false;
    }

    static String decode(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            int hi;
            int lo;
            if (b == '%' && i + 2 < raw.length && (hi = Character.digit(raw[i + 1], 16)) >= 0
                    && (lo = Character.digit(raw[i + 2], 16)) >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b == '+' ? ' ' : b);
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }
}
