package org.lws4j.core.h2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Checks the client connection preface (RFC 9113 section 3.4): the 24 octets
 * {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}, across reads. What follows must be a SETTINGS frame;
 * that is the connection's check. One per connection, on its service thread; consumes only
 * preface octets from the caller's buffer.
 */
public final class PrefaceReader {
    /** The client preface. */
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private int matched;

    /**
     * Consumes preface octets from {@code in}; true once all 24 matched.
     *
     * @throws H2Exception PROTOCOL_ERROR on the first octet that differs
     */
    public boolean read(ByteBuffer in) throws H2Exception {
        while (matched < PREFACE.length && in.hasRemaining()) {
            if (in.get() != PREFACE[matched]) {
                throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "not the HTTP/2 connection preface");
            }
            matched++;
        }
        return isDone();
    }

    public boolean isDone() {
        return matched == PREFACE.length;
    }
}
