package org.lws4j.protocol.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Connection;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestRequest;
import org.lws4j.testkit.TestVhost;
import org.lws4j.testkit.TestWebSocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * lws-status on the test kit: viewers get the JSON at the 100 ms tick of the virtual clock, again
 * only when the connections changed (their own traffic is no change), at most ten a second.
 */
class StatusProtocolTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final TestContext ctx = new TestContext();
    final TestVhost vhost = ctx.addVhost("localhost");

    StatusProtocolTest() {
        vhost.bind("other", new ProtocolAdapter() {
            @Override
            protected Result onReceive(Connection wsi, ByteBuffer in) {
                return Result.CONTINUE;
            }
        });
        vhost.bind(StatusProtocol.NAME, new StatusProtocol());
    }

    /** One period of the tick, then every socket drains; returns the viewer's messages so far. */
    List<String> tick(TestWebSocket viewer) {
        ctx.advance(StatusProtocol.PERIOD_MS, TimeUnit.MILLISECONDS);
        ctx.drainAll();
        return viewer.texts();
    }

    JsonNode last(TestWebSocket viewer) throws Exception {
        List<String> t = viewer.texts();
        return JSON.readTree(t.get(t.size() - 1));
    }

    TestWebSocket viewer(String userAgent) {
        TestRequest r = TestRequest.get("/").protocols(StatusProtocol.NAME);
        return vhost.openWebSocket(userAgent == null ? r : r.header("User-Agent", userAgent));
    }

    @Test
    void wssOverH2SaysWhetherTheViewersOwnWebSocketRunsOverHttp2() throws Exception {
        TestWebSocket h1 = viewer(null);
        TestWebSocket h2 = vhost.openWebSocket(TestRequest.get("/").version("HTTP/2").protocols(StatusProtocol.NAME));
        tick(h1);
        tick(h2);
        assertEquals("0", last(h1).get("wss_over_h2").asText(), "lws's test page shows it: HTTP/1.1 here");
        assertEquals("1", last(h2).get("wss_over_h2").asText(), "a WebSocket over HTTP/2 (RFC 8441)");
        assertEquals(last(h1).get("server"), last(h2).get("server"), "the rest is the same report");
    }

    @Test
    void aViewerGetsTheJsonAtTheNextTickAndAgainOnlyOnAChange() throws Exception {
        TestWebSocket other = vhost.openWebSocket(TestRequest.get("/").protocols("other"));
        TestWebSocket v = viewer("kit \"browser\"");
        assertTrue(v.texts().isEmpty(), "nothing before the first tick");
        assertEquals(1, tick(v).size());
        JsonNode j = last(v);
        assertTrue(j.get("version").asText().startsWith("lws4j "));
        assertEquals("1", j.get("wsi").asText());
        assertEquals("kit \"browser\"", j.at("/conns/0/ua").asText());
        assertEquals(2, j.at("/server/connections/total").asInt());
        assertEquals("other", j.at("/connections/0/protocol").asText());

        assertEquals(1, tick(v).size(), "no change, no push");
        v.sendText("viewers' messages are ignored");
        assertEquals(1, tick(v).size(), "a viewer's own traffic is no change");

        other.sendText("traffic");
        assertEquals(2, tick(v).size(), "other traffic is");
        assertEquals(1, last(v).at("/connections/0/messages_in").asInt());

        other.sendClose(1000, "");
        assertEquals(3, tick(v).size(), "a connection going is a change");
        assertEquals(1, last(v).at("/server/connections/total").asInt());
    }

    @Test
    void atMostTenAPush() {
        TestWebSocket other = vhost.openWebSocket(TestRequest.get("/").protocols("other"));
        TestWebSocket v = viewer(null);
        for (int i = 0; i < 100; i++) {
            other.sendText("busy");
            ctx.advance(10, TimeUnit.MILLISECONDS);
            ctx.drainAll();
        }
        assertEquals(10, v.texts().size(), "one a tick, however busy the server");
    }

    @Test
    void userAgentsAreCutAndMissingOnesUnknown() throws Exception {
        TestWebSocket a = viewer("u".repeat(400));
        TestWebSocket b = viewer(null);
        tick(a);
        ctx.drainAll();
        JsonNode j = last(b);
        assertEquals(StatusProtocol.MAX_USER_AGENT, j.at("/conns/0/ua").asText().length());
        assertEquals("unknown", j.at("/conns/1/ua").asText());
        assertEquals("2", j.get("wsi").asText());
    }

    @Test
    void viewersThatLeaveAreForgotten() throws Exception {
        TestWebSocket a = viewer("a");
        TestWebSocket b = viewer("b");
        tick(a);
        a.disconnect();
        tick(b);
        assertEquals("1", last(b).get("wsi").asText());
        StatusBoard board = vhost.protocol(StatusProtocol.NAME).data();
        b.disconnect();
        assertEquals(0, board.viewerCount());
        ctx.advance(1, TimeUnit.SECONDS);
        assertTrue(board.latest() == null, "no viewers, no snapshot");
    }
}
