package org.lws4j.jakarta.websocket.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import jakarta.websocket.CloseReason;

/**
 * Tomcat's Jakarta client against annotated endpoints on embedded lws4j: echo of text and
 * binary, path templates and their precedence, path and query parameters, close reasons both
 * ways, an endpoint that throws (1011, or its @OnError), the configurator (origin, header,
 * subprotocol, user properties) and the idle timeout.
 */
class BasicsClientTest {
    private static EmbeddedServer server;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedServer.start(Endpoints.Echo.class, Endpoints.Params.class, Endpoints.Exact.class,
                Endpoints.Lifecycle.class, Endpoints.Handled.class, Endpoints.Configured.class);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void echoesTextAndBinary() throws Exception {
        try (TestClient c = TestClient.connect(server.uri("/echo"))) {
            c.send("hello");
            assertEquals("hello", c.nextText());
            byte[] big = new byte[300_000];
            new java.util.Random(1).nextBytes(big);
            c.session.getBasicRemote().sendBinary(ByteBuffer.wrap(big));
            ByteBuffer back = (ByteBuffer) c.next();
            byte[] got = new byte[back.remaining()];
            back.get(got);
            assertArrayEquals(big, got);
        }
    }

    @Test
    void pathTemplatesAndParameters() throws Exception {
        try (TestClient c = TestClient.connect(server.uri("/params/abc/42?x=1&x=2"))) {
            c.send("m");
            assertEquals("a=abc n=42 q=x=1&x=2 x=[1, 2] msg=m", c.nextText());
        }
        try (TestClient c = TestClient.connect(server.uri("/params/exact/7"))) {
            c.send("m");
            assertEquals("exact", c.nextText(), "an exact path wins over a template");
        }
        assertThrows(Exception.class, () -> TestClient.connect(server.uri("/params/only-one")));
    }

    @Test
    void closeReasonsBothWays() throws Exception {
        Endpoints.EVENTS.clear();
        try (TestClient c = TestClient.connect(server.uri("/lifecycle"))) {
            assertEquals("open null", c.nextText());
            c.send("close server says bye");
            CloseReason r = c.awaitClose();
            assertEquals(4001, r.getCloseCode().getCode());
            assertEquals("server says bye", r.getReasonPhrase());
        }
        assertEquals("close 4001 server says bye", awaitEvent("close 4001"));
        TestClient c = TestClient.connect(server.uri("/lifecycle"));
        c.nextText();
        c.session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(4000), "client says bye"));
        assertEquals("close 4000 client says bye", awaitEvent("close 4000"));
    }

    @Test
    void anEndpointThatThrowsIsClosedWith1011UnlessItHandlesIt() throws Exception {
        Endpoints.EVENTS.clear();
        try (TestClient c = TestClient.connect(server.uri("/lifecycle"))) {
            c.nextText();
            c.send("throw");
            assertEquals(1011, c.awaitClose().getCloseCode().getCode());
        }
        try (TestClient c = TestClient.connect(server.uri("/handled"))) {
            c.send("throw");
            assertEquals("error handled failure", c.nextText());
            c.send("again");
            assertEquals("ok again", c.nextText(), "an error its @OnError handled leaves the session open");
        }
        try (TestClient c = TestClient.connect(server.uri("/echo"))) {
            c.send("others never noticed");
            assertEquals("others never noticed", c.nextText());
        }
    }

    @Test
    void configuratorChangesTheHandshake() throws Exception {
        try (TestClient c = TestClient.connect(server.uri("/configured"), Map.of("X-Via", "test"), "v1", "v2")) {
            assertEquals("sub=v2 via=test", c.nextText());
            assertEquals("v2", c.session.getNegotiatedSubprotocol());
            assertEquals("configured", c.responseHeaders.get(5, TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase("X-Lws4j-Test")).findFirst().orElseThrow().getValue().get(0));
        }
        try (TestClient c = TestClient.connect(server.uri("/configured"), "v1")) {
            assertEquals("sub=v1 via=none", c.nextText(), "user properties are the session's own");
        }
        Exception refused = assertThrows(Exception.class,
                () -> TestClient.connect(server.uri("/configured"), Map.of("Origin", "http://evil.example")));
        assertTrue(String.valueOf(refused.getMessage()).contains("403") || String.valueOf(refused.getCause()).contains("403"),
                "origin refused with 403: " + refused);
    }

    @Test
    void idleTimeoutCloses() throws Exception {
        try (TestClient c = TestClient.connect(server.uri("/lifecycle"))) {
            c.nextText();
            long t0 = System.nanoTime();
            c.send("idle 300");
            assertEquals("idle set", c.nextText());
            CloseReason r = c.awaitClose();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1001, r.getCloseCode().getCode(), r.toString());
            assertTrue(ms >= 250 && ms < 5000, "closed after " + ms + " ms");
        }
    }

    static String awaitEvent(String prefix) throws InterruptedException {
        return Endpoints.EVENTS.await(prefix);
    }
}
