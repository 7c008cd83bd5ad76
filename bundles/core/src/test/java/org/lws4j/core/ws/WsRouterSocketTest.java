package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lws4j.api.CloseStatus;
import org.lws4j.api.Connection;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.api.WsRoute;
import org.lws4j.api.WsRouter;
import org.lws4j.core.config.ContextConfig;

/**
 * Upgrades chosen by path ({@link WsRouter}): a router protocol the vhost does not offer is bound
 * there anyway and takes the paths it wants, answering the subprotocol it picked and headers of
 * its own, with the session it made; paths it passes on go to the choice by name; its refusals
 * and its exceptions answer with a status and harm nothing else; when it goes its connections get
 * 1001 and its paths fall back to the vhost's default protocol.
 */
class WsRouterSocketTest {
    private static WsTestServer server;
    private static final Router ROUTER = new Router("/routed/");

    /** Echoes, prefixing each message with the session the router made for the connection. */
    static final class Router implements Protocol, WsRouter {
        final CompletableFuture<Object> established = new CompletableFuture<>();
        private final String prefix;

        Router(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public WsRoute route(Connection wsi, HttpRequest request) {
            String path = request.path();
            if (path.startsWith("/boom")) {
                throw new IllegalStateException("router bug");
            }
            if (path.startsWith("/forbidden")) {
                return WsRoute.refuse(403, "not for you");
            }
            if (!path.startsWith(prefix)) {
                return null;
            }
            String asked = request.header("sec-websocket-protocol");
            return WsRoute.accept(path.substring(prefix.length()))
                    .subprotocol(asked != null && asked.contains("chat") ? "chat" : null)
                    .header("X-Routed", "yes");
        }

        @Override
        public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
            if (reason == Reason.ESTABLISHED) {
                established.complete(wsi.session());
            } else if (reason == Reason.RECEIVE) {
                byte[] b = new byte[in.remaining()];
                in.get(b);
                wsi.setTimer(0, TimeUnit.MILLISECONDS);
                pending = wsi.session() + ":" + new String(b, java.nio.charset.StandardCharsets.UTF_8);
                wsi.requestWriteable();
            } else if (reason == Reason.SERVER_WRITEABLE && pending != null) {
                wsi.write(ByteBuffer.wrap(pending.getBytes(java.nio.charset.StandardCharsets.UTF_8)), WriteMode.TEXT);
                pending = null;
            }
            return Result.CONTINUE;
        }

        private volatile String pending;
    }

    @BeforeAll
    static void start() throws IOException {
        server = WsTestServer.start(WsTestServer.config(ContextConfig.DEFAULT_WS_MAX, ContextConfig.DEFAULT_WS_MAX, 0),
                new TestProtocol("echo", TestProtocol.Mode.ECHO, 0));
        server.ctx.addProtocol("router", ROUTER, 0, 99);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void routesByPathAndFallsBackByName() throws Exception {
        assertTrue(!server.vhost.protocolNames().contains("router") && server.vhost.binding("router") != null,
                "a router is bound on a vhost that does not offer it");
        try (WsTestClient c = WsTestClient.connect(server.port, "/routed/room1", "superchat, chat")) {
            assertEquals(101, c.status, c.responseHead);
            assertEquals("chat", c.header("sec-websocket-protocol"), c.responseHead);
            assertEquals("yes", c.header("x-routed"), c.responseHead);
            assertEquals("room1", ROUTER.established.get(5, TimeUnit.SECONDS), "the router's session reached ESTABLISHED");
            c.sendText("hi");
            assertEquals("room1:hi", c.readMessage().text());
        }
        try (WsTestClient c = WsTestClient.connect(server.port, "/routed/x", "other")) {
            assertEquals(101, c.status, "a subprotocol no router wants does not refuse: " + c.responseHead);
            assertNull(c.header("sec-websocket-protocol"), c.responseHead);
        }
        try (WsTestClient c = WsTestClient.connect(server.port, "/?tag=" + WsTestClient.newTag(), null)) {
            assertEquals(101, c.status, c.responseHead);
            assertNull(c.header("x-routed"), "passed on to the default protocol: " + c.responseHead);
            c.sendText("plain");
            assertEquals("plain", c.readMessage().text());
        }
    }

    @Test
    void refusalsAndFailuresAnswerWithAStatus() throws Exception {
        try (WsTestClient c = WsTestClient.connect(server.port, "/forbidden", null)) {
            assertEquals(403, c.status, c.responseHead);
        }
        try (WsTestClient c = WsTestClient.connect(server.port, "/boom", null)) {
            assertEquals(500, c.status, c.responseHead);
        }
        assertTrue(server.log.stream().anyMatch(l -> l.contains("failed to route /boom")), "the failure is logged");
        try (WsTestClient c = WsTestClient.connect(server.port, "/routed/after", null)) {
            assertEquals(101, c.status, "the router still serves: " + c.responseHead);
        }
    }

    @Test
    void aRouterThatGoesClosesItsOwnWith1001() throws Exception {
        Router second = new Router("/second/");
        server.ctx.addProtocol("router-2", second, 0, 100);
        try (WsTestClient gone = WsTestClient.connect(server.port, "/second/a", null);
             WsTestClient other = WsTestClient.open(server.port, WsTestClient.newTag(), null)) {
            assertEquals(101, gone.status, gone.responseHead);
            server.ctx.removeProtocol("router-2", second);
            WsTestClient.Frame close = gone.readFrame();
            assertEquals(FrameHeader.OP_CLOSE, close.opcode(), close.toString());
            assertEquals(CloseStatus.GOING_AWAY, ((close.payload()[0] & 0xff) << 8) | (close.payload()[1] & 0xff));
            other.sendText("still here");
            assertEquals("still here", other.readMessage().text());
        }
    }
}
