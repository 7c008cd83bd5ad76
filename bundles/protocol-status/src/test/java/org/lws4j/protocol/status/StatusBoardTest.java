package org.lws4j.protocol.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lws4j.api.ConnectionInfo;
import org.lws4j.api.Context;
import org.lws4j.api.Role;
import org.lws4j.api.Vhost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class StatusBoardTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final List<ConnectionInfo> conns = new ArrayList<>();
    final Context ctx = context();

    Context context() {
        Vhost v = (Vhost) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Vhost.class},
                (p, m, a) -> switch (m.getName()) {
                    case "name" -> "localhost";
                    case "port" -> 7681;
                    case "iface" -> null;
                    case "isSecure" -> false;
                    case "protocolNames" -> List.of("dumb-increment-protocol", "lws-status");
                    case "mounts" -> List.of();
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (Context) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Context.class},
                (p, m, a) -> switch (m.getName()) {
                    case "connections" -> List.copyOf(conns);
                    case "vhosts" -> List.of(v);
                    case "serverString" -> "lws4j";
                    case "startMillis" -> 1_000_000L;
                    case "serviceThreads" -> 2;
                    case "limits" -> Map.of("max-http-body", 1024L);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    static ConnectionInfo conn(long id, String protocol, Role role, long in, long out) {
        return new ConnectionInfo(id, "localhost", protocol, role, false, false, "127.0.0.1:" + (40000 + id), 1_000_500L, in, out, in / 10, out / 10);
    }

    JsonNode json(StatusBoard b) throws Exception {
        return JSON.readTree(new String(b.latest().json(), StandardCharsets.US_ASCII));
    }

    @Test
    void nothingIsMadeWithoutViewersAndEveryChangeMakesOneSnapshot() throws Exception {
        StatusBoard b = new StatusBoard(ctx, "0.1.0", "host");
        conns.add(conn(1, "dumb-increment-protocol", Role.WEBSOCKET, 100, 200));
        assertFalse(b.tick(2_000_000L));
        assertNull(b.latest());

        conns.add(conn(2, StatusProtocol.NAME, Role.WEBSOCKET, 300, 0));
        b.join(new StatusBoard.Viewer(2, "127.0.0.1", 1_900_000L, "Chromium \"headless\"\n<x>"));
        assertTrue(b.tick(2_000_000L));
        assertEquals(1, b.latest().version());
        assertFalse(b.tick(2_000_100L), "nothing changed");

        // the viewers' own traffic (what the pushes cost) is no change
        conns.set(1, conn(2, StatusProtocol.NAME, Role.WEBSOCKET, 310, 5000));
        assertFalse(b.tick(2_000_200L));

        // other traffic is
        conns.set(0, conn(1, "dumb-increment-protocol", Role.WEBSOCKET, 100, 260));
        assertTrue(b.tick(2_000_300L));
        assertEquals(2, b.latest().version());
        JsonNode j = json(b);
        assertEquals(60 + 10 + 5000, j.at("/server/traffic/bytes_out").asLong() + j.at("/server/traffic/bytes_in").asLong());
        assertEquals(6 + 1 + 500, j.at("/server/traffic/messages_out").asLong() + j.at("/server/traffic/messages_in").asLong());

        // a connection coming or going is
        conns.add(conn(3, null, Role.HTTP, 0, 0));
        assertTrue(b.tick(2_000_400L));
        conns.remove(2);
        assertTrue(b.tick(2_000_500L));
        assertEquals(4, b.latest().version());

        b.leave(2);
        assertFalse(b.tick(2_000_600L));
        assertNull(b.latest(), "no viewers, no snapshot");
    }

    @Test
    void theJsonHasLwssMembersThenTheServerAndEveryConnection() throws Exception {
        StatusBoard b = new StatusBoard(ctx, "0.1.0", "host");
        conns.add(conn(5, "dumb-increment-protocol", Role.WEBSOCKET, 100, 200));
        conns.add(conn(2, StatusProtocol.NAME, Role.WEBSOCKET, 300, 0));
        conns.add(conn(9, null, Role.RAW_SOCKET, 1, 2));
        String ua = "Mozilla \"x\" \\ \u00e9\u2028\ud800 <b>\u0001";
        b.join(new StatusBoard.Viewer(2, "127.0.0.1", 1_900_000L, ua));
        assertTrue(b.tick(2_000_000L));
        byte[] raw = b.latest().json();
        for (byte x : raw) {
            assertTrue(x >= 0x20 && x < 0x7f, "plain printable ASCII");
        }
        JsonNode j = json(b);
        assertEquals("lws4j 0.1.0", j.get("version").asText());
        assertEquals("0", j.get("wss_over_h2").asText());
        assertEquals("host", j.get("hostname").asText());
        assertEquals("1", j.get("wsi").asText());
        assertEquals("127.0.0.1", j.at("/conns/0/peer").asText());
        assertEquals("1900", j.at("/conns/0/time").asText());
        assertEquals(ua, j.at("/conns/0/ua").asText());

        assertEquals("lws4j", j.at("/server/name").asText());
        assertEquals(1_000_000L, j.at("/server/uptime_ms").asLong());
        assertEquals(2, j.at("/server/threads").asInt());
        assertEquals(1024, j.at("/server/limits/max-http-body").asLong());
        assertEquals(7681, j.at("/server/vhosts/0/port").asInt());
        assertEquals("lws-status", j.at("/server/vhosts/0/protocols/1").asText());
        assertEquals(3, j.at("/server/connections/total").asInt());
        assertEquals(2, j.at("/server/connections/by_role/websocket").asInt());
        assertEquals(1, j.at("/server/connections/by_role/raw-socket").asInt());
        assertEquals(1, j.at("/server/connections/by_protocol/dumb-increment-protocol").asInt());

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
        StatusBoard b = new StatusBoard(ctx, "0.1.0", "host");
        for (int i = 0; i < StatusJson.MAX_LISTED + 7; i++) {
            conns.add(conn(i, "x", Role.WEBSOCKET, i, i));
        }
        b.join(new StatusBoard.Viewer(1, "127.0.0.1", 0, "ua"));
        b.tick(2_000_000L);
        JsonNode j = json(b);
        assertEquals(StatusJson.MAX_LISTED, j.get("connections").size());
        assertEquals(7, j.get("omitted").asInt());
        assertEquals(StatusJson.MAX_LISTED + 7, j.at("/server/connections/total").asInt());
    }

    @Test
    void userAgentsCannotBreakTheJson() throws Exception {
        StatusBoard b = new StatusBoard(ctx, "0.1.0", "host");
        String ua = "q\"\\\n\t\u0000\u007f\u00ff \u20ac \ud83d\ude00 }]";
        b.join(new StatusBoard.Viewer(1, "127.0.0.1", 0, ua));
        b.tick(2_000_000L);
        byte[] raw = b.latest().json();
        for (byte x : raw) {
            assertTrue(x >= 0x20, "ASCII with no raw control characters only, got " + x);
        }
        assertEquals(ua, json(b).at("/conns/0/ua").asText());
    }
}
