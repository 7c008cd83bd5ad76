package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.core.ws.Frames.binary;
import static org.lws4j.core.ws.Frames.closePayload;
import static org.lws4j.core.ws.Frames.concat;
import static org.lws4j.core.ws.Frames.frame;
import static org.lws4j.core.ws.Frames.utf8;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lws4j.api.CloseStatus;
import org.lws4j.api.Reason;
import org.lws4j.core.ws.TestProtocol.Event;
import org.lws4j.core.ws.WsTestClient.Frame;
import org.lws4j.core.ws.WsTestClient.Message;

/**
 * Control frames on the wire: a ping is answered with a pong of the same payload, even between a
 * message's fragments; an unsolicited pong is delivered and not answered; the close handshake
 * from either side, the codes that go on the wire, and nothing after a Close.
 */
class WsControlFrameSocketTest {
    private static WsTestServer big;

    @BeforeAll
    static void start() throws IOException {
        big = WsTestServer.startBig();
    }

    @AfterAll
    static void stop() {
        if (big != null) {
            big.close();
        }
    }

    @ParameterizedTest(name = "ping of {0} bytes")
    @ValueSource(ints = {0, 1, 125})
    void pingGetsPongWithTheSamePayload(int n) throws IOException {
        byte[] p = binary(n);
        try (WsTestClient c = big.client()) {
            c.write(frame(true, 0, FrameHeader.OP_PING, p));
            Frame f = c.readFrame();
            assertEquals(FrameHeader.OP_PONG, f.opcode());
            assertTrue(f.fin());
            assertArrayEquals(p, f.payload());
        }
    }

    @Test
    void pingBetweenFragmentsIsAnsweredAndTheMessageGoesOn() throws Exception {
        String tag = WsTestClient.newTag();
        byte[] frames = concat(frame(false, 0, FrameHeader.OP_TEXT, utf8("Hello ")),
                frame(true, 0, FrameHeader.OP_PING, utf8("ping-1")),
                frame(false, 0, FrameHeader.OP_CONTINUATION, utf8("wor")),
                frame(true, 0, FrameHeader.OP_PING, new byte[0]),
                frame(true, 0, FrameHeader.OP_PONG, utf8("unasked")),
                frame(true, 0, FrameHeader.OP_CONTINUATION, utf8("ld \u20ac")));
        try (WsTestClient c = big.client(tag)) {
            for (int round = 0; round < 2; round++) {
                if (round == 0) {
                    c.write(frames);
                } else {
                    c.writeByteByByte(frames);
                }
                List<Frame> controls = new ArrayList<>();
                Message m = c.readMessage(controls);
                assertEquals("Hello world \u20ac", m.text());
                // both pongs may not have come before the last fragment's echo: read what is missing
                while (controls.size() < 2) {
                    controls.add(c.readFrame());
                }
                assertEquals(2, controls.size(), "two pongs, nothing for the unsolicited pong");
                assertEquals(FrameHeader.OP_PONG, controls.get(0).opcode());
                assertEquals("ping-1", new String(controls.get(0).payload(), StandardCharsets.UTF_8));
                assertEquals(FrameHeader.OP_PONG, controls.get(1).opcode());
                assertEquals(0, controls.get(1).payload().length);
            }
            List<Event> rx = big.protocol("echo").await(tag, Reason.RECEIVE, 6);
            assertEquals(6, rx.size(), rx.toString());
            for (int i = 0; i < 6; i++) {
                assertEquals(i % 3 == 0, rx.get(i).first(), "first, piece " + i);
                assertEquals(i % 3 == 2, rx.get(i).last(), "final, piece " + i);
            }
            assertEquals(2, big.protocol("echo").await(tag, Reason.RECEIVE_PONG, 2).size());
        }
    }

    @Test
    void unsolicitedPongIsIgnoredAndDelivered() throws IOException {
        String tag = WsTestClient.newTag();
        try (WsTestClient c = big.client(tag)) {
            c.write(frame(true, 0, FrameHeader.OP_PONG, utf8("heartbeat")));
            c.sendText("after");
            Frame f = c.readFrame();
            assertEquals(FrameHeader.OP_TEXT, f.opcode(), "nothing may answer a pong; got " + f);
            assertEquals("after", new String(f.payload(), StandardCharsets.UTF_8));
            List<Event> pongs = big.protocol("echo").await(tag, Reason.RECEIVE_PONG, 1);
            assertEquals(1, pongs.size());
            assertEquals("heartbeat", new String(pongs.get(0).data(), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "close {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999})
    void peerCloseWithCodeIsEchoedAndTcpCloses(int code) throws IOException {
        String tag = WsTestClient.newTag();
        try (WsTestClient c = big.client(tag)) {
            c.write(frame(true, 0, FrameHeader.OP_CLOSE, closePayload(code, "bye now")));
            List<Frame> frames = c.readToEof();
            assertEquals(1, frames.size(), "only the Close: " + frames);
            Frame close = frames.get(0);
            assertEquals(FrameHeader.OP_CLOSE, close.opcode());
            assertEquals(code, close.code(), "the server echoes the code");
            assertEquals("bye now", close.reason(), "and the reason, as lws does (its test page shows both)");
            TestProtocol echo = big.protocol("echo");
            List<Event> peer = echo.await(tag, Reason.WS_PEER_INITIATED_CLOSE, 1);
            assertArrayEquals(closePayload(code, "bye now"), peer.get(0).data(), "the protocol sees the peer's Close payload");
            assertEquals(1, echo.await(tag, Reason.CLOSED, 1).size(), "CLOSED delivered");
        }
    }

    @Test
    void peerCloseWithoutPayloadGetsAnEmptyClose() throws IOException {
        try (WsTestClient c = big.client()) {
            c.write(frame(true, 0, FrameHeader.OP_CLOSE, new byte[0]));
            List<Frame> frames = c.readToEof();
            assertEquals(1, frames.size(), frames.toString());
            assertEquals(FrameHeader.OP_CLOSE, frames.get(0).opcode());
            assertEquals(0, frames.get(0).payload().length, "1005 is never sent: the answer to an empty Close is empty");
        }
    }

    @Test
    void peerCloseSplitByteByByte() throws Exception {
        try (WsTestClient c = big.client()) {
            c.writeByteByByte(frame(true, 0, FrameHeader.OP_CLOSE, closePayload(1000, "\u00e9t\u00e9")));
            List<Frame> frames = c.readToEof();
            assertEquals(1, frames.size(), frames.toString());
            assertEquals(1000, frames.get(0).code());
        }
    }

    @Test
    void dataAfterThePeersCloseIsNotDelivered() throws IOException {
        String tag = WsTestClient.newTag();
        try (WsTestClient c = big.client(tag)) {
            c.write(concat(frame(true, 0, FrameHeader.OP_CLOSE, closePayload(1000, "")),
                    frame(true, 0, FrameHeader.OP_TEXT, utf8("too late")),
                    frame(true, 0, FrameHeader.OP_PING, utf8("too late"))));
            List<Frame> frames = c.readToEof();
            assertEquals(1, frames.size(), "only the Close: " + frames);
            assertEquals(1000, frames.get(0).code());
            big.protocol("echo").await(tag, Reason.CLOSED, 1);
            assertTrue(big.protocol("echo").events(tag, Reason.RECEIVE).isEmpty(), "nothing after the Close is delivered");
        }
    }

    @ParameterizedTest(name = "protocol closes with {0}")
    @ValueSource(ints = {1000, 1001, 1011, 4000})
    void protocolClosesThenWaitsForThePeersClose(int code) throws IOException {
        String tag = WsTestClient.newTag();
        try (WsTestClient c = big.client(tag)) {
            c.sendText("close:" + code);
            Frame close = c.readFrame();
            assertEquals(FrameHeader.OP_CLOSE, close.opcode(), close.toString());
            assertEquals(code, close.code());
            assertEquals("bye", close.reason());
            // data sent before the peer sees our Close is neither delivered nor answered
            c.sendText("ignored");
            c.write(frame(true, 0, FrameHeader.OP_PING, utf8("ignored")));
            c.write(frame(true, 0, FrameHeader.OP_CLOSE, closePayload(code, "")));
            List<Frame> rest = c.readToEof();
            assertTrue(rest.isEmpty(), "nothing after our Close: " + rest);
            List<Event> rx = big.protocol("echo").events(tag, Reason.RECEIVE);
            assertEquals(1, rx.size(), "only the close command was delivered: " + rx);
        }
    }

    @ParameterizedTest(name = "protocol closes with {0}")
    @ValueSource(ints = {0, CloseStatus.NO_STATUS, CloseStatus.ABNORMAL_CLOSE, 1015})
    void protocolCloseNeverPutsAReservedCodeOnTheWire(int code) throws IOException {
        try (WsTestClient c = big.client()) {
            // "close:0" returns CLOSE without a code; the others call close(code, "bye") first
            c.sendText("close:" + code);
            Frame close = c.readFrame();
            assertEquals(FrameHeader.OP_CLOSE, close.opcode(), close.toString());
            int onWire = close.payload().length == 0 ? -1 : close.code();
            assertTrue(onWire == -1 || CloseStatus.isSendable(onWire),
                    "close(" + code + ") put code " + onWire + " on the wire (RFC 6455 7.4.1: 1005, 1006 and 1015 "
                            + "must not be sent); payload " + FrameHeaderTest.hex(close.payload()));
            c.write(frame(true, 0, FrameHeader.OP_CLOSE, new byte[0]));
            assertTrue(c.readToEof().isEmpty());
        }
    }
}
