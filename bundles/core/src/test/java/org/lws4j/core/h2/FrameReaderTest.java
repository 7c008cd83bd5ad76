package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
    private static ByteBuffer concat(ByteBuffer... parts) {
        int n = 0;
        for (ByteBuffer p : parts) {
            n += p.remaining();
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (ByteBuffer p : parts) {
            b.put(p.duplicate());
        }
        return b.flip();
    }

    private static ByteBuffer stream() {
        BlockBuffer block = new BlockBuffer(64, 1 << 16);
        new HpackEncoder(4096, true).encode(HpackAppendixCTest.REQ3, block);
        ByteBuffer body = ByteBuffer.allocate(40_000);
        new Random(1).nextBytes(body.array());
        return concat(FrameWriter.settings(List.of(new Setting(Setting.ENABLE_PUSH, 0))),
                FrameWriter.headers(1, block, false, 16),
                FrameWriter.data(1, body.duplicate(), 16_384, false),
                FrameWriter.data(1, body.duplicate(), 0, true),
                FrameWriter.ping(false, 42), FrameWriter.windowUpdate(0, 1000),
                FrameWriter.rstStream(1, ErrorCode.CANCEL), FrameWriter.goAway(1, ErrorCode.NO_ERROR, "bye"),
                FrameWriter.frame(0xee, 0, 0, new byte[100]));
    }

    private static List<String> readAll(ByteBuffer all, int chunk) throws H2Exception {
        FrameReader r = new FrameReader(16_384);
        List<String> frames = new ArrayList<>();
        while (all.hasRemaining()) {
            int n = Math.min(chunk, all.remaining());
            ByteBuffer piece = all.slice(all.position(), n);
            all.position(all.position() + n);
            for (Frame f; (f = r.next(piece)) != null; ) {
                frames.add(describe(f));
            }
            assertFalse(piece.hasRemaining());
        }
        assertFalse(r.isPartial());
        return frames;
    }

    /** Frames with their lent buffers copied out, for comparison. */
    private static String describe(Frame f) {
        if (f instanceof Frame.Data d) {
            return "DATA " + d.streamId() + " " + d.data().remaining() + " " + d.endStream() + " " + d.data().hashCode();
        }
        if (f instanceof Frame.Headers h) {
            return "HEADERS " + h.streamId() + " " + h.fragment().hashCode() + " " + h.endHeaders();
        }
        if (f instanceof Frame.Continuation c) {
            return "CONT " + c.streamId() + " " + c.fragment().hashCode() + " " + c.endHeaders();
        }
        if (f instanceof Frame.GoAway g) {
            return "GOAWAY " + g.lastStreamId() + " " + g.errorCode() + " " + g.debugData().hashCode();
        }
        return f.toString();
    }

    @Test
    void framesReadTheSameInAnyChunking() throws H2Exception {
        List<String> whole = readAll(stream(), Integer.MAX_VALUE);
        assertEquals(1 + 3 + 2 + 5, whole.size(), whole.toString());
        for (int chunk : new int[] {1, 2, 7, 9, 10, 100, 4096, 16_393}) {
            assertEquals(whole, readAll(stream(), chunk), "chunk " + chunk);
        }
    }

    @Test
    void aFrameLongerThanTheMaximumIsAConnectionError() throws H2Exception {
        FrameReader r = new FrameReader(16_384);
        ByteBuffer big = FrameWriter.data(1, ByteBuffer.allocate(16_385), 16_385, false);
        H2Exception e = assertThrows(H2Exception.class, () -> r.next(big));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, e.code());
        assertTrue(e.isConnectionError());
        FrameReader larger = new FrameReader(16_384);
        larger.setMaxFrameSize(1 << 20);
        assertTrue(larger.next(FrameWriter.data(1, ByteBuffer.allocate(16_385), 16_385, false)) instanceof Frame.Data);
    }

    @Test
    void aPartialFrameIsReported() throws H2Exception {
        FrameReader r = new FrameReader(16_384);
        ByteBuffer ping = FrameWriter.ping(false, 7);
        assertNull(r.next(ping.slice(0, 4)));
        assertTrue(r.isPartial());
        assertNull(r.next(ping.slice(4, 10)));
        assertTrue(r.isPartial());
        assertEquals(new Frame.Ping(false, 7), r.next(ping.slice(14, 3)));
        assertFalse(r.isPartial());
    }

    @Test
    void theWriterSplitsBlocksIntoContinuations() throws H2Exception {
        BlockBuffer block = new BlockBuffer(64, 1 << 16);
        for (int i = 0; i < 40; i++) {
            block.put(i);
        }
        ByteBuffer frames = FrameWriter.headers(3, block, true, 16);
        FrameReader r = new FrameReader(16_384);
        Frame.Headers h = (Frame.Headers) r.next(frames);
        assertTrue(h.endStream());
        assertFalse(h.endHeaders());
        assertEquals(16, h.fragment().remaining());
        assertFalse(((Frame.Continuation) r.next(frames)).endHeaders());
        Frame.Continuation last = (Frame.Continuation) r.next(frames);
        assertTrue(last.endHeaders());
        assertEquals(8, last.fragment().remaining());
        assertEquals(39, last.fragment().get(7));
        assertFalse(frames.hasRemaining());
        Frame.Headers empty = (Frame.Headers) r.next(FrameWriter.headers(5, new BlockBuffer(1, 1), false, 16));
        assertTrue(empty.endHeaders());
        assertEquals(0, empty.fragment().remaining());
    }

    @Test
    void thePrefaceIsCheckedAcrossReads() throws H2Exception {
        PrefaceReader p = new PrefaceReader();
        ByteBuffer in = ByteBuffer.wrap(PrefaceReader.PREFACE);
        assertFalse(p.read(in.slice(0, 10)));
        ByteBuffer rest = concat(in.slice(10, 14), FrameWriter.settingsAck());
        assertTrue(p.read(rest));
        assertEquals(FrameHeader.SIZE, rest.remaining());
        H2Exception e = assertThrows(H2Exception.class,
                () -> new PrefaceReader().read(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes())));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
    }
}
