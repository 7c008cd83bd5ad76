package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameParserTest {
    private static Frame parse(int type, int flags, int stream, String payloadHex) throws H2Exception {
        byte[] p = Hex.bytes(payloadHex);
        return FrameParser.parse(new FrameHeader(p.length, type, flags, stream), ByteBuffer.wrap(p));
    }

    private static void fails(ErrorCode code, boolean connection, int type, int flags, int stream, String hex) {
        H2Exception e = assertThrows(H2Exception.class, () -> parse(type, flags, stream, hex));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(connection, e.isConnectionError(), e.getMessage());
        if (!connection) {
            assertEquals(stream, e.streamId());
        }
    }

    private static String str(ByteBuffer b) {
        byte[] x = new byte[b.remaining()];
        b.duplicate().get(x);
        return Hex.of(x);
    }

    @Test
    void data() throws H2Exception {
        Frame.Data d = (Frame.Data) parse(FrameHeader.DATA, FrameHeader.FLAG_END_STREAM, 1, "616263");
        assertEquals("616263", str(d.data()));
        assertTrue(d.endStream());
        assertEquals(3, d.flowLength());
        d = (Frame.Data) parse(FrameHeader.DATA, FrameHeader.FLAG_PADDED, 3, "02616263" + "0000");
        assertEquals("616263", str(d.data()));
        assertFalse(d.endStream());
        assertEquals(6, d.flowLength());
        d = (Frame.Data) parse(FrameHeader.DATA, FrameHeader.FLAG_PADDED, 3, "00");
        assertEquals(0, d.data().remaining());
    }

    @Test
    void dataErrors() {
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.DATA, 0, 0, "61");
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.DATA, FrameHeader.FLAG_PADDED, 1, "0361");
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.DATA, FrameHeader.FLAG_PADDED, 1, "01");
        fails(ErrorCode.FRAME_SIZE_ERROR, true, FrameHeader.DATA, FrameHeader.FLAG_PADDED, 1, "");
    }

    @Test
    void headersWithPaddingAndPriority() throws H2Exception {
        Frame.Headers h = (Frame.Headers) parse(FrameHeader.HEADERS,
                FrameHeader.FLAG_END_HEADERS | FrameHeader.FLAG_END_STREAM, 1, "8286");
        assertEquals("8286", str(h.fragment()));
        assertTrue(h.endHeaders());
        assertTrue(h.endStream());
        assertEquals(-1, h.dependency());
        h = (Frame.Headers) parse(FrameHeader.HEADERS, FrameHeader.FLAG_PADDED | FrameHeader.FLAG_PRIORITY, 5,
                "03" + "80000003" + "10" + "8286" + "000000");
        assertEquals("8286", str(h.fragment()));
        assertEquals(3, h.dependency());
        assertFalse(h.endHeaders());
        // self-dependency is reported, not thrown: the block must still be decoded
        h = (Frame.Headers) parse(FrameHeader.HEADERS, FrameHeader.FLAG_PRIORITY, 5, "00000005" + "10" + "82");
        assertEquals(5, h.dependency());
    }

    @Test
    void headersErrors() {
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.HEADERS, 0, 0, "82");
        fails(ErrorCode.FRAME_SIZE_ERROR, true, FrameHeader.HEADERS, FrameHeader.FLAG_PRIORITY, 1, "00000003");
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.HEADERS, FrameHeader.FLAG_PADDED, 1, "0282");
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.HEADERS,
                FrameHeader.FLAG_PADDED | FrameHeader.FLAG_PRIORITY, 1, "01" + "0000000310");
    }

    @Test
    void priority() throws H2Exception {
        assertInstanceOf(Frame.Priority.class, parse(FrameHeader.PRIORITY, 0, 3, "0000000110"));
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.PRIORITY, 0, 0, "0000000110");
        fails(ErrorCode.FRAME_SIZE_ERROR, false, FrameHeader.PRIORITY, 0, 3, "00000001");
        fails(ErrorCode.PROTOCOL_ERROR, false, FrameHeader.PRIORITY, 0, 3, "0000000310");
    }

    @Test
    void rstStream() throws H2Exception {
        assertEquals(new Frame.RstStream(1, 8), parse(FrameHeader.RST_STREAM, 0, 1, "00000008"));
        assertEquals(new Frame.RstStream(1, 0xffffffffL), parse(FrameHeader.RST_STREAM, 0, 1, "ffffffff"));
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.RST_STREAM, 0, 0, "00000008");
        fails(ErrorCode.FRAME_SIZE_ERROR, true, FrameHeader.RST_STREAM, 0, 1, "0000000800");
    }

    @Test
    void settings() throws H2Exception {
        Frame.Settings s = (Frame.Settings) parse(FrameHeader.SETTINGS, 0, 0,
                "000100001000" + "000200000000" + "000300000064" + "00040000ffff" + "000500004000"
                        + "000600010000" + "000800000001" + "00ff12345678");
        assertFalse(s.ack());
        assertEquals(8, s.values().size());
        assertEquals(new Setting(Setting.INITIAL_WINDOW_SIZE, 65535), s.values().get(3));
        assertEquals(new Setting(0xff, 0x12345678), s.values().get(7));
        assertEquals(new Frame.Settings(true, List.of()), parse(FrameHeader.SETTINGS, FrameHeader.FLAG_ACK, 0, ""));
    }

    @Test
    void settingsErrors() {
        int s = FrameHeader.SETTINGS;
        fails(ErrorCode.PROTOCOL_ERROR, true, s, 0, 1, "");
        fails(ErrorCode.FRAME_SIZE_ERROR, true, s, FrameHeader.FLAG_ACK, 0, "000200000000");
        fails(ErrorCode.FRAME_SIZE_ERROR, true, s, 0, 0, "0002000000");
        fails(ErrorCode.PROTOCOL_ERROR, true, s, 0, 0, "000200000002");
        fails(ErrorCode.FLOW_CONTROL_ERROR, true, s, 0, 0, "000480000000");
        fails(ErrorCode.PROTOCOL_ERROR, true, s, 0, 0, "000500003fff");
        fails(ErrorCode.PROTOCOL_ERROR, true, s, 0, 0, "000501000000");
        fails(ErrorCode.PROTOCOL_ERROR, true, s, 0, 0, "000800000002");
    }

    @Test
    void settingsAtTheirLimitsPass() throws H2Exception {
        parse(FrameHeader.SETTINGS, 0, 0, "00047fffffff" + "000500ffffff" + "000500004000" + "000800000000");
    }

    @Test
    void pushPromise() throws H2Exception {
        assertEquals(new Frame.PushPromise(1, 2), parse(FrameHeader.PUSH_PROMISE, 0, 1, "0000000282"));
        fails(ErrorCode.FRAME_SIZE_ERROR, true, FrameHeader.PUSH_PROMISE, 0, 1, "000000");
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.PUSH_PROMISE, 0, 0, "00000002");
    }

    @Test
    void ping() throws H2Exception {
        assertEquals(new Frame.Ping(true, 0x0102030405060708L),
                parse(FrameHeader.PING, FrameHeader.FLAG_ACK, 0, "0102030405060708"));
        fails(ErrorCode.FRAME_SIZE_ERROR, true, FrameHeader.PING, 0, 0, "01020304050607");
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.PING, 0, 1, "0102030405060708");
    }

    @Test
    void goAway() throws H2Exception {
        Frame.GoAway g = (Frame.GoAway) parse(FrameHeader.GOAWAY, 0, 0, "80000007" + "0000000b" + "6869");
        assertEquals(7, g.lastStreamId());
        assertEquals(11, g.errorCode());
        assertEquals("6869", str(g.debugData()));
        fails(ErrorCode.FRAME_SIZE_ERROR, true, FrameHeader.GOAWAY, 0, 0, "00000007");
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.GOAWAY, 0, 1, "0000000700000000");
    }

    @Test
    void windowUpdate() throws H2Exception {
        assertEquals(new Frame.WindowUpdate(0, 0x7fffffff), parse(FrameHeader.WINDOW_UPDATE, 0, 0, "ffffffff"));
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.WINDOW_UPDATE, 0, 0, "00000000");
        fails(ErrorCode.PROTOCOL_ERROR, false, FrameHeader.WINDOW_UPDATE, 0, 3, "80000000");
        fails(ErrorCode.FRAME_SIZE_ERROR, true, FrameHeader.WINDOW_UPDATE, 0, 3, "000001");
    }

    @Test
    void continuation() throws H2Exception {
        Frame.Continuation c = (Frame.Continuation) parse(FrameHeader.CONTINUATION, FrameHeader.FLAG_END_HEADERS,
                1, "82");
        assertTrue(c.endHeaders());
        assertEquals("82", str(c.fragment()));
        fails(ErrorCode.PROTOCOL_ERROR, true, FrameHeader.CONTINUATION, 0, 0, "82");
    }

    @Test
    void unknownTypesPass() throws H2Exception {
        assertEquals(new Frame.Unknown(0xfa, 0, 3), parse(0xfa, 0xff, 0, "010203"));
        assertEquals(new Frame.Unknown(0x0a, 5, 0), parse(0x0a, 0, 5, ""));
    }

    @Test
    void littleEndianBuffersReadTheSame() throws H2Exception {
        byte[] p = Hex.bytes("0000000b");
        Frame f = FrameParser.parse(new FrameHeader(4, FrameHeader.RST_STREAM, 0, 1),
                ByteBuffer.wrap(p).order(java.nio.ByteOrder.LITTLE_ENDIAN));
        assertEquals(new Frame.RstStream(1, 11), f);
    }
}
