package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lws4j.api.GroupSubscription;
import org.lws4j.api.Groups;
import org.lws4j.api.LogLevel;
import org.lws4j.core.LoopProbe;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.group.GroupTable;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.spi.group.GroupBroker;
import org.lws4j.spi.group.GroupSink;

/**
 * The core's broadcast groups over real sockets, two service threads: order, back-pressure (a slow
 * member holds the writer back, nothing is dropped; its leaving lets the writer go), separation by
 * vhost and protocol, listener members, and the group broker's side of the contract (each local
 * message to the broker once, each remote one to the local members once and never back, live
 * removal, the bounded backlog for a full group).
 */
class GroupSocketTest {
    private static final int LOG_MASK = LogLevel.ERR.bit() | LogLevel.WARN.bit() | LogLevel.NOTICE.bit();
    private final List<WsTestClient> clients = new ArrayList<>();
    private WsTestServer server;

    private WsTestServer start() throws IOException {
        Map<String, org.lws4j.api.Protocol> ps = new LinkedHashMap<>();
        ps.put(GroupProtocol.NAME, new GroupProtocol());
        ps.put("group-test-2", new GroupProtocol());
        server = WsTestServer.start(new ContextConfig(2, "lws4j-test", 5, 0, 0, 0, 4096, 8, 1 << 20, LOG_MASK, 0, 0),
                ps);
        return server;
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

    private WsTestClient member(int port, String protocol, String query) throws IOException {
        WsTestClient c = WsTestClient.connect(port, "/?" + query, protocol);
        clients.add(c);
        assertEquals(101, c.status, c.responseHead);
        return c;
    }

    private WsTestClient member(String query) throws IOException {
        return member(server.port, GroupProtocol.NAME, query);
    }

    private static String text(WsTestClient c) throws IOException {
        WsTestClient.Message m = c.readMessage();
        assertEquals(FrameHeader.OP_TEXT, m.opcode());
        return new String(m.data(), StandardCharsets.UTF_8);
    }

    private static List<String> texts(WsTestClient c, int n) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(text(c));
        }
        return out;
    }

    private GroupTable table() {
        return server.ctx.groups();
    }

    private Groups.GroupInfo info(String protocol, String group) {
        for (GroupTable.Row r : table().rows()) {
            if (r.scope().equals(protocol) && r.info().name().equals(group)) {
                return r.info();
            }
        }
        return null;
    }

    /** Waits until the group has {@code n} connection members (joins happen at ESTABLISHED, after the 101). */
    private void awaitMembers(String group, int n) {
        LoopProbe.until(n + " members in group " + group, () -> {
            Groups.GroupInfo i = info(GroupProtocol.NAME, group);
            return i != null && i.connections() == n;
        });
    }

    @Test
    void everyMemberGetsEveryMessageOnceInEachSendersOrder() throws IOException {
        start();
        List<WsTestClient> g1 = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            g1.add(member("group=g1"));
        }
        WsTestClient other = member("group=g2");
        awaitMembers("g1", 4);
        for (int n = 0; n < 30; n++) {
            for (int s = 0; s < 3; s++) {
                g1.get(s).sendText("s" + s + "-" + n);
            }
        }
        for (WsTestClient c : g1) {
            List<String> got = texts(c, 90);
            for (int s = 0; s < 3; s++) {
                List<String> mine = new ArrayList<>();
                for (String t : got) {
                    if (t.startsWith("s" + s + "-")) {
                        mine.add(t);
                    }
                }
                List<String> want = new ArrayList<>();
                for (int n = 0; n < 30; n++) {
                    want.add("s" + s + "-" + n);
                }
                assertEquals(want, mine, "sender " + s + "'s messages, once each and in order");
            }
        }
        other.sendText("only-g2");
        assertEquals("only-g2", text(other), "nothing of g1 reached g2");
        assertEquals(90, info(GroupProtocol.NAME, "g1").published());
    }

    @Test
    void aSlowMemberHoldsTheWriterBackAndNothingIsDropped() throws IOException {
        start();
        WsTestClient writer = member("group=bp");
        WsTestClient slow = member("group=bp&slow=1");
        awaitMembers("bp", 2);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < Groups.RING + 10; i++) {
            sent.add("m" + i);
            writer.sendText("m" + i);
        }
        assertEquals(sent.subList(0, Groups.RING), texts(writer, Groups.RING), "the ring's worth comes back");
        LoopProbe.until("the writer held", () -> info(GroupProtocol.NAME, "bp").held() == 1);
        assertEquals(Groups.RING, info(GroupProtocol.NAME, "bp").published(), "the rest waits, unread, in its socket");
        slow.sendText("go");
        assertEquals(sent, texts(slow, sent.size()), "the slow member gets everything");
        assertEquals(sent.subList(Groups.RING, sent.size()), texts(writer, 10), "the writer goes on");
        assertEquals(0, info(GroupProtocol.NAME, "bp").held());
    }

    @Test
    void aSlowMemberLeavingLetsTheHeldWriterGoOn() throws IOException {
        start();
        WsTestClient writer = member("group=lv");
        WsTestClient slow = member("group=lv&slow=1");
        WsTestClient gone = member("group=lv&slow=1");
        awaitMembers("lv", 3);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < Groups.RING + 10; i++) {
            sent.add("m" + i);
            writer.sendText("m" + i);
        }
        assertEquals(sent.subList(0, Groups.RING), texts(writer, Groups.RING));
        LoopProbe.until("the writer held", () -> info(GroupProtocol.NAME, "lv").held() == 1);
        slow.sendText("leave"); // leaves the group, stays connected
        gone.close(); // its connection ends: it leaves too
        assertEquals(sent.subList(Groups.RING, sent.size()), texts(writer, 10));
        assertEquals(1, info(GroupProtocol.NAME, "lv").connections());
    }

    @Test
    void groupsOfOneNameOnTwoVhostsOrTwoProtocolsStayApart() throws IOException {
        start();
        int port2 = secondVhost();
        WsTestClient a = member("group=same");
        WsTestClient onOtherVhost = member(port2, GroupProtocol.NAME, "group=same");
        WsTestClient ofOtherProtocol = member(server.port, "group-test-2", "group=same");
        LoopProbe.until("the three joined", () -> table().rows().stream()
                .filter(r -> r.info().name().equals("same") && r.info().connections() == 1).count() == 3);
        a.sendText("from a");
        assertEquals("from a", text(a));
        onOtherVhost.sendText("vhost 2");
        assertEquals("vhost 2", text(onOtherVhost), "nothing from the first vhost's group came before");
        ofOtherProtocol.sendText("protocol 2");
        assertEquals("protocol 2", text(ofOtherProtocol), "nothing from the first protocol's group came before");
        a.sendText("again");
        assertEquals("again", text(a), "nor the other way");
    }

    /** A second vhost on its own port offering the group protocol. */
    private int secondVhost() throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = s.getLocalPort();
            }
            VhostImpl v = server.ctx.addVhost(new VhostConfig("ws-test-2", "second", port, "127.0.0.1", 5, List.of(),
                    Map.of(GroupProtocol.NAME, Map.of()), Map.of(), Map.of()));
            if (v != null) {
                return port;
            }
        }
        throw new IOException("no free port");
    }

    @Test
    void aListenerGetsEveryMessageAndPublishFromOutsideReachesTheMembers() throws IOException {
        start();
        Groups groups = table().scope("localhost", GroupProtocol.NAME);
        Queue<String> heard = new ConcurrentLinkedQueue<>();
        GroupSubscription sub = groups.subscribe("l", (g, p, bin) -> heard.add(g + ":" + StandardCharsets.UTF_8.decode(p)));
        WsTestClient a = member("group=l");
        awaitMembers("l", 1);
        a.sendText("one");
        assertEquals("one", text(a));
        assertTrue(groups.publish("l", ByteBuffer.wrap("from outside".getBytes(StandardCharsets.UTF_8)), false));
        assertEquals("from outside", text(a));
        assertEquals(List.of("l:one", "l:from outside"), new ArrayList<>(heard));
        sub.cancel();
        assertEquals(0, info(GroupProtocol.NAME, "l").listeners());
    }

    /** A broker for the core's side of the SPI: records what it is given, plays other nodes through the sink. */
    private static class TestBroker implements GroupBroker {
        record Published(String vhost, String group, String text, boolean binary) {
        }

        final Queue<Published> published = new ConcurrentLinkedQueue<>();
        volatile GroupSink sink;
        volatile boolean closed;

        @Override
        public void open(GroupSink s) {
            sink = s;
        }

        @Override
        public void publish(String vhost, String group, ByteBuffer payload, boolean binary) {
            published.add(new Published(vhost, group, StandardCharsets.UTF_8.decode(payload.duplicate()).toString(), binary));
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public State state() {
            return closed ? State.CLOSED : State.CONNECTED;
        }

        @Override
        public String describe() {
            return "test://broker";
        }

        void remote(String vhost, String group, String text) {
            sink.deliver(vhost, group, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), false);
        }
    }

    @Test
    void withABrokerLocalMessagesGoOutOnceAndRemoteOnesReachLocalMembersOnce() throws IOException {
        start();
        TestBroker broker = new TestBroker();
        server.ctx.setGroupBroker(broker);
        assertTrue(broker.sink != null, "opened");
        WsTestClient a = member("group=x");
        WsTestClient b = member("group=x");
        awaitMembers("x", 2);
        for (int i = 0; i < 5; i++) {
            a.sendText("a" + i);
        }
        List<String> five = List.of("a0", "a1", "a2", "a3", "a4");
        assertEquals(five, texts(a, 5));
        assertEquals(five, texts(b, 5));
        List<TestBroker.Published> out = new ArrayList<>(broker.published);
        assertEquals(5, out.size(), "each local message to the broker once");
        for (int i = 0; i < 5; i++) {
            assertEquals(new TestBroker.Published("localhost", GroupProtocol.NAME + "/x", "a" + i, false), out.get(i));
        }
        broker.remote("localhost", GroupProtocol.NAME + "/x", "r1");
        broker.remote("localhost", GroupProtocol.NAME + "/x", "r2");
        broker.remote("localhost", GroupProtocol.NAME + "/nobody-here", "dropped");
        broker.remote("second", GroupProtocol.NAME + "/x", "other vhost");
        a.sendText("a5");
        assertEquals(List.of("r1", "r2", "a5"), texts(a, 3));
        assertEquals(List.of("r1", "r2", "a5"), texts(b, 3), "remote messages once, and only the group's");
        assertEquals(6, broker.published.size(), "remote messages are not published again");
        broker.sink.stateChanged(GroupBroker.State.CONNECTING, "connection refused");
        LoopProbe.until("the state change logged", () -> server.log.stream()
                .anyMatch(l -> l.contains("group broker connecting (test://broker): connection refused")));

        server.ctx.setGroupBroker(null); // removed live: local delivery
        assertTrue(broker.closed);
        broker.remote("localhost", GroupProtocol.NAME + "/x", "late, from a closed broker");
        b.sendText("local");
        assertEquals("local", text(a));
        assertEquals("local", text(b), "nothing from the closed broker came before");
        assertEquals(6, broker.published.size(), "nothing to a removed broker");
    }

    @Test
    void remoteMessagesOverflowingAFullGroupCloseItsSlowestMemberAndNoOtherWaits() throws IOException {
        start();
        TestBroker broker = new TestBroker();
        server.ctx.setGroupBroker(broker);
        WsTestClient fast = member("group=ov");
        WsTestClient slow = member("group=ov&slow=1");
        awaitMembers("ov", 2);
        int n = Groups.RING + Groups.REMOTE_BACKLOG + 1;
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add("r" + i);
            broker.remote("localhost", GroupProtocol.NAME + "/ov", "r" + i); // returns at once, full group or not
            if (i < Groups.RING) {
                // the fast member keeps up while the ring takes them, so only the slow one holds the group
                assertEquals("r" + i, text(fast));
            }
        }
        // the slow member never wrote a message, so its first frame is the close (read up to it: the
        // EOF would come only when the server stops waiting for the answer, as long as the read timeout)
        WsTestClient.Frame close = slow.readFrame();
        assertEquals(FrameHeader.OP_CLOSE, close.opcode(), "nothing before the close");
        int code = ((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF);
        String reason = new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8);
        assertEquals(1008, code);
        assertTrue(reason.startsWith("too slow for group ov"), reason);
        assertEquals(sent.subList(Groups.RING, n), texts(fast, n - Groups.RING), "the backlog, then the last, in order");
        fast.sendText("still here");
        assertEquals("still here", text(fast), "the fast member got everything, in order, and stays");
        assertTrue(server.log.stream().anyMatch(l -> l.contains("closed: too slow for messages from other nodes")));
        assertEquals(List.of("still here"), broker.published.stream().map(TestBroker.Published::text).toList(),
                "remote messages are never published again");
    }

    @Test
    void aBrokerThatThrowsFromOpenLeavesGroupsLocal() throws IOException {
        start();
        server.ctx.setGroupBroker(new TestBroker() {
            @Override
            public void open(GroupSink s) {
                throw new IllegalStateException("no address configured");
            }
        });
        assertEquals(null, table().broker());
        WsTestClient a = member("group=t");
        awaitMembers("t", 1);
        a.sendText("still local");
        assertEquals("still local", text(a));
        if (!server.log.stream().anyMatch(l -> l.contains("failed to open") && l.contains("no address configured"))) {
            fail("the failure is logged: " + server.log);
        }
    }
}
