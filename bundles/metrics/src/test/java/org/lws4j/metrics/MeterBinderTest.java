package org.lws4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.lws4j.spi.metrics.Refusal;

/** The Micrometer binder: the core's events as meters of the application's registry. */
class MeterBinderTest {
    @Test
    void eventsBecomeMetersOfTheBoundRegistry() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        Lws4jMeterBinder b = new Lws4jMeterBinder();
        b.httpRequest("site", null, "GET", 200, 10, 20); // before bindTo: dropped
        b.bindTo(reg);
        for (int i = 0; i < 3; i++) {
            b.httpRequest("site", null, "GET", 200, 1_000, 2_000_000);
        }
        b.httpRequest("site", null, "BREW", 418, 1_000, 2_000);
        b.wsMessage("site", "echo", true);
        b.wsMessage("site", "echo", false);
        b.wsMessage("site", "echo", false);
        b.wsClose("site", "echo", 1000, true);
        b.connectionAccepted("site");
        b.connectionRefused("site", Refusal.NOT_TLS);
        b.tlsHandshake("site", 5_000_000);
        b.binding("site", "echo", true);

        assertEquals(3, reg.get("lws4j.http.requests").tags("vhost", "site", "protocol", "", "method", "GET", "status", "2xx")
                .counter().count());
        assertEquals(1, reg.get("lws4j.http.requests").tags("method", "other", "status", "4xx").counter().count());
        assertEquals(4, reg.get("lws4j.http.request").tags("vhost", "site").timer().count());
        assertEquals(6.002, reg.get("lws4j.http.request").timer().totalTime(TimeUnit.MILLISECONDS), 1e-9);
        assertEquals(1, reg.get("lws4j.ws.messages").tags("protocol", "echo", "direction", "received").counter().count());
        assertEquals(2, reg.get("lws4j.ws.messages").tags("protocol", "echo", "direction", "sent").counter().count());
        assertEquals(1, reg.get("lws4j.ws.closes").tags("code", "1000", "by", "peer").counter().count());
        assertEquals(1, reg.get("lws4j.connections.accepted").tags("vhost", "site").counter().count());
        assertEquals(1, reg.get("lws4j.connections.refused").tags("reason", "not_tls").counter().count());
        assertEquals(1, reg.get("lws4j.tls.handshake").timer().count());
        assertEquals(1, reg.get("lws4j.protocol.binds").tags("protocol", "echo").counter().count());
        assertNull(reg.find("lws4j.protocol.unbinds").counter());
    }
}
