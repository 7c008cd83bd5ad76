package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.core.ws.Frames.binary;
import static org.lws4j.core.ws.Frames.bytes;
import static org.lws4j.core.ws.Frames.closePayload;
import static org.lws4j.core.ws.Frames.concat;
import static org.lws4j.core.ws.Frames.frame;
import static org.lws4j.core.ws.Frames.frameHeader;
import static org.lws4j.core.ws.Frames.frameUnmasked;
import static org.lws4j.core.ws.Frames.slice;
import static org.lws4j.core.ws.Frames.text;
import static org.lws4j.core.ws.Frames.utf8;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lws4j.api.Reason;
import org.lws4j.core.LoopProbe;
import org.lws4j.core.ws.TestProtocol.Event;
import org.lws4j.core.ws.WsTestClient.Frame;

/**
 * Protocol violations on the wire: each framing or UTF-8 violation gets its close code (1002,
 * 1007, 1009), sent whole and byte by byte; nothing follows our Close and nothing sent after the
 * violation is echoed or delivered; invalid UTF-8 fails before the rest of the frame arrives; and
 * the linger after our Close ends promptly on the peer's FIN without spinning.
 */
class WsViolationSocketTest {
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

    static Arguments v(String name, int code, byte[]... frames) {
        return Arguments.of(name, code, concat(frames));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("violations")
    void violationIsClosedWithItsCode(String name, int code, byte[] bytes) throws Exception {
        assertViolation(big, name, code, bytes);
    }

    /**
     * Sends {@code bytes}, then more data (a text frame and a ping), reads to EOF and checks the
     * last frame is our only Close, with {@code code}; the data after the violation is not echoed.
     * Done twice: all in one write, and one byte at a time.
     */
    static void assertViolation(WsTestServer s, String name, int code, byte[] bytes) throws Exception {
        for (boolean byteByByte : new boolean[] {false, true}) {
            String tag = WsTestClient.newTag();
            try (WsTestClient c = s.client(tag)) {
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
    void invalidUtf8FailsFastBeforeTheRestArrives() throws Exception {
        try (WsTestClient c = big.client()) {
            byte[] payload = text(10_000);
            payload[10] = (byte) 0xFF;
            byte[] f = frame(true, 0, FrameHeader.OP_TEXT, payload);
            int headerLen = f.length - payload.length;
            c.write(slice(f, 0, headerLen + 20));
            Frame close = c.readFrame();
            assertEquals(FrameHeader.OP_CLOSE, close.opcode(), close.toString());
            assertEquals(1007, close.code(), "the Close must come before the rest of the message is sent");
            c.writeQuietly(slice(f, headerLen + 20, f.length - headerLen - 20));
            assertTrue(c.readToEof().isEmpty(), "nothing after the Close");
        }
    }

    @Test
    void invalidUtf8AcrossFragmentsFailsFast() throws Exception {
        try (WsTestClient c = big.client()) {
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
            c.writeQuietly(slice(next, 10, next.length - 10));
            assertTrue(c.readToEof().isEmpty(), "nothing after the Close");
        }
    }

    @Test
    void closeIsLastEvenWithAnEchoUnderWay() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (WsTestClient c = big.client()) {
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
        String tag = WsTestClient.newTag();
        long cpu0;
        int clientPort;
        try (WsTestClient c = big.client(tag)) {
            clientPort = c.socket.getLocalPort();
            c.write(concat(frame(true, 4, FrameHeader.OP_TEXT, utf8("rsv1 and a payload")),
                    frame(true, 0, FrameHeader.OP_TEXT, utf8("more"))));
            List<Frame> frames = c.readToEof();
            assertEquals(1002, frames.get(frames.size() - 1).code());
            TcpTable.assertListed(big.port, clientPort);
            cpu0 = serviceCpuNanos();
        } // our FIN goes out here
        // once the kernel has taken our FIN (the server's socket has both FINs), the loop's next
        // select must see it: the linger ends there, not at its 2 s timeout
        TcpTable.await("our FIN at the server's socket", big.port, clientPort,
                state -> state == null || state.equals(TcpTable.TIME_WAIT));
        boolean lingering = LoopProbe.get(LoopProbe.afterNextSelect(big.thread(), t -> LoopProbe.connectionOf(t, clientPort) != null));
        long cpuMillis = (serviceCpuNanos() - cpu0) / 1_000_000;
        assertFalse(lingering, "the connection was still lingering after the loop had selected with the peer's FIN"
                + " there, and the service thread used " + cpuMillis + " ms of CPU meanwhile: the linger does not read"
                + " (bytes left unread in the stash turn rx off) while the selector keeps reporting the socket readable");
        assertTrue(cpuMillis < 500, "the service thread used " + cpuMillis + " ms of CPU between the peer's FIN and the close");
        assertEquals(1, big.protocol("echo").await(tag, Reason.CLOSED, 1).size(), "CLOSED never came");
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
}
