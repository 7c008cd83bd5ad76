package org.lws4j.core.h2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes frames (RFC 9113 section 6). Each method returns a new heap buffer, flipped, holding
 * one frame or, for a field block, a HEADERS frame and the CONTINUATION frames it needs,
 * contiguous as section 6.10 requires; the caller owns it and hands it to the wire. Stateless;
 * any thread. Frame sizes are the caller's to respect (the peer's SETTINGS_MAX_FRAME_SIZE).
 */
public final class FrameWriter {
    private FrameWriter() {
    }

    /** Any frame with the given payload; for unusual frames and tests. */
    public static ByteBuffer frame(int type, int flags, int streamId, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(FrameHeader.SIZE + payload.length);
        header(b, payload.length, type, flags, streamId);
        b.put(payload);
        return b.flip();
    }

    /** Writes a frame header at {@code out}'s position. */
    public static void header(ByteBuffer out, int length, int type, int flags, int streamId) {
        out.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
        out.put((byte) type).put((byte) flags).putInt(streamId & 0x7fffffff);
    }

    public static ByteBuffer settings(List<Setting> values) {
        ByteBuffer b = ByteBuffer.allocate(FrameHeader.SIZE + 6 * values.size());
        header(b, 6 * values.size(), FrameHeader.SETTINGS, 0, 0);
        for (Setting s : values) {
            b.putShort((short) s.id()).putInt((int) s.value());
        }
        return b.flip();
    }

    public static ByteBuffer settingsAck() {
        return frame(FrameHeader.SETTINGS, FrameHeader.FLAG_ACK, 0, new byte[0]);
    }

    public static ByteBuffer ping(boolean ack, long opaque) {
        ByteBuffer b = ByteBuffer.allocate(FrameHeader.SIZE + 8);
        header(b, 8, FrameHeader.PING, ack ? FrameHeader.FLAG_ACK : 0, 0);
        return b.putLong(opaque).flip();
    }

    public static ByteBuffer goAway(int lastStreamId, ErrorCode code, String debug) {
        byte[] d = debug == null ? new byte[0] : debug.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(FrameHeader.SIZE + 8 + d.length);
        header(b, 8 + d.length, FrameHeader.GOAWAY, 0, 0);
        return b.putInt(lastStreamId).putInt(code.code).put(d).flip();
    }

    public static ByteBuffer windowUpdate(int streamId, int increment) {
        ByteBuffer b = ByteBuffer.allocate(FrameHeader.SIZE + 4);
        header(b, 4, FrameHeader.WINDOW_UPDATE, 0, streamId);
        return b.putInt(increment).flip();
    }

    public static ByteBuffer rstStream(int streamId, ErrorCode code) {
        ByteBuffer b = ByteBuffer.allocate(FrameHeader.SIZE + 4);
        header(b, 4, FrameHeader.RST_STREAM, 0, streamId);
        return b.putInt(code.code).flip();
    }

    /** A DATA frame of the next {@code n} octets of {@code src} (consumed), unpadded. */
    public static ByteBuffer data(int streamId, ByteBuffer src, int n, boolean endStream) {
        ByteBuffer b = ByteBuffer.allocate(FrameHeader.SIZE + n);
        header(b, n, FrameHeader.DATA, endStream ? FrameHeader.FLAG_END_STREAM : 0, streamId);
        b.put(b.position(), src, src.position(), n);
        src.position(src.position() + n);
        return b.position(b.position() + n).flip();
    }

    /**
     * A field block as HEADERS followed by as many CONTINUATION frames as {@code maxFrameSize}
     * requires, in one buffer; END_STREAM goes on the HEADERS frame, END_HEADERS on the last.
     */
    public static ByteBuffer headers(int streamId, BlockBuffer block, boolean endStream, int maxFrameSize) {
        int length = block.length();
        int frames = Math.max(1, (length + maxFrameSize - 1) / maxFrameSize);
        ByteBuffer b = ByteBuffer.allocate(frames * FrameHeader.SIZE + length);
        byte[] bytes = block.array();
        int offset = 0;
        for (int i = 0; i < frames; i++) {
            int n = Math.min(maxFrameSize, length - offset);
            int flags = (i == frames - 1 ? FrameHeader.FLAG_END_HEADERS : 0)
                    | (i == 0 && endStream ? FrameHeader.FLAG_END_STREAM : 0);
            header(b, n, i == 0 ? FrameHeader.HEADERS : FrameHeader.CONTINUATION, flags, streamId);
            b.put(bytes, offset, n);
            offset += n;
        }
        return b.flip();
    }
}
