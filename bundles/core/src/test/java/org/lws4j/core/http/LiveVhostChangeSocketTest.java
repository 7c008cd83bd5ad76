package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.vhost.VhostImpl;

/**
 * Live vhost changes on a real socket: a changed configuration is swapped in behind the same
 * listen socket (no refused connection, no error, each change visible on the next request); a
 * change that cannot be served leaves the old vhost serving; a port given up is free at once;
 * a context that holds its listeners at start accepts nothing until told.
 */
class LiveVhostChangeSocketTest {
    @TempDir
    Path tmp;

    private static VhostConfig withHeader(VhostConfig base, int port, String value) {
        return new VhostConfig("edit " + value, base.name(), port, base.iface(), base.keepaliveTimeout(),
                base.mounts(), base.wsProtocols(), Map.of("X-Edit", value), base.options());
    }

    @Test
    void twoHundredEditsUnderPollingClientsTakeEffectAtOnceAndNeverRefuse() throws Exception {
        try (TestServer s = TestServer.start(TestServer.defaults(), TestServer.mounts(TestServer.writeSite(tmp)))) {
            List<String> listening = s.ctx.listening();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger polled = new AtomicInteger();
            List<Thread> pollers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                boolean keepAlive = i == 0;
                Thread t = new Thread(() -> {
                    try {
                        RawClient c = keepAlive ? s.client() : null;
                        while (!stop.get()) {
                            // a new connection per request on one poller: a listener closed or
                            // re-opened for an instant shows as a refused connect
                            try (RawClient fresh = keepAlive ? null : s.client()) {
                                RawClient.Response r = (keepAlive ? c : fresh).get("/hello.txt");
                                assertEquals(200, r.status(), r.toString());
                                assertEquals(TestServer.HELLO, r.text());
                                polled.incrementAndGet();
                            }
                        }
                        if (c != null) {
                            c.close();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "poller-" + i);
                t.start();
                pollers.add(t);
            }
            VhostConfig current = s.vhost.config();
            try (RawClient check = s.client()) {
                for (int i = 0; i < 200 && failure.get() == null; i++) {
                    VhostConfig next = withHeader(current, s.port, "v" + i);
                    assertNull(s.ctx.replaceVhost(current, next), "edit " + i);
                    current = next;
                    RawClient.Response r = check.get("/hello.txt");
                    assertEquals("v" + i, r.header("X-Edit"), "edit " + i + " is served on the next request");
                }
            } finally {
                stop.set(true);
                for (Thread t : pollers) {
                    t.join();
                }
            }
            if (failure.get() != null) {
                throw new AssertionError("a polling client saw an error during the edits", failure.get());
            }
            assertTrue(polled.get() > 0, "the pollers ran");
            assertEquals(listening, s.ctx.listening(), "the same listen socket throughout");
            assertEquals(1, s.ctx.vhostImpls().size(), s.ctx.vhostImpls().toString());
            assertTrue(!s.logText().contains("stopped listening"), s.logText());
        }
    }

    @Test
    void anEditThatCannotBeServedLeavesTheOldVhostServingUntouched() throws Exception {
        try (TestServer s = TestServer.start(TestServer.defaults(), TestServer.mounts(TestServer.writeSite(tmp)));
             ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            VhostImpl before = s.vhost;
            String err = s.ctx.replaceVhost(before.config(), withHeader(before.config(), busy.getLocalPort(), "moved"));
            assertNotNull(err, "a taken port cannot be served");
            assertTrue(err.contains("cannot listen"), err);
            assertEquals(List.of(before), s.ctx.vhostImpls());
            assertEquals(s.port, s.ctx.boundPort(before));
            try (RawClient c = s.client()) {
                RawClient.Response r = c.get("/hello.txt");
                assertEquals(200, r.status());
                assertNull(r.header("X-Edit"), "the old configuration serves");
            }
        }
    }

    @Test
    void anEditToAnotherPortListensThereBeforeTheOldPortCloses() throws Exception {
        try (TestServer s = TestServer.start(TestServer.defaults(), TestServer.mounts(TestServer.writeSite(tmp)))) {
            int other;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                other = probe.getLocalPort();
            }
            VhostConfig moved = withHeader(s.vhost.config(), other, "moved");
            assertNull(s.ctx.replaceVhost(s.vhost.config(), moved));
            try (RawClient c = new RawClient(other)) {
                assertEquals("moved", c.get("/hello.txt").header("X-Edit"));
            }
            assertEquals(List.of("127.0.0.1:" + other), s.ctx.listening());
        }
    }

    @Test
    void aPortGivenUpIsFreeAtOnceForTheNextVhost() throws Exception {
        try (TestServer s = TestServer.start(TestServer.defaults(), TestServer.mounts(TestServer.writeSite(tmp)))) {
            VhostConfig cfg = s.vhost.config();
            for (int i = 0; i < 50; i++) {
                assertTrue(s.ctx.removeVhost(cfg.name(), cfg.port()), "removed " + i);
                VhostImpl again = s.ctx.addVhost(cfg);
                assertNotNull(again, "round " + i + ": the port was not free again:\n" + s.logText());
                assertEquals(s.port, s.ctx.boundPort(again));
            }
            s.assertStillServes();
            // a plain ServerSocket can take the port as soon as the last vhost left it
            assertTrue(s.ctx.removeVhost(cfg.name(), cfg.port()));
            try (ServerSocket taken = new ServerSocket(s.port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertEquals(s.port, taken.getLocalPort());
            }

        }
    }

    @Test
    void heldListenersAcceptNothingUntilTheServerIsReady() throws Exception {
        try (TestServer s = TestServer.start(TestServer.defaults(), TestServer.mounts(TestServer.writeSite(tmp)))) {
            VhostConfig cfg = s.vhost.config();
            s.ctx.holdAccepting();
            assertTrue(s.ctx.removeVhost(cfg.name(), cfg.port()));
            assertNotNull(s.ctx.addVhost(cfg), s.logText());
            int before = s.ctx.openConnections();
            try (RawClient early = s.client()) {
                // connected in the kernel's backlog; the server has not taken it
                early.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(before, s.ctx.openConnections(), "nothing accepted while held");
                s.ctx.startAccepting();
                RawClient.Response r = early.read();
                assertEquals(200, r.status(), "the early client is served once the server accepts");
                assertEquals(TestServer.HELLO, r.text());
            }
            assertTrue(s.logText().contains("accepting connections on 127.0.0.1:" + s.port), s.logText());
        }
    }
}
