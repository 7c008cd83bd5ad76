package org.lws4j.ext.deflate;

import java.nio.ByteBuffer;

import org.lws4j.spi.extension.ExtensionException;
import org.lws4j.spi.extension.ExtensionOffer;
import org.lws4j.spi.extension.ExtensionSession;
import org.lws4j.api.WriteMode;

/**
 * permessage-deflate as agreed on one connection: every text and binary message this side sends
 * is compressed (RSV1 on its first frame), and every message that arrives with RSV1 is inflated.
 * The two directions are independent: each has its window size and its context takeover rule,
 * which side is which depends on whether this end is the server or the client. The window sizes
 * bound what each side compresses with; this side inflates with a full window (see
 * {@link MessageInflater}).
 *
 * <p>Used on the connection's service thread only.
 */
final class DeflateSession implements ExtensionSession {
    private static final int RSV1 = 0x40;

    private final ExtensionOffer response;
    private final MessageInflater rx;
    private final MessageDeflater tx;

    private DeflateSession(ExtensionOffer response, MessageInflater rx, MessageDeflater tx) {
        this.response = response;
        this.rx = rx;
        this.tx = tx;
    }

    /** The server's session: it compresses with the server's parameters, inflates with the client's. */
    static DeflateSession server(Agreement a, Limits limits, Preferences p) {
        return new DeflateSession(a.response(),
                new MessageInflater(a.clientNoContextTakeover(), limits, p.rxBufPower()),
                new MessageDeflater(a.serverWindowBits(), a.serverNoContextTakeover(), p.compressionLevel(),
                        p.memLevel(), p.txBufPower()));
    }

    /** The client's session: the other way round. */
    static DeflateSession client(Agreement a, Limits limits, Preferences p) {
        return new DeflateSession(a.response(),
                new MessageInflater(a.serverNoContextTakeover(), limits, p.rxBufPower()),
                new MessageDeflater(a.clientWindowBits(), a.clientNoContextTakeover(), p.compressionLevel(),
                        p.memLevel(), p.txBufPower()));
    }

    @Override
    public ExtensionOffer response() {
        return response;
    }

    @Override
    public int rsvBits() {
        return RSV1;
    }

    @Override
    public boolean decode(ByteBuffer in, boolean last, Sink out) throws ExtensionException {
        return rx.decode(in, last, out);
    }

    @Override
    public boolean transforms(WriteMode mode, int length) {
        return mode == WriteMode.TEXT || mode == WriteMode.BINARY;
    }

    @Override
    public ByteBuffer encode(ByteBuffer in, boolean last) throws ExtensionException {
        return tx.encode(in, last);
    }

    /**
     * lws's options: {@code rx_buf_size} and {@code tx_buf_size} (powers of two, 7..16; the
     * receive chunk is also capped at the connection's receive piece), {@code compression_level}
     * (0..9) and {@code mem_level} (1..9). Any time after ESTABLISHED; compression settings take
     * effect from the next message sent.
     */
    @Override
    public boolean setOption(String option, String value) {
        if (option == null) {
            return false;
        }
        int v;
        switch (option) {
            case Options.RX_BUF_SIZE:
                v = Options.parse(value, Options.MIN_BUF_POWER, Options.MAX_BUF_POWER);
                if (v >= 0) {
                    rx.setChunkPower(v);
                }
                break;
            case Options.TX_BUF_SIZE:
                v = Options.parse(value, Options.MIN_BUF_POWER, Options.MAX_BUF_POWER);
                if (v >= 0) {
                    tx.setStepPower(v);
                }
                break;
            case Options.COMPRESSION_LEVEL:
                v = Options.parse(value, 0, 9);
                if (v >= 0) {
                    tx.setLevel(v);
                }
                break;
            case Options.MEM_LEVEL:
                v = Options.parse(value, 1, 9);
                if (v >= 0) {
                    tx.setMemLevel(v);
                }
                break;
            default:
                return false;
        }
        return v >= 0;
    }

    /** For tests: the inflate chunk and deflate step now in force. */
    int rxChunk() {
        return rx.chunkSize();
    }

    int txStep() {
        return tx.stepSize();
    }

    @Override
    public void close() {
        rx.release();
        tx.release();
    }
}
