package org.lws4j.core.ws;

import java.nio.ByteBuffer;

import org.lws4j.api.CloseStatus;
import org.lws4j.spi.extension.ExtensionException;
import org.lws4j.spi.extension.ExtensionSession;
import org.lws4j.core.conn.ConnectionImpl;

/**
 * The receiving half of the WebSocket role (RFC 6455 sections 5 and 6): reads frames, enforces
 * the framing rules (masking, reserved bits and opcodes, control frame rules, fragmentation
 * order, UTF-8 checked as it arrives, frame and message size limits), runs transformed
 * (compressed) messages through their extension, and delivers message data in pieces of at most
 * the protocol's rx buffer size, knowing for each whether it is first, final, and how much of its
 * frame remains. Control frames and violations go back to the {@link WsHandler}.
 */
final class WsReceiver {
    private final WsHandler h;
    private final ConnectionImpl conn;
    private final boolean client;
    private final int rxSize;
    private final long maxFrame;
    private final long maxMessage;
    private final int allowedRsv;
    private final ExtensionSession transform;

    private final FrameHeader hdr = new FrameHeader();
    private final Utf8Validator utf8 = new Utf8Validator();
    private boolean inFrame;
    private long frameLeft;
    private long frameOffset;
    private boolean msgOpen;
    private int msgOpcode;
    private long msgBytes;
    private boolean firstPending;
    private ByteBuffer acc;
    private ByteBuffer control;

    // what the current RECEIVE is
    private boolean curFirst;
    private boolean curFinal;
    private long curRemaining;
    /** While a kept piece is delivered: whether its message was binary. */
    private Boolean replayBinary;

    // transformed messages
    private boolean msgTransformed;
    private boolean decodePending;
    private boolean decodeLast;
    private long msgDecoded;

    WsReceiver(WsHandler h, ConnectionImpl conn, boolean client, int rxSize, long maxFrame, long maxMessage,
               int allowedRsv, ExtensionSession transform) {
        this.h = h;
        this.conn = conn;
        this.client = client;
        this.rxSize = rxSize;
        this.maxFrame = maxFrame;
        this.maxMessage = maxMessage;
        this.allowedRsv = allowedRsv;
        this.transform = transform;
    }

    /** Frames from the peer: as many as {@code in} holds, leaving bytes when rx is paused. */
    void onData(ByteBuffer in) {
        while (conn.isOpen()) {
            if (h.receiving() && conn.rxUserPaused()) {
                return; // flow control: the bytes stay queued in the connection
            }
            if (!inFrame) {
                if (!in.hasRemaining() || !hdr.read(in)) {
                    return;
                }
                if (!startFrame()) {
                    return;
                }
                if (frameLeft == 0) {
                    endOfEmptyFrame();
                }
                continue;
            }
            if (!in.hasRemaining()) {
                return;
            }
            boolean isControl = FrameHeader.isControl(hdr.opcode);
            // for transformed messages acc holds decoded bytes: the wire piece is sized on its own
            long want = isControl ? frameLeft
                    : msgTransformed ? Math.min(frameLeft, rxSize)
                    : Math.min(frameLeft, acc == null || acc.position() == 0 ? rxSize : rxSize - acc.position());
            int n = (int) Math.min(in.remaining(), want);
            ByteBuffer piece = in.slice();
            piece.limit(n);
            in.position(in.position() + n);
            if (hdr.masked) {
                FrameHeader.unmask(piece, hdr.mask, frameOffset);
            }
            frameOffset += n;
            frameLeft -= n;
            if (isControl) {
                control.put(piece);
                if (frameLeft == 0) {
                    inFrame = false;
                    control.flip();
                    h.control(hdr.opcode, control);
                }
            } else {
                dataPiece(piece);
            }
        }
    }

    /** Checks a frame header; false when the connection is being failed. */
    private boolean startFrame() {
        int op = hdr.opcode;
        if (!client && !hdr.masked) {
            return h.fail(CloseStatus.PROTOCOL_ERROR, "client frames must be masked");
        }
        if (client && hdr.masked) {
            return h.fail(CloseStatus.PROTOCOL_ERROR, "server frames must not be masked");
        }
        if ((hdr.rsv & ~allowedRsv) != 0) {
            return h.fail(CloseStatus.PROTOCOL_ERROR, "reserved bits set without an extension");
        }
        if (hdr.rsv != 0 && (FrameHeader.isControl(op) || op == FrameHeader.OP_CONTINUATION)) {
            return h.fail(CloseStatus.PROTOCOL_ERROR, "reserved bits set on a control or continuation frame");
        }
        if (!FrameHeader.isKnown(op)) {
            return h.fail(CloseStatus.PROTOCOL_ERROR, "reserved opcode " + op);
        }
        if (hdr.length < 0) {
            return h.fail(CloseStatus.PROTOCOL_ERROR, "64-bit payload length with the top bit set");
        }
        if (FrameHeader.isControl(op)) {
            if (!hdr.fin) {
                return h.fail(CloseStatus.PROTOCOL_ERROR, "fragmented control frame");
            }
            if (hdr.length > 125) {
                return h.fail(CloseStatus.PROTOCOL_ERROR, "control frame payload over 125 bytes");
            }
            control = ByteBuffer.allocate((int) hdr.length);
        } else {
            if (op == FrameHeader.OP_CONTINUATION && !msgOpen) {
                return h.fail(CloseStatus.PROTOCOL_ERROR, "continuation frame with no message to continue");
            }
            if (op != FrameHeader.OP_CONTINUATION && msgOpen) {
                return h.fail(CloseStatus.PROTOCOL_ERROR, "new message before the last one ended");
            }
            if (hdr.length > maxFrame) {
                return h.fail(CloseStatus.MESSAGE_TOO_LARGE, "frame of " + hdr.length + " bytes is over the limit of " + maxFrame);
            }
            if (op != FrameHeader.OP_CONTINUATION) {
                msgOpen = true;
                msgOpcode = op;
                msgBytes = 0;
                msgDecoded = 0;
                firstPending = true;
                utf8.reset();
                msgTransformed = transform != null && (hdr.rsv & (transform.rsvBits() >> 4)) != 0;
            }
            msgBytes += hdr.length;
            // compressed bytes are capped too (a little over the limit: incompressible data grows
            // slightly), so empty blocks cannot stream forever inside one message
            long wireLimit = msgTransformed ? maxMessage + maxMessage / 64 + 1024 : maxMessage;
            if (msgBytes > wireLimit) {
                return h.fail(CloseStatus.MESSAGE_TOO_LARGE, "message over the limit of " + maxMessage + " bytes");
            }
        }
        inFrame = true;
        frameLeft = hdr.length;
        frameOffset = 0;
        return true;
    }

    private void endOfEmptyFrame() {
        inFrame = false;
        if (FrameHeader.isControl(hdr.opcode)) {
            h.control(hdr.opcode, ByteBuffer.allocate(0));
            return;
        }
        if (msgTransformed) {
            decodePiece(ByteBuffer.allocate(0), hdr.fin);
            return;
        }
        if (hdr.fin && msgOpcode == FrameHeader.OP_TEXT && !utf8.isComplete()) {
            h.fail(CloseStatus.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
            return;
        }
        boolean hadAcc = acc != null && acc.position() > 0;
        if (hadAcc) {
            deliverAcc(hdr.fin);
        } else if (hdr.fin || firstPending) {
            // an empty message (or the empty first frame of one) is still delivered
            deliver(ByteBuffer.allocate(0), hdr.fin, 0);
        }
        if (hdr.fin) {
            msgOpen = false;
        }
    }

    private void dataPiece(ByteBuffer piece) {
        if (msgTransformed) {
            boolean frameEnds = frameLeft == 0;
            if (frameEnds) {
                inFrame = false;
            }
            decodePiece(piece, frameEnds && hdr.fin);
            return;
        }
        if (msgOpcode == FrameHeader.OP_TEXT && h.receiving()) {
            if (!utf8.feed(piece)) {
                h.fail(CloseStatus.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
                return;
            }
            if (frameLeft == 0 && hdr.fin && !utf8.isComplete()) {
                h.fail(CloseStatus.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
                return;
            }
        }
        boolean frameEnds = frameLeft == 0;
        boolean last = frameEnds && hdr.fin;
        if ((acc == null || acc.position() == 0) && (piece.remaining() == rxSize || frameEnds)) {
            deliver(piece, last, frameLeft);
        } else {
            room(piece.remaining());
            acc.put(piece);
            if (acc.position() == rxSize || frameEnds) {
                deliverAcc(last);
            }
        }
        if (frameEnds) {
            inFrame = false;
            if (hdr.fin) {
                msgOpen = false;
            }
        }
    }

    // ---- transformed (compressed) messages ---------------------------------------------------

    /** Runs a piece of a transformed message through the extension; the sink delivers. */
    private void decodePiece(ByteBuffer piece, boolean last) {
        if (!h.receiving()) {
            return;
        }
        decodeLast = last;
        boolean done;
        try {
            done = transform.decode(piece, last, this::decoded);
        } catch (ExtensionException e) {
            h.fail(e.closeCode(), e.getMessage());
            return;
        }
        decodePending = !done;
        if (done && last && h.receiving()) {
            endOfDecodedMessage();
        }
    }

    /** The sink: checks and gathers decoded bytes, delivering full pieces as more arrive. */
    private boolean decoded(ByteBuffer b) {
        if (!h.receiving()) {
            return false;
        }
        msgDecoded += b.remaining();
        if (msgDecoded > maxMessage) {
            h.fail(CloseStatus.MESSAGE_TOO_LARGE, "message inflates past the limit of " + maxMessage + " bytes");
            return false;
        }
        if (msgOpcode == FrameHeader.OP_TEXT && !utf8.feed(b)) {
            h.fail(CloseStatus.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
            return false;
        }
        while (b.hasRemaining()) {
            if (acc != null && acc.position() == rxSize) {
                deliverAcc(false); // more follows, so this piece is not the last
                if (!h.receiving()) {
                    return false;
                }
            }
            int n = Math.min(rxSize - (acc == null ? 0 : acc.position()), b.remaining());
            room(n);
            ByteBuffer slice = b.slice();
            slice.limit(n);
            acc.put(slice);
            b.position(b.position() + n);
        }
        return h.receiving() && !conn.rxUserPaused();
    }

    /**
     * Makes room for {@code n} more bytes in the gathering buffer, growing it as a piece builds
     * up (never past the rx buffer size): a peer that leaves a partial frame on many connections
     * pins what it sent, not a whole rx buffer on each.
     */
    private void room(int n) {
        if (acc == null) {
            acc = ByteBuffer.allocate(Math.min(rxSize, Math.max(n, 256)));
        } else if (acc.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(rxSize, Math.max(acc.capacity() * 2, acc.position() + n)));
            acc.flip();
            bigger.put(acc);
            acc = bigger;
        }
    }

    private void endOfDecodedMessage() {
        if (msgOpcode == FrameHeader.OP_TEXT && !utf8.isComplete()) {
            h.fail(CloseStatus.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
            return;
        }
        if (acc == null) {
            acc = ByteBuffer.allocate(0);
        }
        deliverAcc(true);
        msgOpen = false;
    }

    private void deliverAcc(boolean last) {
        acc.flip();
        ByteBuffer data = acc;
        deliver(data, last, frameLeft);
        // the protocol had the buffer only during its callback
        if (last || frameLeft == 0 || acc.capacity() == 0) {
            acc = null; // a connection between frames keeps no receive buffer
        } else {
            acc.clear();
        }
    }

    private void deliver(ByteBuffer data, boolean last, long remaining) {
        if (!h.receiving()) {
            return;
        }
        curFirst = firstPending;
        firstPending = false;
        curFinal = last;
        curRemaining = remaining;
        h.received(data.asReadOnlyBuffer());
    }

    /** The protocol allowed receiving again: a decode it paused goes on. */
    void resumed() {
        if (decodePending && h.receiving()) {
            decodePiece(ByteBuffer.allocate(0), decodeLast);
        }
    }

    /** A piece of message data kept while the connection is parked, with what the protocol may ask of it. */
    record Piece(byte[] data, boolean first, boolean last, long remaining, boolean binary) {
    }

    /** The piece being delivered now, copied to be delivered later. */
    Piece capture(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.duplicate().get(b);
        return new Piece(b, curFirst, curFinal, curRemaining, isBinary());
    }

    /** Delivers {@code p} as it was when captured (first/final/remaining/binary as then). */
    void replay(Piece p) {
        curFirst = p.first();
        curFinal = p.last();
        curRemaining = p.remaining();
        replayBinary = p.binary() ? Boolean.TRUE : Boolean.FALSE;
        try {
            h.received(ByteBuffer.wrap(p.data()).asReadOnlyBuffer());
        } finally {
            replayBinary = null;
        }
    }

    boolean isFirstFragment() {
        return curFirst;
    }

    boolean isFinalFragment() {
        return curFinal;
    }

    boolean isBinary() {
        Boolean r = replayBinary;
        return r != null ? r : msgOpcode == FrameHeader.OP_BINARY;
    }

    long remainingPacketPayload() {
        return curRemaining;
    }
}
