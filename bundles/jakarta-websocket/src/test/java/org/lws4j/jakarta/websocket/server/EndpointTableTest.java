package org.lws4j.jakarta.websocket.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

import org.junit.jupiter.api.Test;

/** The table of deployed endpoints: precedence, vhosts, ranking per shape, take-over, reports. */
class EndpointTableTest {
    @ServerEndpoint("/room/{name}")
    public static class Room {
        @OnMessage
        public String m(String s) {
            return s;
        }
    }

    private final List<String> reports = new ArrayList<>();
    private final JakartaProtocol protocol = new JakartaProtocol(reports::add);
    private final ContainerImpl container = protocol.container();

    private Registration reg(String path, Set<String> vhosts, int ranking, long id) throws Exception {
        return container.registration(Room.class, vhosts, ranking, id, "test " + id, InstanceSource.perSession(), path);
    }

    @Test
    void exactBeforeTemplateAndVhostsRespected() throws Exception {
        Registration any = reg("/room/{name}", null, 0, 1);
        Registration lobby = reg("/room/lobby", null, 0, 2);
        Registration other = reg("/only/{x}", Set.of("other.test"), 0, 3);
        container.deploy(any);
        container.deploy(lobby);
        container.deploy(other);
        EndpointTable t = container.table();
        assertSame(lobby, t.match("/room/lobby", "localhost").registration());
        assertEquals(Map.of("name", "kitchen"), t.match("/room/kitchen", "localhost").pathParameters());
        assertNull(t.match("/only/1", "localhost"), "not on a vhost it does not name");
        assertSame(other, t.match("/only/1", "other.test").registration());
        assertNull(t.match("/nowhere", "localhost"));
    }

    @Test
    void higherRankingServesTheOtherTakesOverWithItsOwnVariableNames() throws Exception {
        Registration low = reg("/room/{a}", null, 0, 1);
        Registration high = reg("/room/{b}", null, 10, 2);
        container.deploy(low);
        container.deploy(high);
        assertTrue(reports.get(reports.size() - 1).contains("shadows"), reports.toString());
        assertSame(high, container.table().match("/room/x", "localhost").registration());
        assertEquals(Map.of("b", "x"), container.table().match("/room/x", "localhost").pathParameters());
        assertFalse(container.table().isWinner(low));
        container.withdraw(high, "test");
        assertTrue(reports.get(reports.size() - 1).contains("takes over"), reports.toString());
        assertSame(low, container.table().match("/room/x", "localhost").registration());
        assertEquals(Map.of("a", "x"), container.table().match("/room/x", "localhost").pathParameters());
    }

    @Test
    void aLowerRankingArrivalIsReportedShadowed() throws Exception {
        container.deploy(reg("/room/{a}", null, 5, 1));
        container.deploy(reg("/room/{z}", null, 1, 2));
        assertTrue(reports.get(reports.size() - 1).contains("is shadowed by"), reports.toString());
    }
}
