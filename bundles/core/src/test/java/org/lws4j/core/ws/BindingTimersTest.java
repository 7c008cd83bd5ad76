package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lws4j.api.Connection;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.VhostProtocol;
import org.lws4j.core.LoopProbe;
import org.lws4j.core.config.ContextConfig;

/**
 * A binding that ends takes its timed callbacks out of the queue: one left there would pin the
 * protocol, and its bundle's class loader, until its deadline (found by HandoffIT: lws-mirror's
 * 10 s claim deadline kept old revisions alive over a burst of updates).
 */
class BindingTimersTest {
    private WsTestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Arms an hour's timer when bound. */
    static final class Sleeper implements Protocol {
        @Override
        public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
            return Result.CONTINUE;
        }

        @Override
        public Result vhostCallback(VhostProtocol binding, Reason reason, Object arg) {
            if (reason == Reason.PROTOCOL_INIT) {
                binding.timedCallback("later", 1, TimeUnit.HOURS);
            }
            return Result.CONTINUE;
        }
    }

    @Test
    void anEndedBindingLeavesNoTimerInTheQueue() throws Exception {
        ContextConfig cfg = WsTestServer.config(ContextConfig.DEFAULT_WS_MAX, ContextConfig.DEFAULT_WS_MAX, 0);
        Sleeper p = new Sleeper();
        server = WsTestServer.start(cfg, Map.of("sleeper", p));
        int before = LoopProbe.onLoop(server.ctx.threads().get(0), t -> t.timers().size());
        server.ctx.removeProtocol("sleeper", p);
        int after = LoopProbe.onLoop(server.ctx.threads().get(0), t -> t.timers().size());
        assertEquals(before - 1, after, "the hour's timer left the queue with its binding");
    }
}
