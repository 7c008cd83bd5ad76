package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.lws4j.core.ws.Frames.frame;
import static org.lws4j.core.ws.Frames.utf8;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lws4j.api.Reason;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.ws.TestProtocol.Mode;
import org.lws4j.core.ws.WsTestClient.Frame;

/**
 * ws-pingpong-secs on the wire: with 1, a WebSocket silent for a second gets a ping, and one still
 * silent after the ping is taken for dead and its TCP connection closed; anything from the client,
 * a pong or data, counts as life. With 0 nobody is pinged.
 */
@Timeout(30)
class WsPingPongSocketTest {
    private static WsTestServer pinging;
    private static WsTestServer quiet;

    @BeforeAll
    static void start() throws IOException {
        pinging = WsTestServer.start(WsTestServer.config(ContextConfig.DEFAULT_WS_MAX, ContextConfig.DEFAULT_WS_MAX, 1),
                new TestProtocol("echo", Mode.ECHO, 0));
        quiet = WsTestServer.start(WsTestServer.config(ContextConfig.DEFAULT_WS_MAX, ContextConfig.DEFAULT_WS_MAX, 0),
                new TestProtocol("echo", Mode.ECHO, 0));
    }

    @AfterAll
    static void stop() {
        if (pinging != null) {
            pinging.close();
        }
        if (quiet != null) {
            quiet.close();
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Test
    void silentClientIsPingedThenDropped() throws IOException {
        String tag = WsTestClient.newTag();
        try (WsTestClient c = pinging.client(tag)) {
            long t0 = System.nanoTime();
            Frame ping = c.readFrame();
            long pingAfter = millisSince(t0);
            assertEquals(FrameHeader.OP_PING, ping.opcode(), "the first frame to an idle client: " + ping);
            assertTrue(pingAfter >= 800 && pingAfter <= 1500, "ping " + pingAfter + " ms after the handshake, not ~1 s");
            long t1 = System.nanoTime();
            List<Frame> rest;
            try {
                rest = c.readToEof();
            } catch (SocketTimeoutException e) {
                fail("still open " + millisSince(t1) + " ms after an unanswered ping");
                return;
            }
            long closedAfter = millisSince(t1);
            assertTrue(closedAfter <= 3000, "closed " + closedAfter + " ms after an unanswered ping");
            for (Frame f : rest) {
                assertTrue(FrameHeader.isControl(f.opcode()), "only control frames before the drop: " + rest);
            }
            assertEquals(1, pinging.protocol("echo").await(tag, Reason.CLOSED, 1).size(), "CLOSED delivered");
        }
    }

    @ParameterizedTest(name = "each ping answered with a {0}")
    @ValueSource(strings = {"pong", "text"})
    void answeringEachPingKeepsTheConnectionOpen(String answer) throws IOException {
        String tag = WsTestClient.newTag();
        try (WsTestClient c = pinging.client(tag)) {
            long t0 = System.nanoTime();
            List<Long> pingsAt = new ArrayList<>();
            int echoes = 0;
            while (millisSince(t0) < 4000) {
                c.socket.setSoTimeout((int) Math.max(1, 4000 - millisSince(t0)));
                Frame f;
                try {
                    f = c.readFrame();
                } catch (SocketTimeoutException e) {
                    break;
                } catch (EOFException | SocketException e) {
                    fail("dropped " + millisSince(t0) + " ms in, after answering " + pingsAt.size() + " pings at " + pingsAt);
                    return;
                }
                if (f.opcode() == FrameHeader.OP_PING) {
                    pingsAt.add(millisSince(t0));
                    c.write(answer.equals("pong") ? frame(true, 0, FrameHeader.OP_PONG, f.payload())
                            : frame(true, 0, FrameHeader.OP_TEXT, utf8("alive")));
                } else if (f.opcode() == FrameHeader.OP_TEXT) {
                    echoes++;
                } else {
                    fail("unexpected " + f + " " + millisSince(t0) + " ms in, pings at " + pingsAt);
                }
            }
            assertTrue(pingsAt.size() >= 2 && pingsAt.size() <= 5, "pings in 4 s at " + pingsAt);
            // still open: a message now is echoed (and counts as life itself)
            c.socket.setSoTimeout(2000);
            c.sendText("still there");
            List<Frame> controls = new ArrayList<>();
            String got;
            do {
                got = c.readMessage(controls).text();
            } while (got.equals("alive"));
            assertEquals("still there", got, "the connection answered after " + pingsAt.size() + " pings");
            if (answer.equals("pong")) {
                assertEquals(pingsAt.size(), pinging.protocol("echo").await(tag, Reason.RECEIVE_PONG, pingsAt.size()).size(),
                        "each pong delivered as RECEIVE_PONG");
            } else {
                assertTrue(echoes >= pingsAt.size() - 1, echoes + " echoes for " + pingsAt.size() + " answers");
            }
        }
    }

    @Test
    void clientThatKeepsTalkingIsNeverPinged() throws IOException {
        try (WsTestClient c = pinging.client()) {
            long t0 = System.nanoTime();
            int n = 0;
            while (millisSince(t0) < 3000) {
                c.sendText("msg " + n);
                List<Frame> controls = new ArrayList<>();
                assertEquals("msg " + n, c.readMessage(controls).text());
                assertTrue(controls.isEmpty(), "pinged " + millisSince(t0) + " ms in though it spoke every 300 ms: "
                        + controls);
                n++;
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Test
    void zeroMeansNoPings() throws IOException {
        try (WsTestClient c = quiet.client()) {
            c.socket.setSoTimeout(2000);
            assertThrows(SocketTimeoutException.class, c::readFrame, "nothing may come to an idle client in 2 s");
            c.sendText("awake");
            assertEquals("awake", c.readMessage().text());
        }
    }
}
