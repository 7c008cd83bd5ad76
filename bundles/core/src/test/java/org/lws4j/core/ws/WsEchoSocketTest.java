package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.core.ws.Frames.binary;
import static org.lws4j.core.ws.Frames.concat;
import static org.lws4j.core.ws.Frames.frame;
import static org.lws4j.core.ws.Frames.slice;
import static org.lws4j.core.ws.Frames.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.lws4j.api.Reason;
import org.lws4j.core.ws.TestProtocol.Event;
import org.lws4j.core.ws.WsTestClient.Message;

/**
 * Echo on the wire: every length form, text and binary, whole, split at every byte boundary and
 * one byte at a time; fragmented messages; and delivery to the protocol in rx-buffer-sized pieces
 * with the right first/final/remaining flags.
 */
class WsEchoSocketTest {
    static final int[] LENGTHS = {0, 1, 125, 126, 65535, 65536};

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
        try (WsTestClient c = big.client()) {
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
        try (WsTestClient c = big.client()) {
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
        try (WsTestClient c = big.client()) {
            byte[] f = frame(true, 0, FrameHeader.OP_TEXT, payload);
            c.writeByteByByte(f);
            assertArrayEquals(payload, c.readMessage().data());
        }
    }

    @Test
    void fragmentedMessageEchoedWhole() throws Exception {
        byte[] all = text(3000);
        try (WsTestClient c = big.client()) {
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
        String tag = WsTestClient.newTag();
        try (WsTestClient c = big.client(tag)) {
            c.write(concat(frame(false, 0, FrameHeader.OP_BINARY, new byte[] {1, 2}),
                    frame(true, 0, FrameHeader.OP_CONTINUATION, new byte[0])));
            assertArrayEquals(new byte[] {1, 2}, c.readMessage().data());
            List<Event> rx = big.protocol("echo").await(tag, Reason.RECEIVE, 2);
            assertTrue(rx.get(0).first() && !rx.get(0).last(), rx.toString());
            assertTrue(!rx.get(1).first() && rx.get(1).last() && rx.get(1).data().length == 0, rx.toString());
            assertTrue(rx.get(0).binary() && rx.get(1).binary(), "isBinary for the whole message");
        }
    }

    @Test
    void rxBufferSizeCutsAMessageIntoPieces() throws Exception {
        TestProtocol p = big.protocol("small-rx");
        for (int way = 0; way < 3; way++) {
            String tag = WsTestClient.newTag();
            try (WsTestClient c = WsTestClient.open(big.port, tag, "small-rx")) {
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
        String tag = WsTestClient.newTag();
        try (WsTestClient c = WsTestClient.open(big.port, tag, "small-rx")) {
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
}
