package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lws4j.api.ConnectionInfo;
import org.lws4j.api.Role;
import org.lws4j.core.LoopProbe;
import org.lws4j.core.h2.ErrorCode;
import org.lws4j.core.h2.Frame;
import org.lws4j.core.h2.Setting;
import org.lws4j.core.http.H2TestClient;

/**
 * WebSocket over HTTP/2 (RFC 8441): SETTINGS_ENABLE_CONNECT_PROTOCOL, an extended CONNECT with
 * {@code :protocol websocket} answered 200 with the chosen subprotocol, WebSocket frames both
 * ways in DATA, the close handshake ending the stream; other streams go on beside it.
 */
@Timeout(60)
class WsOverH2SocketTest {
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

    private static void connect(H2TestClient c, int id, String protocol) throws IOException {
        c.send(c.headers(id, false, ":method", "CONNECT", ":protocol", "websocket", ":scheme", "http", ":path", "/",
                ":authority", "localhost", "sec-websocket-version", "13", "sec-websocket-protocol", protocol));
    }

    @Test
    void anEchoOverAStream() throws IOException {
        try (H2TestClient c = new H2TestClient(big.port).open(List.of())) {
            Frame.Settings s = c.awaitControl(Frame.Settings.class);
            assertTrue(s.values().contains(new Setting(Setting.ENABLE_CONNECT_PROTOCOL, 1)));
            connect(c, 1, "echo");
            H2TestClient.Response r = c.awaitBody(1, 0);
            assertEquals(200, r.status(), r.headers.toString());
            assertEquals("echo", r.header("sec-websocket-protocol"));
            assertEquals(null, r.header("sec-websocket-accept"));

            c.send(H2TestClient.data(1, Frames.frame(true, 0, FrameHeader.OP_TEXT, Frames.utf8("hello over h2")), false));
            byte[] expected = Frames.frameUnmasked(true, 0, FrameHeader.OP_TEXT, Frames.utf8("hello over h2"));
            r = c.awaitBody(1, expected.length);
            assertArrayEquals(expected, r.body.toByteArray());

            // a plain request beside it
            c.get(3, "/");
            assertTrue(c.await(3).status() > 0);

            byte[] big64k = Frames.binary(50_000); // within the stream's window, in frames of at most 16 KiB
            byte[] frame = Frames.frame(true, 0, FrameHeader.OP_BINARY, big64k);
            for (int off = 0; off < frame.length; off += 16_384) {
                c.send(H2TestClient.data(1, Arrays.copyOfRange(frame, off, Math.min(frame.length, off + 16_384)), false));
            }
            // the echo may come back in fragments (as the DATA frames brought it): join their payloads
            java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
            int at = expected.length;
            boolean fin = false;
            while (!fin) {
                r = c.awaitBody(1, at + 10);
                byte[] b = r.body.toByteArray();
                int len = b[at + 1] & 0x7f;
                int hl = 2;
                if (len == 126) {
                    len = (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
                    hl = 4;
                } else if (len == 127) {
                    len = (int) java.nio.ByteBuffer.wrap(b, at + 2, 8).getLong();
                    hl = 10;
                }
                r = c.awaitBody(1, at + hl + len);
                b = r.body.toByteArray();
                fin = (b[at] & 0x80) != 0;
                message.write(b, at + hl, len);
                at += hl + len;
            }
            assertArrayEquals(big64k, message.toByteArray());

            int before = r.body.size();
            c.send(H2TestClient.data(1, Frames.frame(true, 0, FrameHeader.OP_CLOSE, Frames.closePayload(1000, "bye")), true));
            r = c.await(1);
            byte[] all = r.body.toByteArray();
            assertTrue(all.length > before, "a close frame came back");
            assertEquals(0x88, all[before] & 0xff, "the server's close frame");
            assertTrue(r.ended || r.reset == ErrorCode.NO_ERROR.code, "the stream ended");
        }
    }

    @Test
    void aProtocolCanTellItServesOverHttp2() throws Exception {
        String tag = WsTestClient.newTag();
        try (H2TestClient c = new H2TestClient(big.port).open(List.of())) {
            c.send(c.headers(1, false, ":method", "CONNECT", ":protocol", "websocket", ":scheme", "http",
                    ":path", "/?tag=" + tag, ":authority", "localhost", "sec-websocket-version", "13",
                    "sec-websocket-protocol", "echo"));
            assertEquals(200, c.awaitBody(1, 0).status());
            // the echo shows the connection established (and so registered under its tag)
            c.send(H2TestClient.data(1, Frames.frame(true, 0, FrameHeader.OP_TEXT, Frames.utf8("v")), false));
            c.awaitBody(1, Frames.frameUnmasked(true, 0, FrameHeader.OP_TEXT, Frames.utf8("v")).length);
            assertEquals("HTTP/2", big.protocol("echo").connections.get(tag).httpVersion());
        }
        String tag1 = WsTestClient.newTag();
        try (WsTestClient c1 = big.client(tag1)) {
            c1.sendText("over HTTP/1.1");
            c1.readMessage();
            assertEquals("HTTP/1.1", big.protocol("echo").connections.get(tag1).httpVersion());
        }
    }

    @Test
    void aWebSocketStreamIsListedWithTheConnections() throws IOException {
        // the status page and lws:connections list a WebSocket over HTTP/2 as one over HTTP/1.1
        try (H2TestClient c = new H2TestClient(big.port).open(List.of())) {
            connect(c, 1, "echo");
            assertEquals(200, c.awaitBody(1, 0).status());
            c.send(H2TestClient.data(1, Frames.frame(true, 0, FrameHeader.OP_TEXT, Frames.utf8("listed?")), false));
            c.awaitBody(1, Frames.frameUnmasked(true, 0, FrameHeader.OP_TEXT, Frames.utf8("listed?")).length);
            List<ConnectionInfo> streams = streamsOf("echo");
            assertEquals(1, streams.size(), big.ctx.connections().toString());
            assertEquals(Role.WEBSOCKET, streams.get(0).role());
            assertTrue(streams.get(0).peer().startsWith("127.0.0.1:"), streams.get(0).toString());
            assertEquals(1, streams.get(0).messagesIn(), streams.get(0).toString());
        }
        LoopProbe.until("the stream's connection no longer listed", () -> streamsOf("echo").isEmpty());
    }

    /** The listed connections of {@code protocol} that are HTTP/2 streams (their ids are above 2^31). */
    private static List<ConnectionInfo> streamsOf(String protocol) {
        return big.ctx.connections().stream()
                .filter(i -> protocol.equals(i.protocol()) && i.id() > Integer.MAX_VALUE).toList();
    }

    @Test
    void anUnknownSubprotocolIsRefusedOnItsStreamOnly() throws IOException {
        try (H2TestClient c = new H2TestClient(big.port).open(List.of())) {
            connect(c, 1, "no-such-protocol");
            H2TestClient.Response r = c.awaitBody(1, 0);
            assertTrue(r.status() >= 400, "status " + r.status());
            connect(c, 3, "echo");
            assertEquals(200, c.awaitBody(3, 0).status());
        }
    }

    @Test
    void aProtocolGoingAwayClosesItsStreamsWith1001AndTheConnectionGoesOn() throws IOException {
        try (H2TestClient c = new H2TestClient(big.port).open(List.of())) {
            connect(c, 1, "second-echo");
            assertEquals(200, c.awaitBody(1, 0).status());
            c.send(H2TestClient.data(1, Frames.frame(true, 0, FrameHeader.OP_TEXT, Frames.utf8("hi")), false));
            byte[] echo = Frames.frameUnmasked(true, 0, FrameHeader.OP_TEXT, Frames.utf8("hi"));
            c.awaitBody(1, echo.length);
            TestProtocol p = big.protocol("second-echo");
            big.ctx.removeProtocol("second-echo", p);
            try {
                H2TestClient.Response r = c.awaitBody(1, echo.length + 4);
                byte[] b = r.body.toByteArray();
                assertEquals(0x88, b[echo.length] & 0xff, "a close frame");
                assertEquals(1001, (b[echo.length + 2] & 0xff) << 8 | b[echo.length + 3] & 0xff);
                c.get(3, "/");
                assertTrue(c.await(3).status() > 0, "the connection still serves");
            } finally {
                big.ctx.addProtocol("second-echo", p, 0, 99L);
            }
        }
    }
}
