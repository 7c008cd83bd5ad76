package org.lws4j.core.ws;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.lws4j.core.ws.Frames.frame;
import static org.lws4j.core.ws.Frames.utf8;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lws4j.api.Reason;
import org.lws4j.core.LoopProbe;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.ws.TestProtocol.Mode;
import org.lws4j.core.ws.WsTestClient.Frame;

/**
 * ws-pingpong-secs on the wire: with 1, a WebSocket silent for a second gets a ping, and one still
 * silent after the ping is taken for dead and its TCP connection closed; anything from the client,
 * a pong or data, counts as life. With 0 nobody is pinged.
 *
 * <p>What the server's clock did is checked with timers of the test's own on the service thread
 * ({@link LoopProbe#afterTimers}), and what the client sees only against bounds that follow from
 * cause and effect (a ping comes at least a second after the client last spoke), never against a
 * window a busy machine can miss. One dependency on time is the behaviour itself: a client that
 * answers each ping must get its answer to the server within the second.
 */
@Timeout(60)
class WsPingPongSocketTest {
    /** A ping frame as the server sends it: header and "lws". */
    private static final int PING_BYTES = 5;

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

    /** Bytes the server has sent on the connection of the client on {@code port}; -1 once it is gone. */
    private static long bytesSent(ServiceThread t, int port) {
        ConnectionImpl s = LoopProbe.connectionOf(t, port);
        return s == null ? -1 : s.bytesOut();
    }

    @Test
    void silentClientIsPingedThenDropped() throws IOException {
        String tag = WsTestClient.newTag();
        long t0 = System.nanoTime(); // before the connection, so before the server's ping clock starts
        try (WsTestClient c = pinging.client(tag)) {
            int port = c.socket.getLocalPort();
            // the ping is due a second after the handshake: a check due after that sees it sent
            long sent = LoopProbe.get(LoopProbe.afterTimers(pinging.thread(), SECONDS.toNanos(1), t -> bytesSent(t, port)));
            assertTrue(sent >= c.responseHead.length() + PING_BYTES, "no ping 1 s after the handshake: the server sent "
                    + sent + " bytes, the 101 response has " + c.responseHead.length());
            Frame ping = c.readFrame();
            long pingAfter = millisSince(t0);
            assertEquals(FrameHeader.OP_PING, ping.opcode(), "the first frame to an idle client: " + ping);
            assertTrue(pingAfter >= 1000, "ping " + pingAfter + " ms after the handshake, before the 1 s interval");
            // still silent a second after the ping (sent before it was read here): dropped by then
            long left = LoopProbe.get(LoopProbe.afterTimers(pinging.thread(), SECONDS.toNanos(1), t -> bytesSent(t, port)));
            assertEquals(-1, left, "still open a second after an unanswered ping");
            List<Frame> rest = c.readToEof();
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
        long lastSpoke = System.nanoTime(); // the server's clock starts after this, at the handshake
        try (WsTestClient c = pinging.client(tag)) {
            long t0 = lastSpoke;
            List<Long> pingsAt = new ArrayList<>();
            int echoes = 0;
            while (pingsAt.size() < 3) {
                Frame f;
                try {
                    f = c.readFrame();
                } catch (EOFException | SocketException e) {
                    fail("dropped " + millisSince(t0) + " ms in, after answering " + pingsAt.size() + " pings at " + pingsAt);
                    return;
                }
                if (f.opcode() == FrameHeader.OP_PING) {
                    long quiet = millisSince(lastSpoke);
                    assertTrue(quiet >= 1000, "pinged " + quiet + " ms after it last spoke, pings at " + pingsAt);
                    pingsAt.add(millisSince(t0));
                    lastSpoke = System.nanoTime();
                    c.write(answer.equals("pong") ? frame(true, 0, FrameHeader.OP_PONG, f.payload())
                            : frame(true, 0, FrameHeader.OP_TEXT, utf8("alive")));
                } else if (f.opcode() == FrameHeader.OP_TEXT) {
                    echoes++;
                } else {
                    fail("unexpected " + f + " " + millisSince(t0) + " ms in, pings at " + pingsAt);
                }
            }
            // still open: a message now is echoed (and counts as life itself)
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
            long spoke = t0;
            for (int n = 0; n < 10; n++) {
                long before = spoke;
                spoke = System.nanoTime();
                c.sendText("msg " + n);
                List<Frame> controls = new ArrayList<>();
                assertEquals("msg " + n, c.readMessage(controls).text());
                // a ping read now was sent before the echo; a server may send one only after a
                // second without a word from the client, so only if it spoke that long ago before this
                long gap = millisSince(before);
                assertTrue(controls.isEmpty() || gap >= 1000, "pinged " + millisSince(t0) + " ms in though it had spoken "
                        + gap + " ms before: " + controls);
                // the client's rhythm (it speaks every 300 ms), not a wait for anything
                LockSupport.parkNanos(MILLISECONDS.toNanos(300));
            }
        }
    }

    @Test
    void zeroMeansNoPings() throws IOException {
        try (WsTestClient c = quiet.client()) {
            int port = c.socket.getLocalPort();
            // every timer the server set at the handshake for 2 s or less has run by then
            long sent = LoopProbe.get(LoopProbe.afterTimers(quiet.thread(), SECONDS.toNanos(2), t -> bytesSent(t, port)));
            assertEquals(c.responseHead.length(), sent, "nothing may come to an idle client in 2 s: bytes sent after the 101");
            c.sendText("awake");
            assertEquals("awake", c.readMessage().text());
        }
    }
}
