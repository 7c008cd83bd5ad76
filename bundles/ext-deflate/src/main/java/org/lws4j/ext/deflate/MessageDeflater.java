package org.lws4j.ext.deflate;

import java.nio.ByteBuffer;

import com.jcraft.jzlib.Deflater;
import com.jcraft.jzlib.GZIPException;
import com.jcraft.jzlib.JZlib;

import org.lws4j.api.CloseStatus;
import org.lws4j.spi.extension.ExtensionException;

/**
 * The sending half (RFC 7692 section 7.2.1): compresses the pieces of a message as they are
 * written, ends the message with a sync flush and strips the 00 00 FF FF it ends with. Pieces
 * before the last are compressed without a flush (as lws does), so their frames may be short or
 * empty; the last one carries the rest. An empty message is the single byte 00 (section 7.2.3.6).
 *
 * <p>Each call returns a new buffer holding exactly the compressed bytes; nothing is kept after the
 * call but the compressor's own state. Without context takeover the compressor is dropped after
 * each message and a new one starts the next, so an idle connection holds no window. A new
 * compression level applies from the next message on, keeping the context; a new memory level
 * needs a new compressor, so it starts the next message without context (always allowed to the
 * sender: the receiver's history is simply not used).
 *
 * <p>Used on one connection's service thread only.
 */
final class MessageDeflater {
    private final int windowBits;
    private final boolean noContextTakeover;

    private int level;
    private int memLevel;
    private int stepSize;
    private boolean levelChanged;
    private boolean memLevelChanged;
    private Deflater z;
    private boolean inMessage;
    private long messageIn;

    MessageDeflater(int windowBits, boolean noContextTakeover, int level, int memLevel, int txBufPower) {
        this.windowBits = windowBits;
        this.noContextTakeover = noContextTakeover;
        this.level = level;
        this.memLevel = memLevel;
        setStepPower(txBufPower);
    }

    /** lws's tx_buf_size: the output buffer starts at (and grows by at least) 2^power bytes. */
    void setStepPower(int power) {
        stepSize = 1 << power;
    }

    int stepSize() {
        return stepSize;
    }

    void setLevel(int level) {
        if (level != this.level) {
            this.level = level;
            levelChanged = true;
        }
    }

    void setMemLevel(int memLevel) {
        if (memLevel != this.memLevel) {
            this.memLevel = memLevel;
            memLevelChanged = true;
        }
    }

    ByteBuffer encode(ByteBuffer in, boolean last) throws ExtensionException {
        boolean first = !inMessage;
        inMessage = !last;
        int len = in.remaining();
        messageIn += len;
        if (len == 0 && (!last || messageIn == 0)) {
            // nothing to compress yet; an empty message is the byte 00 (an empty stored block whose
            // LEN/NLEN the receiver's appended 00 00 FF FF supplies)
            if (last) {
                endOfMessage();
                return ByteBuffer.wrap(new byte[] {0});
            }
            return ByteBuffer.allocate(0);
        }
        // room for a quarter of the input (JSON and text shrink more), at least one step
        byte[] out = new byte[Math.max(16, Math.min(len + 64, Math.max(stepSize, len >> 2)))];
        int outLen = prepare(first, out);
        byte[] src;
        int off;
        if (in.hasArray()) {
            src = in.array();
            off = in.arrayOffset() + in.position();
        } else {
            src = new byte[len];
            in.duplicate().get(src);
            off = 0;
        }
        in.position(in.limit());
        z.setInput(src, off, len, false);

        int flush = last ? JZlib.Z_SYNC_FLUSH : JZlib.Z_NO_FLUSH;
        while (true) {
            if (outLen == out.length) {
                byte[] bigger = new byte[out.length + Math.max(stepSize, out.length)];
                System.arraycopy(out, 0, bigger, 0, outLen);
                out = bigger;
            }
            z.setOutput(out, outLen, out.length - outLen);
            int inBefore = z.getAvailIn();
            int rc = z.deflate(flush);
            int produced = out.length - z.getAvailOut() - outLen;
            outLen += produced;
            if (rc == JZlib.Z_STREAM_ERROR || (produced == 0 && z.getAvailIn() == inBefore && z.getAvailIn() > 0)) {
                throw new ExtensionException(CloseStatus.UNEXPECTED_CONDITION, "deflate failed: " + rc + " " + z.getMessage());
            }
            if (z.getAvailOut() == 0 || z.getAvailIn() > 0) {
                continue; // output full, or input left: go on
            }
            break;
        }
        if (last) {
            if (outLen < 4 || out[outLen - 4] != 0 || out[outLen - 3] != 0 || out[outLen - 2] != (byte) 0xff
                    || out[outLen - 1] != (byte) 0xff) {
                throw new ExtensionException(CloseStatus.UNEXPECTED_CONDITION, "sync flush did not end with 00 00 ff ff");
            }
            outLen -= 4;
            endOfMessage();
        }
        return ByteBuffer.wrap(out, 0, outLen);
    }

    /**
     * Before the first compressed byte of a message: a compressor with the current settings. Returns
     * how many bytes it put at the start of {@code out} (none, unless a level change had to flush).
     */
    private int prepare(boolean first, byte[] out) throws ExtensionException {
        if (z != null && first && memLevelChanged) {
            release(); // the memory level is fixed when a compressor is made
        }
        if (z == null) {
            try {
                z = new Deflater(level, windowBits, effectiveMemLevel(), JZlib.W_NONE);
            } catch (GZIPException e) {
                throw new ExtensionException(CloseStatus.UNEXPECTED_CONDITION, "cannot start a deflater: " + e.getMessage());
            }
            levelChanged = false;
            memLevelChanged = false;
        } else if (levelChanged && first) {
            // deflateParams may run a partial flush; between messages it has nothing to flush, but
            // whatever it writes belongs to the stream, so it goes first in this message
            z.setInput(out, 0, 0, false);
            z.setOutput(out, 0, out.length);
            z.params(level, JZlib.Z_DEFAULT_STRATEGY);
            levelChanged = false;
            return out.length - z.getAvailOut();
        }
        return 0;
    }

    /**
     * The memory level, capped for small windows: zlib's hash table (2^(memLevel+7) entries) is
     * walked every time the window slides, which with a 9-bit window is every few hundred bytes;
     * a table no larger than the window keeps that cheap and loses no matches worth having.
     */
    private int effectiveMemLevel() {
        return Math.max(1, Math.min(memLevel, windowBits - 6));
    }

    private void endOfMessage() {
        messageIn = 0;
        inMessage = false;
        if (noContextTakeover) {
            release();
        }
    }

    void release() {
        if (z != null) {
            z.end();
            z = null;
        }
    }
}
