package org.lws4j.ext.deflate;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import org.lws4j.spi.extension.ExtensionSession;

/** A sink that keeps what it is given, and the largest piece, as the core's sink would see them. */
final class Collect implements ExtensionSession.Sink {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int calls;
    int largest;
    long total;
    /** Accept this many calls, then say stop once (the protocol paused rx). */
    int pauseAfter = -1;
    /** Do not keep the bytes (for very large outputs); count them only. */
    boolean countOnly;

    @Override
    public boolean accept(ByteBuffer decoded) {
        calls++;
        largest = Math.max(largest, decoded.remaining());
        total += decoded.remaining();
        if (!countOnly) {
            byte[] b = new byte[decoded.remaining()];
            decoded.get(b);
            bytes.write(b, 0, b.length);
        } else {
            decoded.position(decoded.limit());
        }
        if (pauseAfter >= 0 && calls >= pauseAfter) {
            pauseAfter = -1;
            return false;
        }
        return true;
    }

    byte[] take() {
        byte[] b = bytes.toByteArray();
        bytes.reset();
        return b;
    }
}
