package org.lws4j.spi.extension;

import org.lws4j.api.WriteMode;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An extension as negotiated on one connection. Used only on that connection's service thread.
 *
 * <p><b>Receiving.</b> For a message whose first frame carries this extension's RSV bits, the core
 * passes each piece of payload to {@link #decode}; the session hands decoded bytes to the sink
 * as it produces them, and must stop as soon as the sink returns false (the protocol stopped
 * reading), keeping what it has not decoded yet; the core calls {@code decode} again with an
 * empty buffer to go on. Memory stays bounded whatever the compression ratio: output goes out as
 * it is made. The buffer given to the sink is only valid during the call.
 *
 * <p><b>Sending.</b> {@link #transforms} decides per message; {@link #encode} turns each written
 * piece into what goes on the wire.
 */
@ConsumerType
public interface ExtensionSession {
    /** What the connection allows: pieces handed to the protocol, and the largest message. */
    @ProviderType
    record Limits(int rxPieceSize, long maxMessageSize) {
    }

    /** Where decoded bytes go. */
    @ProviderType
    interface Sink {
        /** Takes decoded bytes; false when no more should be produced now. */
        boolean accept(ByteBuffer decoded);
    }

    /** The negotiated response element (server) or what was accepted (client). */
    ExtensionOffer response();

    /** The RSV bits this extension uses, as in a frame's first byte (RSV1 is 0x40). */
    int rsvBits();

    /**
     * Decodes a piece of a transformed message.
     *
     * @param in payload bytes (the session may keep a copy of what it does not consume)
     * @param last true when this piece ends the message
     * @param out where decoded bytes go
     * @return true when everything given so far is decoded; false when the sink stopped it
     */
    boolean decode(ByteBuffer in, boolean last, Sink out) throws ExtensionException;

    /** True if the message about to be sent (its first piece has {@code length} bytes) is transformed. */
    boolean transforms(WriteMode mode, int length);

    /** Encodes a piece of a transformed message; the result is framed as it is. */
    ByteBuffer encode(ByteBuffer in, boolean last) throws ExtensionException;

    /**
     * Sets an option (lws's {@code set_extension_option}), e.g. {@code compression_level}.
     *
     * @return false for an unknown option or a value it cannot take
     */
    boolean setOption(String option, String value);

    /** The connection closed: release what the session holds. */
    void close();
}
