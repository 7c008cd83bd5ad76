package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.lws4j.api.CloseStatus;
import org.lws4j.api.Connection;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.log.StderrEmitter;
import org.lws4j.core.vhost.VhostImpl;

/**
 * The WebSocket role on the wire: a real context on 127.0.0.1 and a raw socket client writing
 * hand-built frames, whole, split at every byte and one byte at a time. Covers the handshake,
 * echo of every length form, ping/pong, the close handshake, each framing violation and its close
 * code, that nothing follows our Close, delivery in rx-buffer-sized pieces, rx flow control, and
 * where writes are allowed. Set LWS4J_TEST_LOG to see the server's log.
 *
 * <p>Two servers: "big" with the default size limits offers the test protocols echo (default),
 * second-echo, small-rx (rxBufferSize 100), flow (pauses rx on its first RECEIVE) and misuse
 * (writes where it must not); "small" has ws-max-frame-size 1000 and ws-max-message-size 2500.
 */
class WsHandlerSocketTest {
    static final int SMALL_FRAME = 1000;
    static final int SMALL_MESSAGE = 2500;
    static final int[] LENGTHS = {0, 1, 125, 126, 65535, 65536};
    static final long FLOW_PAUSE_MILLIS = 400;

    private static Server big;
    private static Server small;

    @BeforeAll
    static void start() throws IOException {
        big = Server.start(config(ContextConfig.DEFAULT_WS_MAX, ContextConfig.DEFAULT_WS_MAX),
                new TestProtocol("echo", Mode.ECHO, 0), new TestProtocol("second-echo", Mode.ECHO, 0),
                new TestProtocol("small-rx", Mode.ECHO, 100), new TestProtocol("flow", Mode.FLOW, 0),
                new TestProtocol("misuse", Mode.MISUSE, 0));
        small = Server.start(config(SMALL_FRAME, SMALL_MESSAGE), new TestProtocol("echo", Mode.ECHO, 0));
    }

    @AfterAll
    static void stop() {
        if (big != null) {
            big.close();
        }
        if (small != null) {
            small.close();
        }
    }

    static ContextConfig config(long maxFrame, long maxMessage) {
        int mask = LogLevel.ERR.bit() | LogLevel.WARN.bit() | LogLevel.NOTICE.bit() | LogLevel.INFO.bit();
        return new ContextConfig(1, "lws4j-test", 5, 0, 0, 0, 4096, 8, 1 << 20, mask, 0, 0, maxFrame, maxMessage);
    }

    // =============================================================================================
    // the handshake
    // =============================================================================================

    @Test
    void handshakeResponse() throws IOException {
        try (Client c = Client.connect(big.port, "/?tag=" + Client.newTag(), null)) {
            assertEquals(101, c.status, c.responseHead);
            assertEquals("websocket", c.header("upgrade").toLowerCase(), c.responseHead);
            assertTrue(c.header("connection").toLowerCase().contains("upgrade"), c.responseHead);
            assertEquals(WsUpgrade.accept(c.key), c.header("sec-websocket-accept"), c.responseHead);
            assertNull(c.header("sec-websocket-protocol"), "not asked for, so not answered: " + c.responseHead);
            c.sendText("hi");
            assertEquals("hi", c.readMessage().text());
            TestProtocol echo = big.protocol("echo");
            assertFalse(echo.await(c.tag, Reason.ESTABLISHED, 1).isEmpty(), "the default protocol got the connection");
        }
    }

    @Test
    void handshakeAnswersTheProtocolAskedFor() throws IOException {
        String tag = Client.newTag();
        try (Client c = Client.connect(big.port, "/?tag=" + tag, "nope, second-echo, echo")) {
            assertEquals(101, c.status, c.responseHead);
            assertEquals("second-echo", c.header("sec-websocket-protocol"), c.responseHead);
            assertEquals(WsUpgrade.accept(c.key), c.header("sec-websocket-accept"));
            c.sendBinary(new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, c.readMessage().data());
            assertEquals(1, big.protocol("second-echo").await(tag, Reason.RECEIVE, 1).size());
            assertTrue(big.protocol("echo").events(tag).isEmpty(), "echo must not see second-echo's connection");
        }
    }

    @Test
    void handshakeRefusesVersion8With426() throws IOException {
        try (Client c = Client.connectRaw(big.port, "/", null, "8")) {
            assertEquals(426, c.status, c.responseHead);
            assertEquals("13", c.header("sec-websocket-version"), c.responseHead);
        }
    }

    @Test
    void framesInTheSamePacketAsTheHandshake() throws IOException {
        byte[] frames = concat(frame(true, 0, FrameHeader.OP_TEXT, utf8("first")),
                frame(true, 0, FrameHeader.OP_BINARY, new byte[] {9, 8, 7}));
        try (Client c = Client.connect(big.port, "/?tag=" + Client.newTag(), null, "13", frames)) {
            assertEquals(101, c.status, c.responseHead);
            assertEquals("first", c.readMessage().text());
            assertArrayEquals(new byte[] {9, 8, 7}, c.readMessage().data());
        }
    }

    // =============================================================================================
    // echo of every length form, whole, split, byte by byte
    // =============================================================================================

    static Stream<Arguments> lengthForms() {
        List<Arguments> l = new ArrayList<>();
        for (int n : LENGTHS) {
            l.add(Arguments.of(n, true));
            l.add(Arguments.of(n, false));
        }
        return l.stream();
    }

    @ParameterizedTest(name = "length {0} text {1}")
    @MethodSource("lengthForms")
    void echoEveryLengthForm(int length, boolean text) throws IOException {
        byte[] payload = text ? text(length) : binary(length);
        try (Client c = big.client()) {
            for (int i = 0; i < 3; i++) {
                c.write(frame(true, 0, text ? FrameHeader.OP_TEXT : FrameHeader.OP_BINARY, payload));
                Message m = c.readMessage();
                assertEquals(text ? FrameHeader.OP_TEXT : FrameHeader.OP_BINARY, m.opcode());
                assertArrayEquals(payload, m.data(), "echo " + i);
            }
        }
    }

    @ParameterizedTest(name = "length {0} text {1}")
    @MethodSource("lengthForms")
    void echoSplitAtEveryByteBoundary(int length, boolean text) throws Exception {
        byte[] payload = text ? text(length) : binary(length);
        int op = text ? FrameHeader.OP_TEXT : FrameHeader.OP_BINARY;
        try (Client c = big.client()) {
            byte[] f = frame(true, 0, op, payload);
            List<Integer> cuts = new ArrayList<>();
            if (f.length <= 300) {
                for (int i = 1; i < f.length; i++) {
                    cuts.add(i);
                }
            } else {
                // every cut in the header and the payload's first and last bytes, and a sample between
                int headerLen = f.length - length;
                for (int i = 1; i < headerLen + 16; i++) {
                    cuts.add(i);
                }
                for (int i = f.length - 16; i < f.length; i++) {
                    cuts.add(i);
                }
                Random rnd = new Random(length);
                for (int i = 0; i < 20; i++) {
                    cuts.add(headerLen + 16 + rnd.nextInt(length - 32));
                }
            }
            for (int cut : cuts) {
                c.writeSplit(f, cut);
                Message m = c.readMessage();
                assertEquals(op, m.opcode(), "split at " + cut);
                assertArrayEquals(payload, m.data(), "split at " + cut);
            }
            // two frames back to back, cut inside the second header
            byte[] two = concat(f, frame(true, 0, op, payload));
            c.writeSplit(two, f.length + 1);
            assertArrayEquals(payload, c.readMessage().data());
            assertArrayEquals(payload, c.readMessage().data());
        }
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {0, 1, 125, 126, 1000})
    void echoOneByteAtATime(int length) throws Exception {
        byte[] payload = text(length);
        try (Client c = big.client()) {
            byte[] f = frame(true, 0, FrameHeader.OP_TEXT, payload);
            c.writeByteByByte(f);
            assertArrayEquals(payload, c.readMessage().data());
        }
    }

    @Test
    void fragmentedMessageEchoedWhole() throws Exception {
        byte[] all = text(3000);
        try (Client c = big.client()) {
            byte[] frames = concat(frame(false, 0, FrameHeader.OP_TEXT, slice(all, 0, 1000)),
                    frame(false, 0, FrameHeader.OP_CONTINUATION, slice(all, 1000, 1)),
                    frame(false, 0, FrameHeader.OP_CONTINUATION, new byte[0]),
                    frame(true, 0, FrameHeader.OP_CONTINUATION, slice(all, 1001, 1999)));
            c.write(frames);
            Message m = c.readMessage();
            assertEquals(FrameHeader.OP_TEXT, m.opcode());
            assertArrayEquals(all, m.data());
            // and byte by byte
            c.writeByteByByte(frames);
            assertArrayEquals(all, c.readMessage().data());
        }
    }

    @Test
    void emptyFinalFragmentEndsTheMessage() throws Exception {
        String tag = Client.newTag();
        try (Client c = big.client(tag)) {
            c.write(concat(frame(false, 0, FrameHeader.OP_BINARY, new byte[] {1, 2}),
                    frame(true, 0, FrameHeader.OP_CONTINUATION, new byte[0])));
            assertArrayEquals(new byte[] {1, 2}, c.readMessage().data());
            List<Event> rx = big.protocol("echo").await(tag, Reason.RECEIVE, 2);
            assertTrue(rx.get(0).first() && !rx.get(0).last(), rx.toString());
            assertTrue(!rx.get(1).first() && rx.get(1).last() && rx.get(1).data().length == 0, rx.toString());
            assertTrue(rx.get(0).binary() && rx.get(1).binary(), "isBinary for the whole message");
        }
    }

    // =============================================================================================
    // ping and pong
    // =============================================================================================

    @ParameterizedTest(name = "ping of {0} bytes")
    @ValueSource(ints = {0, 1, 125})
    void pingGetsPongWithTheSamePayload(int n) throws IOException {
        byte[] p = binary(n);
        try (Client c = big.client()) {
            c.write(frame(true, 0, FrameHeader.OP_PING, p));
            Frame f = c.readFrame();
            assertEquals(FrameHeader.OP_PONG, f.opcode());
            assertTrue(f.fin());
            assertArrayEquals(p, f.payload());
        }
    }

    @Test
    void pingBetweenFragmentsIsAnsweredAndTheMessageGoesOn() throws Exception {
        String tag = Client.newTag();
        byte[] frames = concat(frame(false, 0, FrameHeader.OP_TEXT, utf8("Hello ")),
                frame(true, 0, FrameHeader.OP_PING, utf8("ping-1")),
                frame(false, 0, FrameHeader.OP_CONTINUATION, utf8("wor")),
                frame(true, 0, FrameHeader.OP_PING, new byte[0]),
                frame(true, 0, FrameHeader.OP_PONG, utf8("unasked")),
                frame(true, 0, FrameHeader.OP_CONTINUATION, utf8("ld \u20ac")));
        try (Client c = big.client(tag)) {
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
        String tag = Client.newTag();
        try (Client c = big.client(tag)) {
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

    // =============================================================================================
    // the close handshake
    // =============================================================================================

    @ParameterizedTest(name = "close {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999})
    void peerCloseWithCodeIsEchoedAndTcpCloses(int code) throws IOException {
        String tag = Client.newTag();
        try (Client c = big.client(tag)) {
            c.write(frame(true, 0, FrameHeader.OP_CLOSE, closePayload(code, "bye now")));
            List<Frame> frames = c.readToEof();
            assertEquals(1, frames.size(), "only the Close: " + frames);
            Frame close = frames.get(0);
            assertEquals(FrameHeader.OP_CLOSE, close.opcode());
            assertEquals(code, close.code(), "the server echoes the code");
            TestProtocol echo = big.protocol("echo");
            List<Event> peer = echo.await(tag, Reason.WS_PEER_INITIATED_CLOSE, 1);
            assertArrayEquals(closePayload(code, "bye now"), peer.get(0).data(), "the protocol sees the peer's Close payload");
            assertEquals(1, echo.await(tag, Reason.CLOSED, 1).size(), "CLOSED delivered");
        }
    }

    @Test
    void peerCloseWithoutPayloadGetsAnEmptyClose() throws IOException {
        try (Client c = big.client()) {
            c.write(frame(true, 0, FrameHeader.OP_CLOSE, new byte[0]));
            List<Frame> frames = c.readToEof();
            assertEquals(1, frames.size(), frames.toString());
            assertEquals(FrameHeader.OP_CLOSE, frames.get(0).opcode());
            assertEquals(0, frames.get(0).payload().length, "1005 is never sent: the answer to an empty Close is empty");
        }
    }

    @Test
    void peerCloseSplitByteByByte() throws Exception {
        try (Client c = big.client()) {
            c.writeByteByByte(frame(true, 0, FrameHeader.OP_CLOSE, closePayload(1000, "\u00e9t\u00e9")));
            List<Frame> frames = c.readToEof();
            assertEquals(1, frames.size(), frames.toString());
            assertEquals(1000, frames.get(0).code());
        }
    }

    @Test
    void dataAfterThePeersCloseIsNotDelivered() throws IOException {
        String tag = Client.newTag();
        try (Client c = big.client(tag)) {
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
        String tag = Client.newTag();
        try (Client c = big.client(tag)) {
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
        try (Client c = big.client()) {
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

    // =============================================================================================
    // violations: the close code, and nothing after our Close
    // =============================================================================================

    static Stream<Arguments> violations() {
        int t = FrameHeader.OP_TEXT;
        int b = FrameHeader.OP_BINARY;
        int cont = FrameHeader.OP_CONTINUATION;
        List<Arguments> l = new ArrayList<>();
        l.add(v("unmasked text", 1002, frameUnmasked(true, 0, t, utf8("hello"))));
        l.add(v("unmasked empty ping", 1002, frameUnmasked(true, 0, FrameHeader.OP_PING, new byte[0])));
        l.add(v("unmasked after a good frame", 1002, frame(true, 0, t, utf8("ok")), frameUnmasked(true, 0, b, new byte[3])));
        for (int rsv = 1; rsv < 8; rsv++) {
            l.add(v("rsv " + rsv + " on text", 1002, frame(true, rsv, t, utf8("x"))));
        }
        l.add(v("rsv1 on ping", 1002, frame(true, 4, FrameHeader.OP_PING, new byte[0])));
        l.add(v("rsv1 on a continuation", 1002, frame(false, 0, t, utf8("a")), frame(true, 4, cont, utf8("b"))));
        for (int op : new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            l.add(v("opcode " + op, 1002, frame(true, 0, op, utf8("x"))));
        }
        l.add(v("opcode 3 inside a fragmented message", 1002, frame(false, 0, t, utf8("a")), frame(true, 0, 3, new byte[0])));
        l.add(v("fragmented ping", 1002, frame(false, 0, FrameHeader.OP_PING, utf8("p"))));
        l.add(v("fragmented pong", 1002, frame(false, 0, FrameHeader.OP_PONG, utf8("p"))));
        l.add(v("fragmented close", 1002, frame(false, 0, FrameHeader.OP_CLOSE, closePayload(1000, ""))));
        l.add(v("ping of 126 bytes", 1002, frame(true, 0, FrameHeader.OP_PING, new byte[126])));
        l.add(v("pong of 126 bytes", 1002, frame(true, 0, FrameHeader.OP_PONG, new byte[126])));
        l.add(v("close of 126 bytes", 1002, frame(true, 0, FrameHeader.OP_CLOSE, closePayload(1000, "r".repeat(124)))));
        l.add(v("ping announcing 65535 bytes", 1002,
                frameHeader(true, 0, FrameHeader.OP_PING, 65535, true)));
        l.add(v("continuation without a start", 1002, frame(true, 0, cont, utf8("x"))));
        l.add(v("unfinished continuation without a start", 1002, frame(false, 0, cont, utf8("x"))));
        l.add(v("continuation after a finished message", 1002, frame(true, 0, t, utf8("a")), frame(true, 0, cont, utf8("b"))));
        l.add(v("new text while fragmented", 1002, frame(false, 0, t, utf8("a")), frame(true, 0, t, utf8("b"))));
        l.add(v("new binary while fragmented", 1002, frame(false, 0, b, new byte[1]), frame(true, 0, b, new byte[1])));
        l.add(v("text while binary is fragmented", 1002, frame(false, 0, b, new byte[1]), frame(false, 0, t, utf8("x"))));
        l.add(v("64-bit length with the top bit set", 1002, frameHeader(true, 0, b, Long.MIN_VALUE + 5, true)));
        l.add(v("invalid UTF-8: overlong", 1007, frame(true, 0, t, bytes(0x61, 0xC0, 0x80))));
        l.add(v("invalid UTF-8: surrogate", 1007, frame(true, 0, t, bytes(0x61, 0xED, 0xA0, 0x80))));
        l.add(v("invalid UTF-8: above U+10FFFF", 1007, frame(true, 0, t, bytes(0xF4, 0x90, 0x80, 0x80))));
        l.add(v("invalid UTF-8: FF", 1007, frame(true, 0, t, bytes(0x61, 0xFF))));
        l.add(v("invalid UTF-8: lone continuation", 1007, frame(true, 0, t, bytes(0x80))));
        l.add(v("invalid UTF-8: message ends inside a sequence", 1007, frame(true, 0, t, bytes(0x61, 0xE2, 0x82))));
        l.add(v("invalid UTF-8 split across fragments", 1007, frame(false, 0, t, bytes(0x61, 0xE2, 0x82)),
                frame(true, 0, cont, bytes(0x28))));
        l.add(v("invalid UTF-8 across three fragments", 1007, frame(false, 0, t, bytes(0xF0)),
                frame(false, 0, cont, bytes(0x9F)), frame(true, 0, cont, bytes(0x41))));
        l.add(v("message ends inside a sequence in an empty final fragment", 1007, frame(false, 0, t, bytes(0xE2)),
                frame(true, 0, cont, new byte[0])));
        l.add(v("message ends inside a sequence in the final fragment", 1007, frame(false, 0, t, utf8("ok")),
                frame(true, 0, cont, bytes(0xE2, 0x82))));
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            l.add(v("close code " + code + " on the wire", 1002, frame(true, 0, FrameHeader.OP_CLOSE, closePayload(code, ""))));
        }
        l.add(v("close payload of 1 byte", 1002, frame(true, 0, FrameHeader.OP_CLOSE, new byte[] {3})));
        l.add(v("close reason not UTF-8", 1007, frame(true, 0, FrameHeader.OP_CLOSE,
                concat(closePayload(1000, ""), bytes(0xC0, 0x80)))));
        l.add(v("close reason ends inside a sequence", 1007, frame(true, 0, FrameHeader.OP_CLOSE,
                concat(closePayload(1000, "ok"), bytes(0xE2, 0x82)))));
        l.add(v("frame length 2^32+1 over the 64 MiB default", 1009, frameHeader(true, 0, b, (1L << 32) + 1, true)));
        return l.stream();
    }

    static Stream<Arguments> sizeViolations() {
        int t = FrameHeader.OP_TEXT;
        int b = FrameHeader.OP_BINARY;
        int cont = FrameHeader.OP_CONTINUATION;
        List<Arguments> l = new ArrayList<>();
        l.add(v("binary frame of 1001 bytes", 1009, frame(true, 0, b, new byte[SMALL_FRAME + 1])));
        l.add(v("text frame of 1001 bytes", 1009, frame(true, 0, t, text(SMALL_FRAME + 1))));
        l.add(v("continuation frame of 1001 bytes", 1009, frame(false, 0, b, new byte[10]),
                frame(true, 0, cont, new byte[SMALL_FRAME + 1])));
        l.add(v("message of 2501 bytes in three frames", 1009, frame(false, 0, b, new byte[1000]),
                frame(false, 0, cont, new byte[1000]), frame(true, 0, cont, new byte[501])));
        l.add(v("message of 2501 bytes in many frames", 1009, many(b, 25, 100), frame(true, 0, cont, new byte[1])));
        l.add(v("message over the limit by an unfinished frame", 1009, frame(false, 0, t, text(1000)),
                frame(false, 0, cont, text(1000)), frame(false, 0, cont, text(1000))));
        return l.stream();
    }

    /** {@code n} frames of {@code size} bytes of one unfinished message of type {@code op}. */
    static byte[] many(int op, int n, int size) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            b.writeBytes(frame(false, 0, i == 0 ? op : FrameHeader.OP_CONTINUATION, new byte[size]));
        }
        return b.toByteArray();
    }

    static Arguments v(String name, int code, byte[]... frames) {
        return Arguments.of(name, code, concat(frames));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("violations")
    void violationIsClosedWithItsCode(String name, int code, byte[] bytes) throws Exception {
        assertViolation(big, name, code, bytes);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("sizeViolations")
    void sizeLimitsAreClosedWith1009(String name, int code, byte[] bytes) throws Exception {
        assertViolation(small, name, code, bytes);
    }

    /**
     * Sends {@code bytes}, then more data (a text frame and a ping), reads to EOF and checks the
     * last frame is our only Close, with {@code code}; the data after the violation is not echoed.
     * Done twice: all in one write, and one byte at a time.
     */
    static void assertViolation(Server s, String name, int code, byte[] bytes) throws Exception {
        for (boolean byteByByte : new boolean[] {false, true}) {
            String tag = Client.newTag();
            try (Client c = s.client(tag)) {
                byte[] after = concat(frame(true, 0, FrameHeader.OP_TEXT, utf8("after-the-violation")),
                        frame(true, 0, FrameHeader.OP_PING, utf8("after-the-violation")));
                try {
                    if (byteByByte) {
                        c.writeByteByByte(bytes);
                    } else {
                        c.write(bytes);
                    }
                    c.write(after);
                } catch (IOException e) {
                    // the server may have closed already: what it sent is still to be read
                }
                List<Frame> frames = c.readToEof();
                String what = name + (byteByByte ? " (byte by byte)" : "") + ": " + frames;
                assertFalse(frames.isEmpty(), "no Close at all: " + what);
                Frame last = frames.get(frames.size() - 1);
                assertEquals(FrameHeader.OP_CLOSE, last.opcode(), "the last frame must be the Close: " + what);
                assertEquals(code, last.code(), what);
                assertTrue(last.reason() != null, "close reason is UTF-8");
                for (Frame f : frames.subList(0, frames.size() - 1)) {
                    assertTrue(f.opcode() <= FrameHeader.OP_BINARY, "only echoes may come before the Close: " + what);
                    assertFalse(new String(f.payload(), StandardCharsets.ISO_8859_1).contains("after-the-violation"),
                            "data sent after the violation was echoed: " + what);
                }
                // nothing is delivered after our Close, so what is recorded by now is all there is
                TestProtocol p = s.protocol("echo");
                for (Event e : p.events(tag, Reason.RECEIVE)) {
                    assertFalse(new String(e.data(), StandardCharsets.ISO_8859_1).contains("after-the-violation"),
                            "data after the violation was delivered: " + what);
                }
            }
        }
    }

    @Test
    void limitsAllowExactlyTheirSize() throws IOException {
        try (Client c = small.client()) {
            byte[] f = binary(SMALL_FRAME);
            c.sendBinary(f);
            assertArrayEquals(f, c.readMessage().data());
            byte[] m = text(SMALL_MESSAGE);
            c.write(concat(frame(false, 0, FrameHeader.OP_TEXT, slice(m, 0, 1000)),
                    frame(false, 0, FrameHeader.OP_CONTINUATION, slice(m, 1000, 1000)),
                    frame(true, 0, FrameHeader.OP_CONTINUATION, slice(m, 2000, 500))));
            assertArrayEquals(m, c.readMessage().data());
            // the message count starts again with the next message
            byte[] m2 = text(2000);
            c.write(concat(frame(false, 0, FrameHeader.OP_TEXT, slice(m2, 0, 1000)),
                    frame(true, 0, FrameHeader.OP_CONTINUATION, slice(m2, 1000, 1000))));
            assertArrayEquals(m2, c.readMessage().data());
            // control frames do not count toward the message
            c.write(concat(frame(false, 0, FrameHeader.OP_BINARY, new byte[1000]),
                    frame(true, 0, FrameHeader.OP_PING, new byte[125]),
                    frame(false, 0, FrameHeader.OP_CONTINUATION, new byte[1000]),
                    frame(true, 0, FrameHeader.OP_CONTINUATION, new byte[500])));
            List<Frame> controls = new ArrayList<>();
            assertEquals(2500, c.readMessage(controls).data().length);
            while (controls.isEmpty()) {
                controls.add(c.readFrame());
            }
            assertEquals(FrameHeader.OP_PONG, controls.get(0).opcode());
            assertEquals(125, controls.get(0).payload().length);
        }
    }

    @Test
    void invalidUtf8FailsFastBeforeTheRestArrives() throws Exception {
        try (Client c = big.client()) {
            byte[] payload = text(10_000);
            payload[10] = (byte) 0xFF;
            byte[] f = frame(true, 0, FrameHeader.OP_TEXT, payload);
            int headerLen = f.length - payload.length;
            c.write(slice(f, 0, headerLen + 20));
            Frame close = c.readFrame();
            assertEquals(FrameHeader.OP_CLOSE, close.opcode(), close.toString());
            assertEquals(1007, close.code(), "the Close must come before the rest of the message is sent");
            sendQuietly(c, slice(f, headerLen + 20, f.length - headerLen - 20));
            assertTrue(c.readToEof().isEmpty(), "nothing after the Close");
        }
    }

    @Test
    void invalidUtf8AcrossFragmentsFailsFast() throws Exception {
        try (Client c = big.client()) {
            c.write(frame(false, 0, FrameHeader.OP_TEXT, bytes(0x61, 0x62, 0xF0, 0x9F)));
            byte[] next = frame(true, 0, FrameHeader.OP_CONTINUATION, concat(bytes(0x98, 0x28), text(5000)));
            c.write(slice(next, 0, 10)); // header (8) and the two bytes that complete (badly) the sequence
            List<Frame> frames = new ArrayList<>();
            Frame f;
            do {
                f = c.readFrame();
                frames.add(f);
            } while (f.opcode() != FrameHeader.OP_CLOSE);
            assertEquals(1007, f.code(), frames.toString());
            sendQuietly(c, slice(next, 10, next.length - 10));
            assertTrue(c.readToEof().isEmpty(), "nothing after the Close");
        }
    }

    @Test
    void oversizedFrameFailsOnItsHeader() throws Exception {
        try (Client c = small.client()) {
            c.write(frameHeader(true, 0, FrameHeader.OP_BINARY, SMALL_FRAME + 1, true));
            Frame close = c.readFrame();
            assertEquals(1009, close.code(), "Close 1009 on the header alone");
            sendQuietly(c, new byte[SMALL_FRAME + 1]);
            assertTrue(c.readToEof().isEmpty());
        }
    }

    @Test
    void oversizedMessageFailsOnTheHeaderThatCrossesTheLimit() throws Exception {
        try (Client c = small.client()) {
            c.write(concat(frame(false, 0, FrameHeader.OP_BINARY, new byte[1000]),
                    frame(false, 0, FrameHeader.OP_CONTINUATION, new byte[1000]),
                    frameHeader(true, 0, FrameHeader.OP_CONTINUATION, 501, true)));
            List<Frame> frames = new ArrayList<>();
            Frame f;
            do {
                f = c.readFrame();
                frames.add(f);
            } while (f.opcode() != FrameHeader.OP_CLOSE);
            assertEquals(1009, f.code(), frames.toString());
            sendQuietly(c, new byte[501]);
            assertTrue(c.readToEof().isEmpty());
        }
    }

    @Test
    void closeIsLastEvenWithAnEchoUnderWay() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (Client c = big.client()) {
                byte[] big1 = binary(200_000);
                c.write(concat(frame(true, 0, FrameHeader.OP_BINARY, big1), frame(true, 0, FrameHeader.OP_BINARY, big1),
                        frame(true, 4, FrameHeader.OP_BINARY, new byte[1]),
                        frame(true, 0, FrameHeader.OP_TEXT, utf8("after-the-violation"))));
                List<Frame> frames = c.readToEof();
                Frame last = frames.get(frames.size() - 1);
                assertEquals(FrameHeader.OP_CLOSE, last.opcode(), "Close last, " + frames.size() + " frames");
                assertEquals(1002, last.code());
                for (Frame f : frames.subList(0, frames.size() - 1)) {
                    assertNotEquals(FrameHeader.OP_CLOSE, f.opcode(), "one Close only");
                    assertTrue(f.opcode() == FrameHeader.OP_BINARY || f.opcode() == FrameHeader.OP_CONTINUATION,
                            "only the echo may come first: " + f);
                }
            }
        }
    }

    @Test
    void afterAViolationThePeersFinEndsTheConnectionPromptly() throws Exception {
        // a violation with bytes after it in the same read: the server sends its Close, half-closes
        // and should then read until the peer's FIN (discarding), not sit on the unread bytes
        String tag = Client.newTag();
        long cpu0;
        long t0;
        try (Client c = big.client(tag)) {
            c.write(concat(frame(true, 4, FrameHeader.OP_TEXT, utf8("rsv1 and a payload")),
                    frame(true, 0, FrameHeader.OP_TEXT, utf8("more"))));
            List<Frame> frames = c.readToEof();
            assertEquals(1002, frames.get(frames.size() - 1).code());
            cpu0 = serviceCpuNanos();
            t0 = System.nanoTime();
        } // our FIN goes out here
        List<Event> closed = big.protocol("echo").await(tag, Reason.CLOSED, 1);
        assertEquals(1, closed.size(), "CLOSED never came");
        long closedAfterMillis = (closed.get(0).nanos() - t0) / 1_000_000;
        long cpuMillis = (serviceCpuNanos() - cpu0) / 1_000_000;
        assertTrue(closedAfterMillis < 1000 && cpuMillis < 500,
                "the connection closed " + closedAfterMillis + " ms after the peer's FIN, and the service thread used "
                        + cpuMillis + " ms of CPU meanwhile: the linger does not read (bytes left unread in the stash "
                        + "turn rx off) while the selector keeps reporting the socket readable");
    }

    // =============================================================================================
    // delivery in pieces, flow control, where writes belong
    // =============================================================================================

    @Test
    void rxBufferSizeCutsAMessageIntoPieces() throws Exception {
        TestProtocol p = big.protocol("small-rx");
        for (int way = 0; way < 3; way++) {
            String tag = Client.newTag();
            try (Client c = Client.open(big.port, tag, "small-rx")) {
                byte[] m = binary(1000);
                byte[] f = frame(true, 0, FrameHeader.OP_BINARY, m);
                if (way == 0) {
                    c.write(f);
                } else if (way == 1) {
                    c.writeByteByByte(f);
                } else {
                    int h = f.length - m.length;
                    c.writeSplit(f, h + 150, h + 333, h + 999);
                }
                assertArrayEquals(m, c.readMessage().data());
                List<Event> rx = p.await(tag, Reason.RECEIVE, 10);
                assertEquals(10, rx.size(), "way " + way + ": " + rx);
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (int i = 0; i < 10; i++) {
                    Event e = rx.get(i);
                    assertEquals(100, e.data().length, "piece " + i + " way " + way);
                    assertEquals(i == 0, e.first(), "isFirstFragment of piece " + i + " way " + way);
                    assertEquals(i == 9, e.last(), "isFinalFragment of piece " + i + " way " + way);
                    assertEquals(900 - 100L * i, e.remaining(), "remainingPacketPayload of piece " + i + " way " + way);
                    assertTrue(e.binary());
                    all.writeBytes(e.data());
                }
                assertArrayEquals(m, all.toByteArray(), "no byte lost or reordered");
            }
        }
    }

    @Test
    void rxBufferSizeWithFragments() throws Exception {
        TestProtocol p = big.protocol("small-rx");
        String tag = Client.newTag();
        try (Client c = Client.open(big.port, tag, "small-rx")) {
            byte[] m = text(1000);
            c.write(concat(frame(false, 0, FrameHeader.OP_TEXT, slice(m, 0, 300)),
                    frame(false, 0, FrameHeader.OP_CONTINUATION, slice(m, 300, 250)),
                    frame(true, 0, FrameHeader.OP_CONTINUATION, slice(m, 550, 450))));
            assertArrayEquals(m, c.readMessage().data());
            List<Event> rx = p.await(tag, Reason.RECEIVE, 11);
            int[] sizes = {100, 100, 100, 100, 100, 50, 100, 100, 100, 100, 50};
            long[] remaining = {200, 100, 0, 150, 50, 0, 350, 250, 150, 50, 0};
            assertEquals(sizes.length, rx.size(), rx.toString());
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < sizes.length; i++) {
                Event e = rx.get(i);
                assertEquals(sizes[i], e.data().length, "piece " + i);
                assertEquals(remaining[i], e.remaining(), "remaining in the frame, piece " + i);
                assertEquals(i == 0, e.first(), "first, piece " + i);
                assertEquals(i == sizes.length - 1, e.last(), "final, piece " + i);
                assertFalse(e.binary());
                all.writeBytes(e.data());
            }
            assertArrayEquals(m, all.toByteArray());
        }
    }

    @Test
    void rxFlowControlStopsReceivesUntilResumedAndLosesNothing() throws Exception {
        TestProtocol p = big.protocol("flow");
        String tag = Client.newTag();
        try (Client c = Client.open(big.port, tag, "flow")) {
            List<byte[]> sent = new ArrayList<>();
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 20; i++) {
                byte[] m = new byte[100];
                java.util.Arrays.fill(m, (byte) i);
                sent.add(m);
                burst.writeBytes(frame(true, 0, FrameHeader.OP_BINARY, m));
            }
            c.write(burst.toByteArray()); // one read: 19 messages wait behind the one that pauses
            Thread.sleep(100);
            ByteArrayOutputStream later = new ByteArrayOutputStream();
            for (int i = 20; i < 40; i++) {
                byte[] m = new byte[100 + i];
                java.util.Arrays.fill(m, (byte) i);
                sent.add(m);
                later.writeBytes(frame(true, 0, FrameHeader.OP_BINARY, m));
            }
            c.writeSplit(later.toByteArray(), 57, 1000, 2001); // arrives while paused
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), c.readMessage().data(), "echo of message " + i);
            }
            List<Event> rx = p.await(tag, Reason.RECEIVE, 40);
            assertEquals(40, rx.size());
            for (Event e : rx) {
                assertFalse(e.paused(), "RECEIVE while rx was off: " + e);
            }
            long gap = (rx.get(1).nanos() - rx.get(0).nanos()) / 1_000_000;
            assertTrue(gap >= FLOW_PAUSE_MILLIS - 50, "the second RECEIVE came " + gap + " ms after the pause");
            ByteArrayOutputStream want = new ByteArrayOutputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            sent.forEach(want::writeBytes);
            rx.forEach(e -> got.writeBytes(e.data()));
            assertArrayEquals(want.toByteArray(), got.toByteArray(), "no byte lost, none reordered");
        }
    }

    @Test
    void writeOutsideServerWriteableThrows() throws Exception {
        TestProtocol p = big.protocol("misuse");
        String tag = Client.newTag();
        try (Client c = Client.open(big.port, tag, "misuse")) {
            c.sendText("go");
            assertEquals("ESTABLISHED:IllegalStateException RECEIVE:IllegalStateException", c.readMessage().text(),
                    "a write from ESTABLISHED or RECEIVE must throw; nothing else may have been sent first");
            Connection wsi = p.connections.get(tag);
            assertNotNull(wsi);
            // and from a thread that is not the connection's
            assertThrows(IllegalStateException.class, () -> wsi.write(ByteBuffer.wrap(utf8("x")), WriteMode.TEXT));
            assertThrows(IllegalStateException.class, wsi::requestWriteable);
            assertThrows(IllegalStateException.class, () -> wsi.rxFlowControl(false));
            c.sendText("still fine");
            assertEquals("ESTABLISHED:IllegalStateException RECEIVE:IllegalStateException RECEIVE:IllegalStateException",
                    c.readMessage().text());
        }
    }

    @Test
    void contextConfigConstructors() {
        ContextConfig full = new ContextConfig(2, "s", 5, 1, 2, 3, 4096, 8, 10, 7, 100, 30, 1000, 2500);
        assertEquals(30, full.wsPingPongSecs());
        assertEquals(1000, full.wsMaxFrameSize());
        assertEquals(2500, full.wsMaxMessageSize());
        ContextConfig twelve = new ContextConfig(2, "s", 5, 1, 2, 3, 4096, 8, 10, 7, 100, 30);
        assertEquals(30, twelve.wsPingPongSecs());
        assertEquals(ContextConfig.DEFAULT_WS_MAX, twelve.wsMaxFrameSize());
        assertEquals(ContextConfig.DEFAULT_WS_MAX, twelve.wsMaxMessageSize());
        assertEquals(new ContextConfig(2, "s", 5, 1, 2, 3, 4096, 8, 10, 7, 100, 30, ContextConfig.DEFAULT_WS_MAX,
                ContextConfig.DEFAULT_WS_MAX), twelve);
        assertEquals(ContextConfig.DEFAULT_WS_MAX, ContextConfig.defaults().wsMaxFrameSize());
    }

    // =============================================================================================
    // the server side: a test protocol and a context
    // =============================================================================================

    enum Mode { ECHO, FLOW, MISUSE }

    /** One callback as the protocol saw it. */
    record Event(String tag, Reason reason, byte[] data, boolean first, boolean last, long remaining, boolean binary,
                 boolean paused, long nanos) {
        @Override
        public String toString() {
            return reason + "(" + data.length + (first ? " first" : "") + (last ? " final" : "") + " rem=" + remaining
                    + (paused ? " PAUSED" : "") + ")";
        }
    }

    /** What the test protocol keeps per connection. */
    static final class Session {
        String tag = "";
        final ArrayDeque<Event> out = new ArrayDeque<>();
        final List<String> misuse = new ArrayList<>();
        volatile boolean paused;
        int receives;
    }

    /**
     * Echoes every piece as a fragment of the echoed message (so the echo has the message's
     * shape), records every callback by the connection's {@code ?tag=}, and: "close:N" makes it
     * close with N (N = 0: return CLOSE without a code); FLOW stops rx on the first RECEIVE and
     * resumes it from {@link Connection#execute} after {@link #FLOW_PAUSE_MILLIS}; MISUSE writes
     * from ESTABLISHED and RECEIVE and answers with what happened.
     */
    static final class TestProtocol implements Protocol {
        final String name;
        final Mode mode;
        final int rx;
        final Map<String, List<Event>> events = new ConcurrentHashMap<>();
        final Map<String, Connection> connections = new ConcurrentHashMap<>();

        TestProtocol(String name, Mode mode, int rx) {
            this.name = name;
            this.mode = mode;
            this.rx = rx;
        }

        @Override
        public int rxBufferSize() {
            return rx;
        }

        @Override
        public Object newSession(Connection wsi) {
            return new Session();
        }

        @Override
        public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
            Session s = wsi.session();
            switch (reason) {
                case ESTABLISHED:
                    String tag = wsi.request().urlArg("tag");
                    s.tag = tag == null ? "" : tag;
                    connections.put(s.tag, wsi);
                    if (mode == Mode.MISUSE) {
                        s.misuse.add("ESTABLISHED:" + tryWrite(wsi));
                    }
                    record(s, wsi, reason, in, false);
                    return Result.CONTINUE;
                case RECEIVE:
                    return receive(wsi, s, in);
                case SERVER_WRITEABLE:
                    while (!s.out.isEmpty() && !wsi.sendPipeChoked()) {
                        Event p = s.out.poll();
                        WriteMode m = !p.first() ? WriteMode.CONTINUATION : p.binary() ? WriteMode.BINARY : WriteMode.TEXT;
                        if (!wsi.write(ByteBuffer.wrap(p.data()), m, p.last())) {
                            return Result.CLOSE;
                        }
                    }
                    if (!s.out.isEmpty()) {
                        wsi.requestWriteable();
                    }
                    return Result.CONTINUE;
                default:
                    if (s != null) {
                        record(s, wsi, reason, in, false);
                    }
                    return Result.CONTINUE;
            }
        }

        private Result receive(Connection wsi, Session s, ByteBuffer in) {
            Event e = record(s, wsi, Reason.RECEIVE, in, s.paused);
            s.receives++;
            String text = new String(e.data(), StandardCharsets.ISO_8859_1);
            if (e.first() && e.last() && text.startsWith("close:")) {
                int code = Integer.parseInt(text.substring(6));
                if (code == 0) {
                    return Result.CLOSE;
                }
                wsi.close(code, "bye");
                return Result.CLOSE;
            }
            if (mode == Mode.FLOW && s.receives == 1) {
                s.paused = true;
                wsi.rxFlowControl(false);
                Thread t = new Thread(() -> {
                    try {
                        Thread.sleep(FLOW_PAUSE_MILLIS);
                    } catch (InterruptedException ignored) {
                        return;
                    }
                    wsi.execute(() -> {
                        s.paused = false;
                        wsi.rxFlowControl(true);
                    });
                }, "flow-resume");
                t.setDaemon(true);
                t.start();
            }
            if (mode == Mode.MISUSE) {
                s.misuse.add("RECEIVE:" + tryWrite(wsi));
                if (e.last()) {
                    byte[] reply = String.join(" ", s.misuse).getBytes(StandardCharsets.UTF_8);
                    s.out.add(new Event(s.tag, Reason.RECEIVE, reply, true, true, 0, false, false, 0));
                    wsi.requestWriteable();
                }
                return Result.CONTINUE;
            }
            s.out.add(e);
            wsi.requestWriteable();
            return Result.CONTINUE;
        }

        private static String tryWrite(Connection wsi) {
            try {
                wsi.write(ByteBuffer.wrap("misplaced".getBytes(StandardCharsets.UTF_8)), WriteMode.TEXT);
                return "no exception";
            } catch (IllegalStateException e) {
                return "IllegalStateException";
            }
        }

        private Event record(Session s, Connection wsi, Reason reason, ByteBuffer in, boolean paused) {
            byte[] d = new byte[in.remaining()];
            in.duplicate().get(d);
            boolean data = reason == Reason.RECEIVE;
            Event e = new Event(s.tag, reason, d, data && wsi.isFirstFragment(), data && wsi.isFinalFragment(),
                    data ? wsi.remainingPacketPayload() : 0, data && wsi.isBinary(), paused, System.nanoTime());
            events.computeIfAbsent(s.tag, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(e);
            return e;
        }

        List<Event> events(String tag) {
            List<Event> l = events.get(tag);
            if (l == null) {
                return List.of();
            }
            synchronized (l) {
                return new ArrayList<>(l);
            }
        }

        List<Event> events(String tag, Reason reason) {
            return filter(events(tag), e -> e.reason() == reason);
        }

        /** Waits up to 5 s for {@code n} events of {@code reason}; returns what there is then. */
        List<Event> await(String tag, Reason reason, int n) {
            long end = System.nanoTime() + 5_000_000_000L;
            List<Event> l = events(tag, reason);
            while (l.size() < n && System.nanoTime() < end) {
                sleep(5);
                l = events(tag, reason);
            }
            return l;
        }
    }

    static <T> List<T> filter(List<T> l, Predicate<T> p) {
        List<T> r = new ArrayList<>();
        for (T t : l) {
            if (p.test(t)) {
                r.add(t);
            }
        }
        return r;
    }

    /** A real context with one vhost on 127.0.0.1 offering the given protocols (the first is the default). */
    static final class Server implements AutoCloseable {
        final ContextImpl ctx;
        final VhostImpl vhost;
        final int port;
        final Map<String, TestProtocol> protocols = new HashMap<>();

        private Server(ContextImpl ctx, VhostImpl vhost, int port) {
            this.ctx = ctx;
            this.vhost = vhost;
            this.port = port;
        }

        static Server start(ContextConfig cfg, TestProtocol... protocols) throws IOException {
            LogImpl log = new LogImpl(cfg.logLevel());
            if (System.getenv("LWS4J_TEST_LOG") != null) {
                log.addEmitter(new StderrEmitter(System.err));
            }
            ContextImpl ctx = new ContextImpl(cfg, log);
            ctx.start();
            Map<String, Map<String, String>> offered = new LinkedHashMap<>();
            for (TestProtocol p : protocols) {
                offered.put(p.name, Map.of());
            }
            // the vhost config treats port 0 as "no listener", so take a free port (retrying a race)
            for (int attempt = 0; attempt < 10; attempt++) {
                int port = freePort();
                VhostImpl v = ctx.addVhost(new VhostConfig("ws-test", "localhost", port, "127.0.0.1", 5, List.of(),
                        offered, Map.of(), Map.of()));
                if (v != null) {
                    assertEquals(port, ctx.boundPort(v));
                    Server s = new Server(ctx, v, port);
                    long id = 1;
                    for (TestProtocol p : protocols) {
                        ctx.addProtocol(p.name, p, 0, id++);
                        s.protocols.put(p.name, p);
                    }
                    return s;
                }
            }
            ctx.stop();
            throw new IOException("no free port");
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                return s.getLocalPort();
            }
        }

        TestProtocol protocol(String name) {
            return protocols.get(name);
        }

        Client client() throws IOException {
            return client(Client.newTag());
        }

        Client client(String tag) throws IOException {
            return Client.open(port, tag, null);
        }

        @Override
        public void close() {
            ctx.stop();
        }
    }

    /** CPU time used so far by every service thread of every context in this JVM. */
    static long serviceCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("lws4j-service-")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    // =============================================================================================
    // the client side: hand-built frames on a raw socket
    // =============================================================================================

    /** A frame as received. */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        /** The close code, or 1005 when the payload has none. */
        int code() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : CloseStatus.NO_STATUS;
        }

        String reason() {
            if (payload.length <= 2) {
                return "";
            }
            Utf8Validator v = new Utf8Validator();
            return v.feed(payload, 2, payload.length) && v.isComplete()
                    ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : null;
        }

        @Override
        public String toString() {
            String p = opcode == FrameHeader.OP_CLOSE ? " code=" + code() + " reason=" + reason()
                    : " " + payload.length + " bytes";
            return "Frame(op=" + opcode + (fin ? " fin" : "") + (rsv != 0 ? " rsv=" + rsv : "") + p + ")";
        }
    }

    /** A whole data message as reassembled from its frames. */
    record Message(int opcode, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    static final class Client implements AutoCloseable {
        private static final AtomicInteger TAGS = new AtomicInteger();
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;
        final String key;
        final String tag;
        int status;
        String responseHead = "";
        final Map<String, String> headers = new HashMap<>();

        private Client(int port, String key, String tag) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            out = socket.getOutputStream();
            this.key = key;
            this.tag = tag;
        }

        static String newTag() {
            return "t" + TAGS.incrementAndGet();
        }

        /** A connection whose handshake succeeded, tagged for the protocol's records. */
        static Client open(int port, String tag, String protocol) throws IOException {
            Client c = connect(port, "/?tag=" + tag, protocol);
            if (c.status != 101) {
                c.close();
                fail("handshake: " + c.responseHead);
            }
            return c;
        }

        static Client connect(int port, String path, String protocols) throws IOException {
            return connect(port, path, protocols, "13", new byte[0]);
        }

        static Client connectRaw(int port, String path, String protocols, String version) throws IOException {
            return connect(port, path, protocols, version, new byte[0]);
        }

        /** Sends a handshake (and {@code extra} bytes in the same write) and reads the response head. */
        static Client connect(int port, String path, String protocols, String version, byte[] extra) throws IOException {
            byte[] k = new byte[16];
            ThreadLocalRandom.current().nextBytes(k);
            String key = Base64.getEncoder().encodeToString(k);
            String tag = path.contains("tag=") ? path.substring(path.indexOf("tag=") + 4) : "";
            Client c = new Client(port, key, tag);
            StringBuilder req = new StringBuilder();
            req.append("GET ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n")
                    .append("Connection: Upgrade\r\nSec-WebSocket-Key: ").append(key).append("\r\n")
                    .append("Sec-WebSocket-Version: ").append(version).append("\r\n");
            if (protocols != null) {
                req.append("Sec-WebSocket-Protocol: ").append(protocols).append("\r\n");
            }
            req.append("\r\n");
            c.write(concat(req.toString().getBytes(StandardCharsets.ISO_8859_1), extra));
            c.readResponseHead();
            return c;
        }

        private void readResponseHead() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int x = in.read();
                if (x < 0) {
                    fail("connection closed in the response head: " + b);
                }
                b.write(x);
                byte[] s = b.toByteArray();
                int n = s.length;
                if (n >= 4 && s[n - 4] == '\r' && s[n - 3] == '\n' && s[n - 2] == '\r' && s[n - 1] == '\n') {
                    break;
                }
            }
            responseHead = b.toString(StandardCharsets.ISO_8859_1);
            String[] lines = responseHead.split("\r\n");
            assertTrue(lines[0].startsWith("HTTP/1.1 "), lines[0]);
            status = Integer.parseInt(lines[0].substring(9, 12));
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
                }
            }
        }

        String header(String name) {
            return headers.get(name);
        }

        void write(byte[] b) throws IOException {
            out.write(b);
            out.flush();
        }

        void sendText(String s) throws IOException {
            write(frame(true, 0, FrameHeader.OP_TEXT, utf8(s)));
        }

        void sendBinary(byte[] b) throws IOException {
            write(frame(true, 0, FrameHeader.OP_BINARY, b));
        }

        /** Writes {@code b} in pieces ending at {@code cuts}, flushing and pausing between them. */
        void writeSplit(byte[] b, int... cuts) throws IOException {
            int start = 0;
            for (int cut : cuts) {
                out.write(b, start, cut - start);
                out.flush();
                sleep(1);
                start = cut;
            }
            out.write(b, start, b.length - start);
            out.flush();
        }

        void writeByteByByte(byte[] b) throws IOException {
            for (int i = 0; i < b.length; i++) {
                out.write(b[i]);
                out.flush();
                if (i % 64 == 63) {
                    sleep(1);
                }
            }
        }

        /** One frame; checks what every server frame must be (unmasked, well-formed control frames). */
        Frame readFrame() throws IOException {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            boolean fin = (b0 & 0x80) != 0;
            int rsv = (b0 >> 4) & 7;
            int op = b0 & 0x0F;
            assertEquals(0, b1 & 0x80, "a server frame must not be masked");
            assertEquals(0, rsv, "no extension was negotiated, rsv must be 0");
            long len = b1 & 0x7F;
            if (len == 126) {
                len = in.readUnsignedShort();
                assertTrue(len >= 126, "not the shortest length form: " + len);
            } else if (len == 127) {
                len = in.readLong();
                assertTrue(len > 0xFFFF, "not the shortest length form: " + len);
            }
            if (FrameHeader.isControl(op)) {
                assertTrue(fin, "fragmented control frame from the server");
                assertTrue(len <= 125, "control frame over 125 bytes from the server");
            }
            assertTrue(FrameHeader.isKnown(op), "reserved opcode " + op + " from the server");
            byte[] p = new byte[(int) len];
            in.readFully(p);
            return new Frame(fin, rsv, op, p);
        }

        Message readMessage() throws IOException {
            List<Frame> controls = new ArrayList<>();
            Message m = readMessage(controls);
            assertTrue(controls.isEmpty(), "unexpected control frames " + controls);
            return m;
        }

        /** Reads one whole data message; control frames met on the way go to {@code controls}. */
        Message readMessage(List<Frame> controls) throws IOException {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            int opcode = -1;
            while (true) {
                Frame f = readFrame();
                if (FrameHeader.isControl(f.opcode())) {
                    if (f.opcode() == FrameHeader.OP_CLOSE) {
                        fail("Close while reading a message: " + f);
                    }
                    controls.add(f);
                    continue;
                }
                if (opcode < 0) {
                    assertNotEquals(FrameHeader.OP_CONTINUATION, f.opcode(), "a message must not start with a continuation");
                    opcode = f.opcode();
                } else {
                    assertEquals(FrameHeader.OP_CONTINUATION, f.opcode(), "a new message inside a message");
                }
                data.writeBytes(f.payload());
                if (f.fin()) {
                    return new Message(opcode, data.toByteArray());
                }
            }
        }

        /** Every frame until the server closes the connection; no partial frame may be left. */
        List<Frame> readToEof() throws IOException {
            List<Frame> frames = new ArrayList<>();
            while (true) {
                in.mark(1);
                int b;
                try {
                    b = in.read();
                } catch (SocketException reset) {
                    return frames;
                }
                if (b < 0) {
                    return frames;
                }
                in.reset();
                try {
                    frames.add(readFrame());
                } catch (EOFException e) {
                    fail("the connection ended inside a frame after " + frames);
                }
                if (frames.size() > 1000) {
                    fail("too many frames before EOF");
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    // =============================================================================================
    // frames and payloads
    // =============================================================================================

    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload) {
        return frame(fin, rsv, opcode, payload, true);
    }

    static byte[] frameUnmasked(boolean fin, int rsv, int opcode, byte[] payload) {
        return frame(fin, rsv, opcode, payload, false);
    }

    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] h = FrameHeaderTest.header(fin, rsv, opcode, payload.length, masked ? mask : null);
        byte[] p = masked ? FrameHeaderTest.maskWhole(payload, mask) : payload.clone();
        return concat(h, p);
    }

    /** A masked header alone, announcing {@code length} bytes (negative: the top bit set). */
    static byte[] frameHeader(boolean fin, int rsv, int opcode, long length, boolean masked) {
        return FrameHeaderTest.header(fin, rsv, opcode, length, masked ? new byte[] {1, 2, 3, 4} : null);
    }

    static byte[] closePayload(int code, String reason) {
        return concat(new byte[] {(byte) (code >> 8), (byte) code}, utf8(reason));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... b) {
        return Utf8ValidatorTest.bytes(b);
    }

    /** Valid UTF-8 of exactly {@code n} bytes, with 1- to 4-byte characters. */
    static byte[] text(int n) {
        byte[][] seqs = {utf8("a"), utf8("\u00e9"), utf8("\u20ac"), utf8("\ud83d\ude00"), utf8("Z")};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int i = 0;
        while (b.size() < n) {
            byte[] s = seqs[i++ % seqs.length];
            b.writeBytes(b.size() + s.length <= n ? s : utf8("x"));
        }
        return b.toByteArray();
    }

    static byte[] binary(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static byte[] slice(byte[] b, int from, int len) {
        byte[] s = new byte[len];
        System.arraycopy(b, from, s, 0, len);
        return s;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static void sendQuietly(Client c, byte[] b) {
        try {
            c.write(b);
        } catch (IOException ignored) {
            // the server may be gone already
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
