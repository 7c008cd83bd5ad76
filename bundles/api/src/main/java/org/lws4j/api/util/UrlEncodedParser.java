package org.lws4j.api.util;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A streaming {@code application/x-www-form-urlencoded} parser: fed the body in pieces of any
 * size, it hands each {@code name=value} pair to the handler's {@link FormHandler#field} as soon
 * as its '&amp;' (or the end) arrives, decoded as {@link PercentEncoding#decodeForm(byte[])} does. Only
 * the pair being read is held, and refused (413) past {@code maxPairBytes}. Not thread-safe: one
 * body, one thread.
 */
@ProviderType
public final class UrlEncodedParser {
    private final FormHandler handler;
    private final int maxPair;
    private final ByteArrayOutputStream name = new ByteArrayOutputStream();
    private final ByteArrayOutputStream value = new ByteArrayOutputStream();
    private boolean inValue;
    private int pairBytes;

    /** A parser whose pairs are at most {@code maxPairBytes} bytes as sent (name, '=' and value). */
    public UrlEncodedParser(FormHandler handler, int maxPairBytes) {
        if (maxPairBytes < 1) {
            throw new IllegalArgumentException("maxPairBytes must be positive");
        }
        this.handler = handler;
        this.maxPair = maxPairBytes;
    }

    /** Feeds the next piece of body; consumes all of {@code in}. */
    public void feed(ByteBuffer in) throws FormException {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '&') {
                pair();
                continue;
            }
            if (++pairBytes > maxPair) {
                throw new FormException(413, "a form field is over " + maxPair + " bytes");
            }
            if (b == '=' && !inValue) {
                inValue = true;
            } else {
                (inValue ? value : name).write(b);
            }
        }
    }

    /** The body ended: the last pair, if any, is handed over. */
    public void finish() throws FormException {
        pair();
    }

    private void pair() throws FormException {
        if (name.size() > 0 || value.size() > 0) {
            handler.field(PercentEncoding.decodeForm(name.toByteArray()), PercentEncoding.decodeForm(value.toByteArray()));
        }
        name.reset();
        value.reset();
        inValue = false;
        pairBytes = 0;
    }
}
