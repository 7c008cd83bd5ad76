package org.lws4j.protocol.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lws4j.api.ConnectionInfo;
import org.lws4j.api.Role;
import org.lws4j.testkit.TestContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON document, rendered from a test kit context (its vhosts, limits, start) and connection
 * lists made up for each case. What a viewer gets and when is StatusProtocolTest's.
 */
class StatusJsonTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final TestContext ctx = new TestContext(1_000_000L).limit("max-http-body", 1024);
    final List<ConnectionInfo> conns = new ArrayList<>();
    String raw;

    StatusJsonTest() {
        ctx.addVhost("localhost").offer("dumb-increment-protocol", Map.of()).offer(StatusProtocol.NAME, Map.of());
    }

    static ConnectionInfo conn(long id, String protocol, Role role, long in, long out) {
        return new ConnectionInfo(id, "localhost", protocol, role, false, false, "127.0.0.1:" + (40000 + id), 1_000_500L,
                in, out, in / 10, out / 10);
    }

    JsonNode render(List<StatusBoard.Viewer> viewers) throws Exception {
        String json = StatusJson.render(ctx, "0.1.0", "host", viewers, conns, new StatusJson.Traffic(70, 5060, 1, 506),
                2_000_000L);
        for (char c : json.toCharArray()) {
            assertTrue(c >= 0x20 && c < 0x80, "ASCII with no raw control characters, got " + (int) c);
        }
        raw = json;
        return JSON.readTree(json);
    }

    @Test
    void theJsonHasLwssMembersThenTheServerAndEveryConnection() throws Exception {
        conns.add(conn(5, "dumb-increment-protocol", Role.WEBSOCKET, 100, 200));
        conns.add(conn(2, StatusProtocol.NAME, Role.WEBSOCKET, 300, 0));
        conns.add(conn(9, null, Role.RAW_SOCKET, 1, 2));
        String ua = "Mozilla \"x\" \\ \u00e9\u2028\ud800 <b>\u0001";
        JsonNode j = render(List.of(new StatusBoard.Viewer(2, "127.0.0.1", 1_900_000L, ua)));
        assertTrue(raw.chars().allMatch(c -> c < 0x7f), "plain printable ASCII");
        assertEquals("lws4j 0.1.0", j.get("version").asText());
        assertEquals("0", j.get("wss_over_h2").asText());
        assertEquals("host", j.get("hostname").asText());
        assertEquals("1", j.get("wsi").asText());
        assertEquals("127.0.0.1", j.at("/conns/0/peer").asText());
        assertEquals("1900", j.at("/conns/0/time").asText());
        assertEquals(ua, j.at("/conns/0/ua").asText());

        assertEquals("lws4j", j.at("/server/name").asText());
        assertEquals(1_000_000L, j.at("/server/uptime_ms").asLong());
        assertEquals(1, j.at("/server/threads").asInt());
        assertEquals(1024, j.at("/server/limits/max-http-body").asLong());
        assertEquals(7681, j.at("/server/vhosts/0/port").asInt());
        assertEquals("lws-status", j.at("/server/vhosts/0/protocols/1").asText());
        assertEquals(3, j.at("/server/connections/total").asInt());
        assertEquals(2, j.at("/server/connections/by_role/websocket").asInt());
        assertEquals(1, j.at("/server/connections/by_role/raw-socket").asInt());
        assertEquals(1, j.at("/server/connections/by_protocol/dumb-increment-protocol").asInt());
        assertEquals(5130, j.at("/server/traffic/bytes_in").asLong() + j.at("/server/traffic/bytes_out").asLong());

        assertEquals(3, j.get("connections").size());
        assertEquals(2, j.at("/connections/0/id").asLong(), "oldest (lowest id) first");
        JsonNode di = j.at("/connections/1");
        assertEquals(5, di.get("id").asLong());
        assertEquals("dumb-increment-protocol", di.get("protocol").asText());
        assertEquals("websocket", di.get("role").asText());
        assertEquals("127.0.0.1:40005", di.get("peer").asText());
        assertEquals(999_500L, di.get("age_ms").asLong());
        assertEquals(100, di.get("bytes_in").asLong());
        assertEquals(200, di.get("bytes_out").asLong());
        assertEquals(10, di.get("messages_in").asLong());
        assertEquals(20, di.get("messages_out").asLong());
        assertTrue(j.at("/connections/2/protocol").isNull());
        assertEquals(0, j.get("omitted").asInt());
    }

    @Test
    void longListsAreCut() throws Exception {
        for (int i = 0; i < StatusJson.MAX_LISTED + 7; i++) {
            conns.add(conn(i, "x", Role.WEBSOCKET, i, i));
        }
        JsonNode j = render(List.of(new StatusBoard.Viewer(1, "127.0.0.1", 0, "ua")));
        assertEquals(StatusJson.MAX_LISTED, j.get("connections").size());
        assertEquals(7, j.get("omitted").asInt());
        assertEquals(StatusJson.MAX_LISTED + 7, j.at("/server/connections/total").asInt());
    }

    @Test
    void userAgentsCannotBreakTheJson() throws Exception {
        String ua = "q\"\\\n\t\u0000\u007f\u00ff \u20ac \ud83d\ude00 }]";
        JsonNode j = render(List.of(new StatusBoard.Viewer(1, "127.0.0.1", 0, ua)));
        assertEquals(ua, j.at("/conns/0/ua").asText());
    }

    @Test
    void aHandoffInProgressShowsWithItsParkedConnections() throws Exception {
        JsonNode j = render(List.of());
        assertFalse(j.at("/server/connections/handoff_in_progress").asBoolean());
        assertEquals(0, j.at("/server/connections/parked").size());
        ctx.parked("lws-mirror-protocol", 12);
        j = render(List.of());
        assertTrue(j.at("/server/connections/handoff_in_progress").asBoolean());
        assertEquals(12, j.at("/server/connections/parked/lws-mirror-protocol").asInt());
    }

    @Test
    void theGroupBrokerShowsWithItsState() throws Exception {
        JsonNode j = render(List.of());
        assertEquals("none", j.at("/server/group_broker/state").asText(), "no broker: groups deliver on this node only");
        ctx.groupBroker("connecting", "redis://127.0.0.1:6379 reconnecting in 2 s");
        j = render(List.of());
        assertEquals("connecting", j.at("/server/group_broker/state").asText());
        assertEquals("redis://127.0.0.1:6379 reconnecting in 2 s", j.at("/server/group_broker/detail").asText());
    }
}
