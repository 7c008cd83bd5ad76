package org.lws4j.core.h2;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a {@link Frame} of a frame header and its payload, checking what RFC 9113 section 6
 * requires of each type on its own: lengths, stream 0 or not, padding, setting ranges, zero
 * window increments. Rules that need the connection's state (which stream may send what) are
 * the connection's.
 *
 * <p>Each violation is an {@link H2Exception} with the code and reach the RFC gives it. A frame
 * size error is a connection error for frames that change the connection (field blocks,
 * SETTINGS, anything on stream 0, RST_STREAM and WINDOW_UPDATE as sections 6.4 and 6.9 say),
 * a stream error otherwise (PRIORITY).
 *
 * <p>A pure function: no state, any thread. The payload buffer is read from its position to
 * its limit and slices of it are lent to the frame (see {@link Frame}).
 */
public final class FrameParser {
    private FrameParser() {
    }

    /** Parses one frame; {@code payload} holds exactly {@code header.length()} octets. */
    public static Frame parse(FrameHeader header, ByteBuffer payload) throws H2Exception {
        if (payload.remaining() != header.length()) {
            throw new IllegalArgumentException("payload of " + payload.remaining() + " for " + header);
        }
        int id = header.streamId();
        return switch (header.type()) {
            case FrameHeader.DATA -> {
                onStream(header);
                ByteBuffer data = unpad(header, payload, 0);
                yield new Frame.Data(id, data, header.has(FrameHeader.FLAG_END_STREAM), header.length());
            }
            case FrameHeader.HEADERS -> headers(header, payload);
            case FrameHeader.PRIORITY -> {
                onStream(header);
                if (header.length() != 5) {
                    throw H2Exception.stream(id, ErrorCode.FRAME_SIZE_ERROR, "PRIORITY of " + header.length());
                }
                if ((int32(payload, payload.position()) & 0x7fffffff) == id) {
                    throw H2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "stream depends on itself");
                }
                yield new Frame.Priority(id);
            }
            case FrameHeader.RST_STREAM -> {
                onStream(header);
                exactLength(header, 4);
                yield new Frame.RstStream(id, int32(payload, payload.position()) & 0xffffffffL);
            }
            case FrameHeader.SETTINGS -> settings(header, payload);
            case FrameHeader.PUSH_PROMISE -> {
                onStream(header);
                ByteBuffer rest = unpad(header, payload, 4);
                yield new Frame.PushPromise(id, int32(rest, rest.position()) & 0x7fffffff);
            }
            case FrameHeader.PING -> {
                onConnection(header);
                exactLength(header, 8);
                yield new Frame.Ping(header.has(FrameHeader.FLAG_ACK), (long) int32(payload, payload.position()) << 32
                        | int32(payload, payload.position() + 4) & 0xffffffffL);
            }
            case FrameHeader.GOAWAY -> {
                onConnection(header);
                if (header.length() < 8) {
                    throw frameSize("GOAWAY of " + header.length());
                }
                int p = payload.position();
                yield new Frame.GoAway(int32(payload, p) & 0x7fffffff, int32(payload, p + 4) & 0xffffffffL,
                        payload.slice(p + 8, header.length() - 8));
            }
            case FrameHeader.WINDOW_UPDATE -> {
                exactLength(header, 4);
                int increment = int32(payload, payload.position()) & 0x7fffffff;
                if (increment == 0) {
                    throw id == 0 ? H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "window increment 0")
                            : H2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "window increment 0");
                }
                yield new Frame.WindowUpdate(id, increment);
            }
            case FrameHeader.CONTINUATION -> {
                onStream(header);
                yield new Frame.Continuation(id, payload.slice(payload.position(), header.length()),
                        header.has(FrameHeader.FLAG_END_HEADERS));
            }
            default -> new Frame.Unknown(header.type(), id, header.length());
        };
    }

    private static Frame headers(FrameHeader header, ByteBuffer payload) throws H2Exception {
        onStream(header);
        boolean priority = header.has(FrameHeader.FLAG_PRIORITY);
        ByteBuffer rest = unpad(header, payload, priority ? 5 : 0);
        int dependency = -1;
        if (priority) {
            dependency = int32(rest, rest.position()) & 0x7fffffff;
            rest = rest.slice(rest.position() + 5, rest.remaining() - 5);
        }
        return new Frame.Headers(header.streamId(), rest, header.has(FrameHeader.FLAG_END_STREAM),
                header.has(FrameHeader.FLAG_END_HEADERS), dependency);
    }

    private static Frame settings(FrameHeader header, ByteBuffer payload) throws H2Exception {
        onConnection(header);
        boolean ack = header.has(FrameHeader.FLAG_ACK);
        if (ack && header.length() != 0) {
            throw frameSize("SETTINGS ack with a payload");
        }
        if (header.length() % 6 != 0) {
            throw frameSize("SETTINGS of " + header.length());
        }
        List<Setting> values = new ArrayList<>(header.length() / 6);
        for (int p = payload.position(); p < payload.limit(); p += 6) {
            values.add(Setting.checked((payload.get(p) & 0xff) << 8 | payload.get(p + 1) & 0xff, int32(payload, p + 2) & 0xffffffffL));
        }
        return new Frame.Settings(ack, values);
    }

    /**
     * The payload without padding and after {@code fixed} octets that must fit before the
     * padding (priority fields, a promised stream), which stay at the start of the result.
     */
    private static ByteBuffer unpad(FrameHeader header, ByteBuffer payload, int fixed) throws H2Exception {
        int p = payload.position();
        int length = header.length();
        int pad = 0;
        if (header.has(FrameHeader.FLAG_PADDED)) {
            if (length < 1) {
                throw frameSize("padded frame without a pad length");
            }
            pad = payload.get(p) & 0xff;
            p++;
            length--;
        }
        if (length < fixed) {
            throw frameSize("frame of type " + header.type() + " too short");
        }
        if (pad > length - fixed) {
            // section 6.1: padding as long as the payload or longer
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "padding " + pad + " past the payload");
        }
        return payload.slice(p, length - pad);
    }

    /** A big-endian 32-bit value at {@code p}, whatever the buffer's byte order. */
    static int int32(ByteBuffer b, int p) {
        return (b.get(p) & 0xff) << 24 | (b.get(p + 1) & 0xff) << 16 | (b.get(p + 2) & 0xff) << 8 | b.get(p + 3) & 0xff;
    }

    private static void onStream(FrameHeader header) throws H2Exception {
        if (header.streamId() == 0) {
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "frame of type " + header.type() + " on stream 0");
        }
    }

    private static void onConnection(FrameHeader header) throws H2Exception {
        if (header.streamId() != 0) {
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "frame of type " + header.type() + " on stream " + header.streamId());
        }
    }

    private static void exactLength(FrameHeader header, int length) throws H2Exception {
        if (header.length() != length) {
            throw frameSize("frame of type " + header.type() + " of " + header.length() + " octets");
        }
    }

    private static H2Exception frameSize(String message) {
        return H2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, message);
    }
}
