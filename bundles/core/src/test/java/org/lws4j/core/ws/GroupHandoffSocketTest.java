package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lws4j.api.Connection;
import org.lws4j.api.Groups;
import org.lws4j.api.Handoff;
import org.lws4j.api.HandoffState;
import org.lws4j.api.VhostProtocol;
import org.lws4j.core.LoopProbe;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.group.GroupTable;

/**
 * Groups belong to the server, so a protocol's update keeps them: its next version joins each
 * connection to its group again and finds its place, its held message and the messages it has not
 * written, as the old version left them. Nothing is lost, nothing comes twice.
 */
class GroupHandoffSocketTest {
    private WsTestServer server;
    private final List<WsTestClient> clients = new ArrayList<>();

    /** The group protocol with handoff: a session goes over as its group's name and whether it is slow. */
    static final class Updatable extends GroupProtocol implements Handoff {
        @Override
        public HandoffState exportSession(Connection wsi) {
            Session s = wsi.session();
            return HandoffState.of("group-test/1").put("group", s.member.group()).put("slow", s.slow);
        }

        @Override
        public HandoffState exportVhost(VhostProtocol binding) {
            return null;
        }

        @Override
        public boolean importVhost(VhostProtocol binding, HandoffState state) {
            return true;
        }

        @Override
        public boolean importSession(Connection wsi, HandoffState state) {
            Session s = wsi.session();
            s.slow = state.getBoolean("slow", false);
            s.member = wsi.groups().join(wsi, state.getString("group"));
            return true;
        }
    }

    @AfterEach
    void stop() throws IOException {
        for (WsTestClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private WsTestClient member(String query) throws IOException {
        WsTestClient c = WsTestClient.connect(server.port, "/?" + query, GroupProtocol.NAME);
        clients.add(c);
        assertEquals(101, c.status, c.responseHead);
        return c;
    }

    private Groups.GroupInfo info(String group) {
        for (GroupTable.Row r : server.ctx.groups().rows()) {
            if (r.info().name().equals(group)) {
                return r.info();
            }
        }
        return null;
    }

    private static List<String> texts(WsTestClient c, int n) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new String(c.readMessage().data(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void anUpdateKeepsMembersPlacesAndHeldWritersAndLosesNothing() throws IOException {
        ContextConfig cfg = new ContextConfig(2, "lws4j-test", 5, 0, 0, 0, 4096, 8, 1 << 20,
                org.lws4j.api.LogLevel.ERR.bit() | org.lws4j.api.LogLevel.WARN.bit() | org.lws4j.api.LogLevel.NOTICE.bit(), 0, 0)
                .withOptions(Map.of(ContextConfig.HANDOFF_GRACE_MS, "60000"));
        Updatable v1 = new Updatable();
        server = WsTestServer.start(cfg, Map.of(GroupProtocol.NAME, v1));
        WsTestClient writer = member("group=h");
        WsTestClient slow = member("group=h&slow=1");
        WsTestClient late = member("group=h");
        LoopProbe.until("three members", () -> info("h") != null && info("h").connections() == 3);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < Groups.RING + 10; i++) {
            sent.add("m" + i);
            writer.sendText("m" + i);
        }
        assertEquals(sent.subList(0, Groups.RING), texts(writer, Groups.RING));
        assertEquals(sent.subList(0, 10), texts(late, 10), "late reads ten, the rest waits in the ring for it");
        LoopProbe.until("the writer held", () -> info("h").held() == 1);

        server.ctx.removeProtocol(GroupProtocol.NAME, v1);
        server.ctx.addProtocol(GroupProtocol.NAME, new Updatable(), 0, 99);
        LoopProbe.until("the update logged",
                () -> server.log.stream().anyMatch(l -> l.contains("took over 3 parked connection(s)")));
        assertEquals(1, info("h").held(), "still held under the new version");
        assertEquals(3, info("h").connections());

        assertEquals(sent.subList(10, Groups.RING), texts(late, Groups.RING - 10),
                "what late had not read came after the update, from the same ring");
        slow.sendText("go");
        assertEquals(sent, texts(slow, sent.size()), "the slow member got everything, once");
        assertEquals(sent.subList(Groups.RING, sent.size()), texts(writer, 10), "the held writer went on");
        assertEquals(sent.subList(Groups.RING, sent.size()), texts(late, 10));
        late.sendText("after");
        for (WsTestClient c : List.of(writer, slow, late)) {
            assertEquals(List.of("after"), texts(c, 1), "nothing twice");
        }
    }
}
