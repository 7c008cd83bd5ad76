package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.core.ws.Frames.frame;
import static org.lws4j.core.ws.Frames.utf8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lws4j.api.Connection;
import org.lws4j.api.Handoff;
import org.lws4j.api.HandoffState;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.VhostProtocol;
import org.lws4j.api.WriteMode;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.ws.WsTestClient.Frame;
import org.lws4j.spi.metrics.MetricsSink;

/**
 * A protocol that opts in to handoff keeps its connections over an update: removed, its
 * connections are parked (pings still answered, messages kept); its next version takes each
 * connection's state and the vhost's, and gets what arrived meanwhile in order, a message begun
 * before the update included. Without a next version in time, one that does not opt in, or one
 * that refuses the state: 1001, as without handoff. A handshake for the protocol while it is parked
 * waits for the next version (101 from it), or gets 503 after the grace period.
 */
class WsHandoffSocketTest {
    private static final String NAME = "counter";
    private WsTestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Echoes each whole message as "VERSION:COUNT:MESSAGE", COUNT counting messages over the life
     * of the connection (whichever version served them); pieces are gathered into whole messages.
     */
    static class Counter implements Protocol, Handoff {
        final String version;
        final boolean takesOver;
        final CountDownLatch exported = new CountDownLatch(1);
        /** Counts the pieces of message data this version got. */
        final CountDownLatch pieces = new CountDownLatch(2);
        volatile HandoffState vhostStateSeen;

        Counter(String version, boolean takesOver) {
            this.version = version;
            this.takesOver = takesOver;
        }

        static final class Session {
            long count;
            final StringBuilder partial = new StringBuilder();
            final ArrayDeque<String> out = new ArrayDeque<>();
        }

        @Override
        public Object newSession(Connection wsi) {
            return new Session();
        }

        @Override
        public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
            Session s = wsi.session();
            switch (reason) {
                case RECEIVE:
                    pieces.countDown();
                    s.partial.append(StandardCharsets.UTF_8.decode(in));
                    if (wsi.isFinalFragment()) {
                        s.count++;
                        s.out.add(version + ":" + s.count + ":" + s.partial);
                        s.partial.setLength(0);
                        wsi.requestWriteable();
                    }
                    break;
                case SERVER_WRITEABLE:
                    String m = s.out.poll();
                    if (m != null) {
                        wsi.write(ByteBuffer.wrap(m.getBytes(StandardCharsets.UTF_8)), WriteMode.TEXT, true);
                        if (!s.out.isEmpty()) {
                            wsi.requestWriteable();
                        }
                    }
                    break;
                default:
                    break;
            }
            return Result.CONTINUE;
        }

        @Override
        public HandoffState exportSession(Connection wsi) {
            Session s = wsi.session();
            exported.countDown();
            return HandoffState.of("counter/1").put("count", s.count).put("partial", s.partial.toString())
                    .put("out", new ArrayList<>(s.out));
        }

        @Override
        public HandoffState exportVhost(VhostProtocol binding) {
            return HandoffState.of("counter-vhost/1").put("from", version);
        }

        @Override
        public boolean importVhost(VhostProtocol binding, HandoffState state) {
            vhostStateSeen = state;
            return takesOver;
        }

        @Override
        public boolean importSession(Connection wsi, HandoffState state) {
            if (!state.format().equals("counter/1")) {
                return false;
            }
            Session s = wsi.session();
            s.count = state.getLong("count", 0);
            s.partial.append(state.getString("partial"));
            for (Object o : state.getList("out")) {
                s.out.add((String) o);
            }
            return true;
        }
    }

    private void start(long graceMillis, Counter v1) throws IOException {
        ContextConfig cfg = WsTestServer.config(ContextConfig.DEFAULT_WS_MAX, ContextConfig.DEFAULT_WS_MAX, 0)
                .withOptions(Map.of(ContextConfig.HANDOFF_GRACE_MS, Long.toString(graceMillis)));
        server = WsTestServer.start(cfg, Map.of(NAME, v1));
    }

    private WsTestClient client() throws IOException {
        return WsTestClient.connect(server.port, "/", NAME);
    }

    private static void sendText(WsTestClient c, String s) throws IOException {
        c.write(frame(true, 0, FrameHeader.OP_TEXT, utf8(s)));
    }

    /** Counts what a metrics service hears of parking and handoffs. */
    static final class HandoffCounts implements MetricsSink {
        final CountDownLatch parked = new CountDownLatch(1);
        final CountDownLatch resumed = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void parked(String vhost, String protocol) {
            parked.countDown();
        }

        @Override
        public void handoff(String vhost, String protocol, boolean resumedByNew) {
            (resumedByNew ? resumed : closed).countDown();
        }
    }

    @Test
    void anUpdateKeepsTheConnectionItsCountAndTheMessagesThatCameMeanwhile() throws Exception {
        Counter v1 = new Counter("v1", true);
        start(60_000, v1);
        HandoffCounts counts = new HandoffCounts();
        server.ctx.setMetrics(counts);
        try (WsTestClient c = client()) {
            sendText(c, "a");
            assertEquals("v1:1:a", c.readMessage().text());
            // a message begun before the update, finished after
            c.write(frame(false, 0, FrameHeader.OP_TEXT, utf8("be")));
            assertTrue(v1.pieces.await(10, TimeUnit.SECONDS), "v1 got the first piece of the second message");
            server.ctx.removeProtocol(NAME, v1);
            assertEquals(0, v1.exported.getCount(), "the old version exported the session");
            c.write(frame(true, 0, FrameHeader.OP_CONTINUATION, utf8("fore")));
            sendText(c, "c");
            // still answered while parked: pings
            c.write(frame(true, 0, FrameHeader.OP_PING, utf8("still there?")));
            Frame pong = c.readFrame();
            assertEquals(FrameHeader.OP_PONG, pong.opcode(), pong.toString());
            assertEquals("still there?", new String(pong.payload(), StandardCharsets.UTF_8));

            Counter v2 = new Counter("v2", true);
            server.ctx.addProtocol(NAME, v2, 0, 99);
            assertEquals("v2:2:before", c.readMessage().text(), "the message begun under v1, finished under v2");
            assertEquals("v2:3:c", c.readMessage().text());
            sendText(c, "d");
            assertEquals("v2:4:d", c.readMessage().text());
            assertEquals("v1", v2.vhostStateSeen.getString("from"), "the vhost's state went over too");
            assertTrue(counts.parked.await(5, TimeUnit.SECONDS), "the parked connection counted");
            assertTrue(counts.resumed.await(5, TimeUnit.SECONDS), "the handoff counted");
            assertEquals(1, counts.closed.getCount(), "no parked connection closed");
        }
        assertTrue(server.log.stream().anyMatch(l -> l.contains("took over 1 parked connection(s)")), server.log.toString());
    }

    @Test
    void withoutANextVersionInTimeTheParkedConnectionGets1001() throws Exception {
        Counter v1 = new Counter("v1", true);
        start(200, v1);
        HandoffCounts counts = new HandoffCounts();
        server.ctx.setMetrics(counts);
        try (WsTestClient c = client()) {
            sendText(c, "a");
            assertEquals("v1:1:a", c.readMessage().text());
            server.ctx.removeProtocol(NAME, v1);
            Frame close = c.readFrame();
            assertEquals(FrameHeader.OP_CLOSE, close.opcode());
            assertEquals(1001, close.code());
            assertTrue(counts.closed.await(5, TimeUnit.SECONDS), "the parked connection's close counted");
            assertEquals(0, counts.parked.getCount());
        }
        assertTrue(server.log.stream().anyMatch(l -> l.contains("no new version came within 200 ms")), server.log.toString());
    }

    @Test
    void aNextVersionThatRefusesTheStateClosesWith1001() throws Exception {
        Counter v1 = new Counter("v1", true);
        start(60_000, v1);
        try (WsTestClient c = client()) {
            sendText(c, "a");
            assertEquals("v1:1:a", c.readMessage().text());
            server.ctx.removeProtocol(NAME, v1);
            server.ctx.addProtocol(NAME, new Counter("v2", false), 0, 99);
            Frame close = c.readFrame();
            assertEquals(FrameHeader.OP_CLOSE, close.opcode());
            assertEquals(1001, close.code());
        }
        assertTrue(server.log.stream().anyMatch(l -> l.contains("refused the state")), server.log.toString());
    }

    @Test
    void aNextVersionThatDoesNotOptInClosesWith1001() throws Exception {
        Counter v1 = new Counter("v1", true);
        start(60_000, v1);
        try (WsTestClient c = client()) {
            sendText(c, "a");
            assertEquals("v1:1:a", c.readMessage().text());
            server.ctx.removeProtocol(NAME, v1);
            Protocol plain = (wsi, reason, in) -> Result.CONTINUE;
            server.ctx.addProtocol(NAME, plain, 0, 99);
            Frame close = c.readFrame();
            assertEquals(FrameHeader.OP_CLOSE, close.opcode());
            assertEquals(1001, close.code());
        }
    }

    @Test
    void aProtocolThatDoesNotOptInClosesWith1001AtOnce() throws Exception {
        ContextConfig cfg = WsTestServer.config(ContextConfig.DEFAULT_WS_MAX, ContextConfig.DEFAULT_WS_MAX, 0);
        server = WsTestServer.start(cfg, new TestProtocol("echo", TestProtocol.Mode.ECHO, 0));
        try (WsTestClient c = server.client()) {
            server.ctx.removeProtocol("echo", server.protocol("echo"));
            Frame close = c.readFrame();
            assertEquals(FrameHeader.OP_CLOSE, close.opcode());
            assertEquals(1001, close.code());
        }
    }

    @Test
    void aHandshakeForAParkedProtocolWaitsForTheNextVersion() throws Exception {
        Counter v1 = new Counter("v1", true);
        start(60_000, v1);
        server.ctx.removeProtocol(NAME, v1);
        java.util.concurrent.CompletableFuture<WsTestClient> late = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return client();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            // routed with no protocol bound: without handoff this would be a 503 now
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.log.stream().noneMatch(l -> l.contains("handshake for " + NAME + " waits"))) {
                assertTrue(System.nanoTime() < deadline, "the handshake never waited: " + server.log);
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // polls the log line waited for
            }
            server.ctx.addProtocol(NAME, new Counter("v2", true), 0, 99);
            WsTestClient c = late.get(10, TimeUnit.SECONDS);
            try (c) {
                assertEquals(101, c.status, c.responseHead);
                sendText(c, "x");
                assertEquals("v2:1:x", c.readMessage().text(), "served by the next version");
            }
        } finally {
            late.cancel(true);
        }
    }

    @Test
    void aHandshakeForAProtocolThatStaysAwayGets503AfterTheGrace() throws Exception {
        Counter v1 = new Counter("v1", true);
        start(200, v1);
        server.ctx.removeProtocol(NAME, v1);
        try (WsTestClient c = client()) {
            assertEquals(503, c.status, c.responseHead);
        }
    }
}
