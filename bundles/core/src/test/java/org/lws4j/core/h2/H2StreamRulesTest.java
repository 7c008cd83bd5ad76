package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stream identifiers, states, frames on idle and closed streams, CONTINUATION, resets. */
class H2StreamRulesTest {
    @Test
    void evenStreamIdsAreAProtocolError() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.get(2, "/"));
        p.assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void aSmallerIdThanOneSeenIsAProtocolError() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.get(5, "/"));
        p.send(p.get(3, "/"));
        p.assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void headersOnAStreamThatClosedIsStreamClosed() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.get(1, "/"));
        p.conn.sendHeaders(1, List.of(new HeaderField(":status", "204")), true);
        p.send(p.get(1, "/"));
        p.assertGoAway(ErrorCode.STREAM_CLOSED);
    }

    @Test
    void dataOnAnIdleStreamIsAProtocolError() {
        PeerHarness p = new PeerHarness().open();
        p.send(PeerHarness.data(1, "x", true));
        p.assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void windowUpdateAndResetOnIdleStreamsAreProtocolErrors() {
        PeerHarness p = new PeerHarness().open();
        p.send(FrameWriter.windowUpdate(7, 1));
        p.assertGoAway(ErrorCode.PROTOCOL_ERROR);
        p = new PeerHarness().open();
        p.send(FrameWriter.rstStream(7, ErrorCode.CANCEL));
        p.assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void dataAfterEndStreamIsStreamClosed() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.get(1, "/"));
        p.send(PeerHarness.data(1, "late", false));
        p.assertReset(1, ErrorCode.STREAM_CLOSED);
        assertEquals(List.of("request 1 GET / end", "reset 1 STREAM_CLOSED"), p.events);
    }

    @Test
    void framesOnAStreamWeResetAreIgnored() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.post(1));
        p.conn.resetStream(1, ErrorCode.CANCEL);
        assertEquals(List.of(new Frame.RstStream(1, ErrorCode.CANCEL.code)), p.take());
        p.send(PeerHarness.data(1, "in flight", false));
        p.send(p.headers(1, true, "x-trailer", "t"));
        p.send(FrameWriter.windowUpdate(1, 10), FrameWriter.rstStream(1, ErrorCode.CANCEL));
        assertEquals(List.of(), p.take());
        assertFalse(p.conn.isClosed());
        // the trailers were decoded all the same: the next request is read right
        p.send(p.get(3, "/next"));
        assertEquals("request 3 GET /next end", p.events.get(p.events.size() - 1));
    }

    @Test
    void thePeerResettingAStreamIsReported() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.post(1));
        p.send(FrameWriter.rstStream(1, ErrorCode.CANCEL));
        assertEquals("reset 1 CANCEL by peer", p.events.get(1));
        assertEquals(0, p.conn.openStreams());
        assertEquals(-1, p.conn.sendData(1, ByteBuffer.allocate(1), false));
    }

    @Test
    void aHeaderBlockSpansContinuations() {
        PeerHarness p = new PeerHarness().open();
        BlockBuffer block = new BlockBuffer(64, 4096);
        p.encoder.encode(HpackAppendixCTest.REQ3, block);
        p.send(FrameWriter.headers(1, block, true, 5));
        assertEquals(List.of("request 1 GET /index.html end"), p.events);
    }

    @Test
    void anotherFrameInsideAHeaderBlockIsAProtocolError() {
        PeerHarness p = new PeerHarness().open();
        BlockBuffer block = new BlockBuffer(64, 4096);
        p.encoder.encode(HpackAppendixCTest.REQ1, block);
        ByteBuffer frames = FrameWriter.headers(1, block, true, 5);
        p.send(frames.slice(0, 14));
        p.send(FrameWriter.ping(false, 1));
        p.assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void aContinuationOnAnotherStreamIsAProtocolError() {
        PeerHarness p = new PeerHarness().open();
        p.send(FrameWriter.frame(FrameHeader.HEADERS, 0, 1, new byte[] {(byte) 0x82}));
        p.send(FrameWriter.frame(FrameHeader.CONTINUATION, FrameHeader.FLAG_END_HEADERS, 3, new byte[] {(byte) 0x84}));
        p.assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void aContinuationWithoutHeadersIsAProtocolError() {
        PeerHarness p = new PeerHarness().open();
        p.send(FrameWriter.frame(FrameHeader.CONTINUATION, FrameHeader.FLAG_END_HEADERS, 1, new byte[] {(byte) 0x82}));
        p.assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void pushPromiseFromAClientIsAProtocolError() {
        PeerHarness p = new PeerHarness().open();
        p.send(FrameWriter.frame(FrameHeader.PUSH_PROMISE, FrameHeader.FLAG_END_HEADERS, 1, Hex.bytes("0000000282")));
        p.assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void aStreamDependingOnItselfIsResetAfterItsBlockIsDecoded() {
        PeerHarness p = new PeerHarness().open();
        BlockBuffer block = new BlockBuffer(64, 4096);
        p.encoder.encode(HpackAppendixCTest.REQ1, block);
        byte[] payload = new byte[5 + block.length()];
        payload[3] = 1;
        System.arraycopy(block.toArray(), 0, payload, 5, block.length());
        p.send(FrameWriter.frame(FrameHeader.HEADERS, FrameHeader.FLAG_PRIORITY | FrameHeader.FLAG_END_HEADERS, 1, payload));
        p.assertReset(1, ErrorCode.PROTOCOL_ERROR);
        p.send(p.get(3, "/"));
        assertEquals(List.of("request 3 GET / end"), p.events);
    }

    @Test
    void streamsBeyondTheLimitAreRefused() {
        PeerHarness p = new PeerHarness(H2Limits.defaults().withMaxConcurrentStreams(2)).open();
        p.send(p.post(1), p.post(3), p.post(5));
        p.assertReset(5, ErrorCode.REFUSED_STREAM);
        assertEquals(2, p.conn.openStreams());
        p.send(FrameWriter.rstStream(1, ErrorCode.CANCEL));
        p.send(p.post(7));
        assertEquals(2, p.conn.openStreams());
        assertEquals("request 7 POST /form", p.events.get(p.events.size() - 1));
    }

    @Test
    void aMalformedRequestIsResetNotReported() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.headers(1, true, ":method", "GET", ":path", "/"));
        p.assertReset(1, ErrorCode.PROTOCOL_ERROR);
        p.send(p.headers(3, true, ":method", "GET", ":scheme", "https", ":path", "/", "connection", "close"));
        p.assertReset(3, ErrorCode.PROTOCOL_ERROR);
        p.send(p.headers(5, true, ":method", "GET", ":scheme", "https", ":path", "/", "Upper", "x"));
        p.assertReset(5, ErrorCode.PROTOCOL_ERROR);
        // nothing that could change an HTTP/1.1 request line or Host field when handed on
        p.send(p.headers(7, true, ":method", "GET", ":scheme", "https", ":path", "/a HTTP/1.0", ":authority", "h"));
        p.assertReset(7, ErrorCode.PROTOCOL_ERROR);
        p.send(p.headers(9, true, ":method", "GET /x", ":scheme", "https", ":path", "/", ":authority", "h"));
        p.assertReset(9, ErrorCode.PROTOCOL_ERROR);
        p.send(p.headers(11, true, ":method", "GET", ":scheme", "https", ":path", "/", ":authority", "h\tevil"));
        p.assertReset(11, ErrorCode.PROTOCOL_ERROR);
        p.send(p.headers(13, true, ":method", "GET", ":scheme", "https", ":path", "/a\u007f", ":authority", "h"));
        p.assertReset(13, ErrorCode.PROTOCOL_ERROR);
        assertTrue(p.events.isEmpty());
    }

    @Test
    void aBodyUnlikeItsContentLengthIsMalformed() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.post(1, "content-length", "3"));
        p.send(PeerHarness.data(1, "four", false));
        p.assertReset(1, ErrorCode.PROTOCOL_ERROR);
        p.send(p.post(3, "content-length", "5"));
        p.send(PeerHarness.data(3, "four", true));
        p.assertReset(3, ErrorCode.PROTOCOL_ERROR);
        p.send(p.headers(5, true, ":method", "POST", ":scheme", "https", ":path", "/", "content-length", "2"));
        p.assertReset(5, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void trailersWithoutEndStreamAreMalformed() {
        PeerHarness p = new PeerHarness().open();
        p.send(p.post(1));
        p.send(p.headers(1, false, "x-t", "1"));
        p.assertReset(1, ErrorCode.PROTOCOL_ERROR);
        p.send(p.post(3));
        p.send(p.headers(3, true, ":path", "/x"));
        p.assertReset(3, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void extendedConnectNeedsTheSetting() {
        String[] ws = {":method", "CONNECT", ":protocol", "websocket", ":scheme", "https", ":path", "/chat",
                ":authority", "localhost", "sec-websocket-version", "13"};
        PeerHarness p = new PeerHarness().open();
        p.send(p.headers(1, false, ws));
        assertTrue(p.requests.get(0).isExtendedConnect());
        assertEquals("websocket", p.requests.get(0).protocol());
        PeerHarness q = new PeerHarness(H2Limits.defaults().withConnectProtocol(false)).open();
        q.send(q.headers(1, false, ws));
        q.assertReset(1, ErrorCode.PROTOCOL_ERROR);
    }
}
