package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.core.ws.Frames.binary;
import static org.lws4j.core.ws.Frames.concat;
import static org.lws4j.core.ws.Frames.frame;
import static org.lws4j.core.ws.Frames.frameHeader;
import static org.lws4j.core.ws.Frames.many;
import static org.lws4j.core.ws.Frames.slice;
import static org.lws4j.core.ws.Frames.text;
import static org.lws4j.core.ws.WsTestServer.SMALL_FRAME;
import static org.lws4j.core.ws.WsTestServer.SMALL_MESSAGE;
import static org.lws4j.core.ws.WsViolationSocketTest.assertViolation;
import static org.lws4j.core.ws.WsViolationSocketTest.v;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.ws.WsTestClient.Frame;

/**
 * ws-max-frame-size and ws-max-message-size on the wire (the "small" server: frames up to
 * {@value WsTestServer#SMALL_FRAME} bytes, messages up to {@value WsTestServer#SMALL_MESSAGE}):
 * exactly the limit passes, one byte more is closed with 1009 as soon as the header that crosses
 * it arrives; and the ContextConfig constructors that carry the limits.
 */
class WsSizeLimitSocketTest {
    private static WsTestServer small;

    @BeforeAll
    static void start() throws IOException {
        small = WsTestServer.startSmall();
    }

    @AfterAll
    static void stop() {
        if (small != null) {
            small.close();
        }
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

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("sizeViolations")
    void sizeLimitsAreClosedWith1009(String name, int code, byte[] bytes) throws Exception {
        assertViolation(small, name, code, bytes);
    }

    @Test
    void limitsAllowExactlyTheirSize() throws IOException {
        try (WsTestClient c = small.client()) {
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
    void oversizedFrameFailsOnItsHeader() throws Exception {
        try (WsTestClient c = small.client()) {
            c.write(frameHeader(true, 0, FrameHeader.OP_BINARY, SMALL_FRAME + 1, true));
            Frame close = c.readFrame();
            assertEquals(1009, close.code(), "Close 1009 on the header alone");
            c.writeQuietly(new byte[SMALL_FRAME + 1]);
            assertTrue(c.readToEof().isEmpty());
        }
    }

    @Test
    void oversizedMessageFailsOnTheHeaderThatCrossesTheLimit() throws Exception {
        try (WsTestClient c = small.client()) {
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
            c.writeQuietly(new byte[501]);
            assertTrue(c.readToEof().isEmpty());
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
}
