package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.core.ws.Frames.concat;
import static org.lws4j.core.ws.Frames.frame;
import static org.lws4j.core.ws.Frames.utf8;

import java.io.IOException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lws4j.api.Reason;

/**
 * The upgrade on the wire: the 101 response and its accept key, the subprotocol answered, a
 * version we do not speak refused with 426, and frames that arrive in the handshake's packet.
 */
class WsHandshakeSocketTest {
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

    @Test
    void handshakeResponse() throws IOException {
        try (WsTestClient c = WsTestClient.connect(big.port, "/?tag=" + WsTestClient.newTag(), null)) {
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
        String tag = WsTestClient.newTag();
        try (WsTestClient c = WsTestClient.connect(big.port, "/?tag=" + tag, "nope, second-echo, echo")) {
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
        try (WsTestClient c = WsTestClient.connectRaw(big.port, "/", null, "8")) {
            assertEquals(426, c.status, c.responseHead);
            assertEquals("13", c.header("sec-websocket-version"), c.responseHead);
        }
    }

    @Test
    void framesInTheSamePacketAsTheHandshake() throws IOException {
        byte[] frames = concat(frame(true, 0, FrameHeader.OP_TEXT, utf8("first")),
                frame(true, 0, FrameHeader.OP_BINARY, new byte[] {9, 8, 7}));
        try (WsTestClient c = WsTestClient.connect(big.port, "/?tag=" + WsTestClient.newTag(), null, "13", frames)) {
            assertEquals(101, c.status, c.responseHead);
            assertEquals("first", c.readMessage().text());
            assertArrayEquals(new byte[] {9, 8, 7}, c.readMessage().data());
        }
    }
}
