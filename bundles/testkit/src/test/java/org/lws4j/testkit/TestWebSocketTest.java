package org.lws4j.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Connection;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.VhostProtocol;
import org.lws4j.api.WriteMode;

class TestWebSocketTest {
    /** What a RECEIVE looked like to the protocol. */
    record Piece(String data, boolean first, boolean last, long remaining, boolean binary) {
    }

    /** Records RECEIVEs; echoes each whole text message back from SERVER_WRITEABLE. */
    static final class Recorder extends ProtocolAdapter {
        final List<Piece> pieces = new ArrayList<>();
        final List<String> toSend = new ArrayList<>();
        String pathSeen;
        String agentSeen;
        String pvoSeen;
        int rx;
        boolean pauseOnReceive;

        @Override
        public int rxBufferSize() {
            return rx;
        }

        @Override
        protected Result onProtocolInit(VhostProtocol binding) {
            pvoSeen = binding.option("greeting", "none");
            return Result.CONTINUE;
        }

        @Override
        protected Result onEstablished(Connection wsi, ByteBuffer in) {
            pathSeen = wsi.request().path() + "?" + wsi.request().query();
            agentSeen = wsi.request().header("user-agent");
            return Result.CONTINUE;
        }

        @Override
        protected Result onReceive(Connection wsi, ByteBuffer in) {
            pieces.add(new Piece(UTF_8.decode(in).toString(), wsi.isFirstFragment(), wsi.isFinalFragment(),
                    wsi.remainingPacketPayload(), wsi.isBinary()));
            if (wsi.isFinalFragment()) {
                StringBuilder b = new StringBuilder();
                for (int i = pieces.size() - 1; i >= 0; i--) {
                    b.insert(0, pieces.get(i).data());
                    if (pieces.get(i).first()) {
                        break;
                    }
                }
                toSend.add(b.toString());
                wsi.requestWriteable();
            }
            if (pauseOnReceive) {
                wsi.rxFlowControl(false);
            }
            return Result.CONTINUE;
        }

        @Override
        protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
            if (!toSend.isEmpty()) {
                wsi.write(ByteBuffer.wrap(toSend.remove(0).getBytes(UTF_8)), WriteMode.TEXT);
                if (!toSend.isEmpty()) {
                    wsi.requestWriteable();
                }
            }
            return Result.CONTINUE;
        }
    }

    final TestContext ctx = new TestContext();
    final TestVhost vhost = ctx.addVhost("localhost");
    final Recorder p = new Recorder();

    @Test
    void establishedSeesTheRequestAndThePvoThenHeadersAreGone() {
        vhost.bind("rec", p, Map.of("greeting", "hi"));
        TestWebSocket ws = vhost.openWebSocket(TestRequest.get("/app?x=1").header("User-Agent", "kit").protocols("rec"));
        assertEquals(101, ws.handshakeStatus());
        assertEquals("rec", ws.acceptedProtocol());
        assertEquals("hi", p.pvoSeen);
        assertEquals("/app?x=1", p.pathSeen);
        assertEquals("kit", p.agentSeen);
        assertEquals(List.of(Reason.FILTER_PROTOCOL_CONNECTION, Reason.ESTABLISHED), ws.reasons());
        assertThrows(IllegalStateException.class, ws::request, "headers are released after ESTABLISHED");
    }

    @Test
    void messagesArriveInPiecesOfTheRxSizeWithTheirPlace() {
        p.rx = 4;
        vhost.bind("rec", p);
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.sendText("abcdefghij");
        assertEquals(List.of(new Piece("abcd", true, false, 6, false), new Piece("efgh", false, false, 2, false),
                new Piece("ij", false, true, 0, false)), p.pieces);
        p.pieces.clear();
        ws.sendTextFragments("ab", "cdefg", "");
        assertEquals(List.of(new Piece("ab", true, false, 0, false), new Piece("cdef", false, false, 1, false),
                new Piece("g", false, false, 0, false), new Piece("", false, true, 0, false)), p.pieces);
        assertNull(ws.nextMessage(), "nothing is written until the socket drains");
        assertEquals(2, ws.drain());
        assertEquals(List.of("abcdefghij", "abcdefg"), ws.texts());
    }

    @Test
    void thePvoOverridesTheRxSize() {
        p.rx = 4;
        vhost.bind("rec", p, Map.of("rx-buffer-size", "3"));
        vhost.openWebSocket("/").sendBinary("abcdefg".getBytes(UTF_8));
        assertEquals(3, p.pieces.size());
        assertTrue(p.pieces.get(0).binary());
    }

    @Test
    void pausedReadingHoldsWhatArrivesAndResumesInOrder() {
        p.rx = 2;
        p.pauseOnReceive = true;
        vhost.bind("rec", p);
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.sendText("abcd").sendText("ef");
        assertEquals(1, p.pieces.size(), "the rest of the frame waits while paused");
        assertTrue(ws.isRxPaused());
        p.pauseOnReceive = false;
        Connection c = ws;
        // resume from a task another thread hands in: waits for runTasks
        Thread t = new Thread(() -> c.execute(() -> c.rxFlowControl(true)));
        t.start();
        join(t);
        assertEquals(1, p.pieces.size());
        assertEquals(1, ctx.runTasks());
        assertEquals(List.of("ab", "cd", "ef"), p.pieces.stream().map(Piece::data).toList());
    }

    @Test
    void writesOutsideWriteableThrowAsTheCoresDoAndCloseTheConnection() {
        ProtocolAdapter eager = new ProtocolAdapter() {
            @Override
            protected Result onReceive(Connection wsi, ByteBuffer in) {
                wsi.write(ByteBuffer.wrap(new byte[] {1}), WriteMode.BINARY);
                return Result.CONTINUE;
            }
        };
        vhost.bind("eager", eager);
        TestWebSocket ws = vhost.openWebSocket("/");
        CallbackFailure f = assertThrows(CallbackFailure.class, () -> ws.sendText("x"));
        assertInstanceOf(IllegalStateException.class, f.getCause());
        assertTrue(f.getCause().getMessage().contains("SERVER_WRITEABLE"), f.getCause().getMessage());
        assertEquals(Reason.RECEIVE, f.reason());
        assertTrue(ws.isClosed());
        assertEquals(Reason.CLOSED, ws.reasons().get(ws.reasons().size() - 1));
        assertTrue(ws.frames().isEmpty());
    }

    @Test
    void writeableComesOnlyWhenAskedAndTheSocketDrains() {
        vhost.bind("rec", p);
        TestWebSocket ws = vhost.openWebSocket("/");
        assertFalse(ws.writeable(), "not asked");
        ws.sendText("one");
        ws.sendText("two");
        assertTrue(ws.wantsWriteable());
        assertTrue(ws.writeable());
        assertEquals(List.of("one"), ws.texts());
        assertEquals(1, ws.drain());
        assertEquals(List.of("one", "two"), ws.texts());
        ws.forceWriteable(); // an unasked WRITEABLE writes nothing here
        assertEquals(2, ws.messages().size());
    }

    @Test
    void aFullSocketChokesTheSendPipeUntilItDrains() {
        ProtocolAdapter burst = new ProtocolAdapter() {
            @Override
            protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
                int n = 0;
                while (!wsi.sendPipeChoked() && n < 10) {
                    wsi.write(ByteBuffer.wrap(new byte[100]), WriteMode.BINARY);
                    n++;
                }
                wsi.requestWriteable();
                return Result.CONTINUE;
            }

            @Override
            protected Result onEstablished(Connection wsi, ByteBuffer in) {
                wsi.requestWriteable();
                return Result.CONTINUE;
            }
        };
        vhost.bind("burst", burst);
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.socketBuffer(250);
        assertTrue(ws.writeable());
        assertEquals(2, ws.messages().size(), "two fit; the third waits in the core");
        assertEquals(102, ws.queuedBytes());
        assertTrue(ws.writeable());
        assertEquals(4, ws.messages().size(), "the waiting one, then one more before the socket is full again");
        assertEquals(102, ws.queuedBytes());
    }

    @Test
    void closeHandshakesEitherWay() {
        ProtocolAdapter closer = new ProtocolAdapter() {
            @Override
            protected Result onReceive(Connection wsi, ByteBuffer in) {
                wsi.close(4001, "bye now");
                return Result.CLOSE;
            }
        };
        vhost.bind("closer", closer);
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.sendText("x");
        assertEquals(4001, ws.closeCode());
        assertEquals("bye now", ws.closeReason());
        assertTrue(ws.isClosed(), "the client answered the Close");
        assertEquals(Reason.CLOSED, ws.reasons().get(ws.reasons().size() - 1));

        TestWebSocket other = vhost.openWebSocket("/");
        other.sendClose(3000, "done");
        assertEquals(List.of(Reason.FILTER_PROTOCOL_CONNECTION, Reason.ESTABLISHED, Reason.WS_PEER_INITIATED_CLOSE,
                Reason.CLOSED), other.reasons());
        assertEquals(3000, other.closeCode(), "the core echoes the client's Close");
        assertThrows(IllegalStateException.class, () -> other.sendText("late"));
    }

    @Test
    void pingsArePongedByTheCoreAndPongsReachTheProtocol() {
        vhost.bind("rec", p);
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.ping("p1".getBytes(UTF_8)).pong("u".getBytes(UTF_8));
        assertArrayEquals("p1".getBytes(UTF_8), ws.pongs().get(0));
        assertEquals(Reason.RECEIVE_PONG, ws.reasons().get(2));
    }

    @Test
    void invalidUtf8FailsTheConnectionWith1007() {
        vhost.bind("rec", p);
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.sendFrame(WriteMode.TEXT, true, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28});
        assertEquals(1007, ws.closeCode());
        assertTrue(p.pieces.isEmpty());
        assertTrue(ws.isClosed());
    }

    @Test
    void theProtocolIsPickedAsTheCorePicksIt() {
        vhost.offer("absent", Map.of());
        vhost.bind("rec", p);
        assertEquals(503, vhost.openWebSocket("/").handshakeStatus(), "the default (first offered) is not bound");
        assertEquals(101, vhost.openWebSocket(TestRequest.get("/").protocols("nope", "rec")).handshakeStatus());
        assertEquals(400, vhost.openWebSocket(TestRequest.get("/").protocols("nope")).handshakeStatus());
        assertEquals(503, vhost.openWebSocket(TestRequest.get("/").protocols("absent")).handshakeStatus());
        ProtocolAdapter picky = new ProtocolAdapter() {
            @Override
            protected Result onFilterProtocolConnection(Connection wsi, ByteBuffer in) {
                return wsi.request().header("origin") == null ? Result.CLOSE : Result.CONTINUE;
            }
        };
        vhost.bind("picky", picky, Map.of("default", "1"));
        assertEquals(403, vhost.openWebSocket("/").handshakeStatus());
        assertEquals(101, vhost.openWebSocket(TestRequest.get("/").header("Origin", "x")).handshakeStatus());
    }

    @Test
    void unbindingClosesWith1001AfterClosed() {
        TestBinding b = vhost.bind("rec", p);
        TestWebSocket ws = b.openWebSocket("/");
        vhost.unbind("rec");
        assertEquals(1001, ws.closeCode());
        assertTrue(ws.isClosed());
        assertEquals(Reason.CLOSED, ws.reasons().get(ws.reasons().size() - 1));
        assertEquals(List.of(Reason.PROTOCOL_INIT, Reason.PROTOCOL_DESTROY), b.reasons());
        assertFalse(b.isLive());
    }

    @Test
    void connectionMethodsOffTheServiceThreadThrow() {
        vhost.bind("rec", p);
        TestWebSocket ws = vhost.openWebSocket("/");
        Throwable[] got = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                ws.requestWriteable();
            } catch (Throwable e) {
                got[0] = e;
            }
        });
        t.start();
        join(t);
        assertInstanceOf(IllegalStateException.class, got[0]);
    }

    static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertFalse(t.isAlive());
    }
}
