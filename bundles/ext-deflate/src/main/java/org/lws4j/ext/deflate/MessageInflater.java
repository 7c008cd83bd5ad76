package org.lws4j.ext.deflate;

import java.nio.ByteBuffer;

import com.jcraft.jzlib.GZIPException;
import com.jcraft.jzlib.Inflater;
import com.jcraft.jzlib.JZlib;

import org.lws4j.api.CloseStatus;
import org.lws4j.spi.extension.ExtensionException;
import org.lws4j.spi.extension.ExtensionSession;

/**
 * The receiving half (RFC 7692 section 7.2.2): inflates the pieces of a compressed message and
 * appends the 00 00 FF FF the sender stripped once the last piece is in.
 *
 * <p>Memory stays bounded whatever the compression ratio: output is made one chunk at a time (at
 * most {@code rx_buf_size}, never more than the connection's receive piece) and handed to the sink
 * before the next chunk is made, and a message that inflates past the message limit fails with
 * 1009 as soon as it crosses it. When the sink says stop, what is left of the input is kept (at most
 * one piece) and the next call, with or without new input, goes on from there.
 *
 * <p>The inflater always has a 15-bit window, whatever window the peer agreed to compress with:
 * JZlib, like zlib 1.1, does not check for distances "too far back", so a peer that compressed with
 * more than it agreed (zlib before 1.2.9 used 9 bits when asked for 8) would be inflated into
 * garbage instead of failing. A 32 KiB window reads every valid DEFLATE stream.
 *
 * <p>A sender may end a message with a BFINAL block (section 7.2.3.4): what follows it in that
 * message is ignored and the next message starts a new stream. The inflater is dropped between
 * messages when the peer does not take context over (it could not use it) to free its window.
 *
 * <p>Used on one connection's service thread only.
 */
final class MessageInflater {
    private static final byte[] TRAILER = {0, 0, (byte) 0xff, (byte) 0xff};
    private static final byte[] NONE = new byte[0];

    private final boolean noContextTakeover;
    private final int pieceLimit;
    private final long maxMessage;

    private int chunkSize;
    private Inflater z;
    private byte[] out;
    /** Input kept while the sink has paused us. */
    private byte[] held = NONE;
    private int heldLen;
    private boolean trailerFed;
    private boolean streamEnded;
    private long messageOut;

    MessageInflater(boolean noContextTakeover, ExtensionSession.Limits limits, int rxBufPower) {
        this.noContextTakeover = noContextTakeover;
        this.pieceLimit = Math.max(1, limits.rxPieceSize());
        this.maxMessage = limits.maxMessageSize();
        setChunkPower(rxBufPower);
    }

    /** lws's rx_buf_size: output chunks of 2^power bytes, capped at the connection's piece size. */
    void setChunkPower(int power) {
        chunkSize = Math.min(1 << power, pieceLimit);
    }

    int chunkSize() {
        return chunkSize;
    }

    boolean decode(ByteBuffer in, boolean last, ExtensionSession.Sink sink) throws ExtensionException {
        if (z == null) {
            z = newInflater();
        }
        if (out == null || out.length != chunkSize) {
            out = new byte[chunkSize];
        }
        if (streamEnded) {
            in.position(in.limit()); // after a BFINAL block the rest of the message means nothing
        }
        byte[] src;
        int off;
        int len;
        if (heldLen == 0 && in.hasArray()) {
            src = in.array();
            off = in.arrayOffset() + in.position();
            len = in.remaining();
        } else {
            hold(in);
            src = held;
            off = 0;
            len = heldLen;
            heldLen = 0;
        }
        in.position(in.limit());
        z.setInput(src, off, len, false);

        while (true) {
            long inBefore = z.getTotalIn();
            z.setOutput(out, 0, out.length);
            int rc = z.inflate(JZlib.Z_SYNC_FLUSH);
            int n = out.length - z.getAvailOut();
            if (rc == JZlib.Z_DATA_ERROR || rc == JZlib.Z_STREAM_ERROR || rc == JZlib.Z_NEED_DICT
                    || rc == JZlib.Z_MEM_ERROR) {
                String msg = z.getMessage();
                throw new ExtensionException(CloseStatus.INVALID_PAYLOAD,
                        "compressed data does not inflate" + (msg == null ? "" : ": " + msg));
            }
            if (rc == JZlib.Z_STREAM_END) {
                streamEnded = true;
                z.setAvailIn(0);
            }
            if (n > 0) {
                messageOut += n;
                if (messageOut > maxMessage) {
                    throw new ExtensionException(CloseStatus.MESSAGE_TOO_LARGE,
                            "message inflates past the limit of " + maxMessage + " bytes");
                }
                if (!sink.accept(ByteBuffer.wrap(out, 0, n))) {
                    keepInput();
                    return false;
                }
            }
            if (n == out.length) {
                continue; // the chunk was full: more output may be waiting
            }
            if (z.getAvailIn() > 0) {
                if (n == 0 && z.getTotalIn() == inBefore) {
                    throw new ExtensionException(CloseStatus.INVALID_PAYLOAD, "compressed data makes no progress");
                }
                continue;
            }
            if (last && !trailerFed && !streamEnded) {
                trailerFed = true;
                z.setInput(TRAILER, 0, TRAILER.length, false);
                continue;
            }
            break;
        }
        if (held.length > chunkSize) {
            held = NONE; // all read: an idle connection keeps no copy of a big piece
        }
        if (last) {
            endOfMessage();
        }
        return true;
    }

    private void endOfMessage() {
        trailerFed = false;
        messageOut = 0;
        if (streamEnded || noContextTakeover) {
            streamEnded = false;
            release();
        }
    }

    /** Copies {@code in} after what is held. */
    private void hold(ByteBuffer in) {
        int need = heldLen + in.remaining();
        if (held.length < need) {
            byte[] b = new byte[need];
            System.arraycopy(held, 0, b, 0, heldLen);
            held = b;
        }
        in.get(held, heldLen, in.remaining());
        heldLen = need;
    }

    /** The sink paused us: keep the input zlib has not read yet. */
    private void keepInput() {
        int n = z.getAvailIn();
        if (n == 0) {
            heldLen = 0;
            return;
        }
        byte[] src = z.getNextIn();
        int off = z.getNextInIndex();
        if (src == TRAILER) {
            // the trailer was being read: the rest of it goes on from the same place next time
            byte[] copy = new byte[n];
            System.arraycopy(src, off, copy, 0, n);
            held = copy;
            heldLen = n;
            return;
        }
        if (src == held) {
            System.arraycopy(held, off, held, 0, n);
        } else {
            if (held.length < n) {
                held = new byte[n];
            }
            System.arraycopy(src, off, held, 0, n);
        }
        heldLen = n;
    }

    private Inflater newInflater() throws ExtensionException {
        try {
            return new Inflater(DeflateNegotiation.MAX_WINDOW, JZlib.W_NONE);
        } catch (GZIPException e) {
            throw new ExtensionException(CloseStatus.UNEXPECTED_CONDITION, "cannot start an inflater: " + e.getMessage());
        }
    }

    /** Frees the window; the next message starts a new one. */
    void release() {
        if (z != null) {
            z.end();
            z = null;
        }
        out = null;
        held = NONE;
        heldLen = 0;
    }
}
