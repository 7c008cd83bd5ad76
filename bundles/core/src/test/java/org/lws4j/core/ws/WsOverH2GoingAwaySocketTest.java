package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lws4j.api.WriteMode;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.h2.ErrorCode;
import org.lws4j.core.h2.Frame;
import org.lws4j.core.http.H2TestClient;
import org.lws4j.core.ws.TestProtocol.Mode;
import org.lws4j.spi.extension.Extension;
import org.lws4j.spi.extension.ExtensionOffer;
import org.lws4j.spi.extension.ExtensionSession;

/**
 * WebSockets over HTTP/2 streams when what they run on goes: the vhost (the server stopping does
 * the same for every vhost) or an extension they negotiated. Each stream ends as a WebSocket over
 * HTTP/1.1 does (1001, then the close handshake), the connection says GOAWAY when it is the
 * vhost's, and what stays keeps serving.
 */
@Timeout(60)
class WsOverH2GoingAwaySocketTest {
    private WsTestServer server;

    @BeforeEach
    void start() throws IOException {
        server = WsTestServer.start(WsTestServer.config(ContextConfig.DEFAULT_WS_MAX, ContextConfig.DEFAULT_WS_MAX, 0),
                new TestProtocol("echo", Mode.ECHO, 0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void connect(H2TestClient c, int id, String... more) throws IOException {
        String[] base = {":method", "CONNECT", ":protocol", "websocket", ":scheme", "http", ":path", "/",
                ":authority", "localhost", "sec-websocket-version", "13", "sec-websocket-protocol", "echo"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        c.send(c.headers(id, false, all));
    }

    /** Sends "hi" on the stream and reads its echo; returns the echo's length on the wire. */
    private static int echo(H2TestClient c, int id) throws IOException {
        c.send(H2TestClient.data(id, Frames.frame(true, 0, FrameHeader.OP_TEXT, Frames.utf8("hi")), false));
        byte[] echo = Frames.frameUnmasked(true, 0, FrameHeader.OP_TEXT, Frames.utf8("hi"));
        H2TestClient.Response r = c.awaitBody(id, echo.length);
        assertEquals(java.util.Arrays.toString(echo), java.util.Arrays.toString(r.body.toByteArray()));
        return echo.length;
    }

    /** The close frame the server sent on the stream after {@code at} octets: its status code. */
    private static int closeCode(H2TestClient c, int id, int at) throws IOException {
        byte[] b = c.awaitBody(id, at + 4).body.toByteArray();
        assertTrue(b.length >= at + 4, "a close frame on stream " + id + ": " + b.length + " octets");
        assertEquals(0x88, b[at] & 0xff, "a close frame");
        return (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }

    @Test
    void aRemovedVhostsWebSocketStreamClosesWith1001AndTheConnectionGoesAwayAfterIt() throws IOException {
        try (H2TestClient c = new H2TestClient(server.port).open(List.of())) {
            connect(c, 1);
            assertEquals(200, c.awaitBody(1, 0).status());
            int at = echo(c, 1);
            assertTrue(server.ctx.removeVhost(server.vhost.config().name(), server.port));
            Frame.GoAway g = c.awaitGoAway();
            assertNotNull(g, "GOAWAY as the vhost goes");
            assertEquals(1, g.lastStreamId(), g.toString());
            assertEquals(ErrorCode.NO_ERROR.code, g.errorCode(), g.toString());
            assertEquals(1001, closeCode(c, 1, at), "the WebSocket is told the server goes away, as over HTTP/1.1");
            // the client answers the close: the stream ends, and with it the connection
            c.send(H2TestClient.data(1, Frames.frame(true, 0, FrameHeader.OP_CLOSE, new byte[] {0x03, (byte) 0xe8}), false));
            assertTrue(c.awaitEnd(), "the connection closes once its stream is done");
            H2TestClient.Response r1 = c.await(1);
            // END_STREAM, then (the client had not ended its side) RST_STREAM NO_ERROR as RFC 9113 8.1 allows
            assertTrue(r1.ended, "stream 1 ended with END_STREAM");
            assertTrue(r1.reset < 0 || r1.reset == ErrorCode.NO_ERROR.code, "and was not cut: reset " + r1.reset);
        }
    }

    @Test
    void anExtensionGoingAwayClosesItsStreamsWith1001AndTheConnectionGoesOn() throws IOException {
        Extension identity = new IdentityExtension();
        server.ctx.addExtension("x-identity", identity, 0, 77L);
        try (H2TestClient c = new H2TestClient(server.port).open(List.of())) {
            connect(c, 1, "sec-websocket-extensions", "x-identity");
            H2TestClient.Response r = c.awaitBody(1, 0);
            assertEquals(200, r.status());
            assertEquals("x-identity", r.header("sec-websocket-extensions"));
            connect(c, 3); // without the extension
            assertEquals(200, c.awaitBody(3, 0).status());
            int at = echo(c, 1);
            int at3 = echo(c, 3);
            server.ctx.removeExtension("x-identity", identity);
            assertEquals(1001, closeCode(c, 1, at), "the stream that negotiated the extension is closed");
            // the stream without it goes on echoing
            c.send(H2TestClient.data(3, Frames.frame(true, 0, FrameHeader.OP_TEXT, Frames.utf8("hi")), false));
            byte[] twice = c.awaitBody(3, 2 * at3).body.toByteArray();
            assertEquals(2 * at3, twice.length, "the second echo on stream 3, and nothing else");
            assertEquals(0x81, twice[at3] & 0xff, "a text frame, not a close");
            c.get(5, "/");
            assertTrue(c.await(5).status() > 0, "the connection still serves");
        }
    }

    @Test
    void theShellListsEachStreamUnderItsSocketAndClosesOne() throws IOException {
        try (H2TestClient c = new H2TestClient(server.port).open(List.of())) {
            connect(c, 1);
            assertEquals(200, c.awaitBody(1, 0).status());
            int at = echo(c, 1);
            String text = new org.lws4j.core.osgi.LwsCommands(server.ctx, null).connectionsText(null);
            assertTrue(text.endsWith("1 connection and 1 HTTP/2 stream\n"), text);
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("(?m)^(\\d+)\\s+localhost\\s+echo\\s+websocket h2 stream 1 of (\\d+)\\s").matcher(text);
            assertTrue(m.find(), text);
            long id = Long.parseLong(m.group(1));
            assertTrue(text.matches("(?s).*\\n" + m.group(2) + "\\s+localhost\\s+-\\s+http\\s.*"), "and its socket: " + text);
            assertTrue(server.ctx.closeConnection(id, 4000, "bye"), "lws:close takes a stream's id");
            assertEquals(4000, closeCode(c, 1, at), "the stream's WebSocket is closed with the code given");
        }
    }

    /** Negotiates and changes nothing: enough to be a WebSocket's extension that can go away. */
    private static final class IdentityExtension implements Extension {
        @Override
        public ExtensionSession accept(List<ExtensionOffer> offers, ExtensionSession.Limits limits) {
            return new ExtensionSession() {
                @Override
                public ExtensionOffer response() {
                    return new ExtensionOffer("x-identity", java.util.Map.of());
                }

                @Override
                public int rsvBits() {
                    return 0x40;
                }

                @Override
                public boolean decode(ByteBuffer in, boolean last, Sink out) {
                    return out.accept(in);
                }

                @Override
                public boolean transforms(WriteMode mode, int length) {
                    return false;
                }

                @Override
                public ByteBuffer encode(ByteBuffer in, boolean last) {
                    return in;
                }

                @Override
                public boolean setOption(String option, String value) {
                    return false;
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
