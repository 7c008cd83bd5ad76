package org.lws4j.example.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lws4j.core.embed.Lws4j;
import org.lws4j.jakarta.websocket.JakartaServer;
import org.lws4j.jakarta.websocket.JakartaWebSocket;
import org.lws4j.spi.group.GroupBroker;
import org.lws4j.spi.group.GroupSink;

/**
 * The chat rooms on lws4j's broadcast groups, served embedded with JDK WebSocket clients: a
 * message reaches every member of its room once (the sender too) and no other room; with a group
 * broker, each message goes to it once as the room's group, and what the broker brings from
 * another node reaches the room's members.
 */
class ChatRoomTest {
    private final List<WebSocket> clients = new ArrayList<>();
    private Lws4j.Running lws;

    /** A broker playing the other nodes: records what it is given, delivers through the sink. */
    static final class Broker implements GroupBroker {
        final Queue<String> published = new ConcurrentLinkedQueue<>();
        volatile GroupSink sink;

        @Override
        public void open(GroupSink s) {
            sink = s;
        }

        @Override
        public void publish(String vhost, String group, ByteBuffer payload, boolean binary) {
            published.add(vhost + " " + group + " " + StandardCharsets.UTF_8.decode(payload.duplicate()));
        }

        @Override
        public void close() {
        }

        @Override
        public State state() {
            return State.CONNECTED;
        }

        @Override
        public String describe() {
            return "test broker";
        }
    }

    private int start(GroupBroker broker) throws Exception {
        int free;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            free = s.getLocalPort(); // port 0 would mean "no listener" to the config
        }
        String json = "{ \"global\": { \"count-threads\": \"2\" }, \"vhosts\": [ { \"name\": \"chat\", \"port\": \""
                + free + "\", \"interface\": \"127.0.0.1\", \"mounts\": [] } ] }";
        JakartaServer jakarta = JakartaWebSocket.server().deploy(ChatEndpoint.class);
        Lws4j.Builder b = Lws4j.builder().json(json).protocol(JakartaWebSocket.PROTOCOL, jakarta.protocol());
        if (broker != null) {
            b.groupBroker(broker);
        }
        lws = b.start();
        return lws.port("chat");
    }

    @AfterEach
    void stop() {
        for (WebSocket c : clients) {
            c.abort();
        }
        if (lws != null) {
            lws.close();
        }
    }

    private BlockingQueue<String> join(int port, String room) throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat/" + room), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            got.add(text.toString());
                            text.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        clients.add(ws);
        return got;
    }

    private static String next(BlockingQueue<String> q) throws InterruptedException {
        String s = q.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no message within 10 s");
        }
        return s;
    }

    /** Waits until {@code n} sessions listen to {@code room} (they subscribe in onOpen, on their own service threads). */
    private void awaitMembers(String room, int n) {
        org.lws4j.core.group.GroupTable t = ((org.lws4j.core.context.ContextImpl) lws.context()).groups();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.rows().stream().noneMatch(r -> r.info().name().equals(ChatEndpoint.group(room)) && r.info().listeners() == n)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " members never joined room " + room + ": " + t.rows());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000); // a poll interval: the count is what is waited for
        }
    }

    @Test
    void aMessageReachesEveryMemberOfItsRoomOnceAndNoOtherRoom() throws Exception {
        int port = start(null);
        BlockingQueue<String> a = join(port, "r1");
        BlockingQueue<String> b = join(port, "r1");
        BlockingQueue<String> other = join(port, "r2");
        awaitMembers("r1", 2);
        awaitMembers("r2", 1);
        clients.get(0).sendText("{\"from\":\"ann\",\"text\":\"hello\"}", true).get(10, TimeUnit.SECONDS);
        String ma = next(a);
        assertTrue(ma.startsWith("{\"room\":\"r1\",\"from\":\"ann\",\"text\":\"hello\""), ma);
        assertEquals(ma, next(b), "the same stamped message for every member");
        clients.get(2).sendText("in r2", true).get(10, TimeUnit.SECONDS);
        assertTrue(next(other).contains("\"text\":\"in r2\""), "nothing of r1 came before r2's own");
        clients.get(1).sendText("second", true).get(10, TimeUnit.SECONDS);
        assertTrue(next(a).contains("\"text\":\"second\""), "once: nothing else came in between");
    }

    @Test
    void withABrokerARoomSpansTheNodes() throws Exception {
        Broker broker = new Broker();
        int port = start(broker);
        BlockingQueue<String> a = join(port, "r1");
        BlockingQueue<String> b = join(port, "r1");
        awaitMembers("r1", 2);
        clients.get(0).sendText("local", true).get(10, TimeUnit.SECONDS);
        String m = next(a);
        assertEquals(m, next(b));
        assertEquals(List.of("chat " + JakartaWebSocket.PROTOCOL + "/chat/r1 " + m), new ArrayList<>(broker.published),
                "published to the other nodes once, as the room's group");
        String remote = "{\"room\":\"r1\",\"from\":\"bob on node B\",\"text\":\"hi\",\"time\":1}";
        broker.sink.deliver("chat", JakartaWebSocket.PROTOCOL + "/chat/r1", ByteBuffer.wrap(remote.getBytes(StandardCharsets.UTF_8)), false);
        assertEquals(remote, next(a), "another node's message reaches the room");
        assertEquals(remote, next(b));
        assertEquals(1, broker.published.size(), "and is not published again");
    }
}
