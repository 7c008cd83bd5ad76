package org.lws4j.group.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.lws4j.spi.group.GroupBroker;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** Which bundle registers a broker, from which settings; without a framework (a recording BundleContext). */
class BrokerRegistrationTest {
    private final List<Dictionary<?, ?>> registered = new ArrayList<>();
    private final List<String> unregistered = new ArrayList<>();
    private final ListLog log = new ListLog();

    private final BundleContext bc = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, m, args) -> {
                if (m.getName().equals("registerService")) {
                    assertEquals(GroupBroker.class, args[0]);
                    registered.add((Dictionary<?, ?>) args[2]);
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                            (p2, m2, a2) -> {
                                if (m2.getName().equals("unregister")) {
                                    unregistered.add("x");
                                }
                                return null;
                            });
                }
                throw new UnsupportedOperationException(m.getName());
            });

    private BrokerRegistration register(Map<String, ?> config, Map<String, ?> context, Set<String> schemes) {
        return BrokerRegistration.register(bc, config, context, log, schemes,
                (s, l) -> new RelayBroker(s, l, "test") {
                    @Override
                    protected Session connect() {
                        throw new UnsupportedOperationException("never opened here");
                    }
                });
    }

    @Test
    void idleWithoutTheKeyOrWithAnotherBundlesScheme() {
        assertNull(register(Map.of(), Map.of("lws.server.string", "lws4j"), Set.of("redis", "rediss")));
        assertNull(register(Map.of(), Map.of(BrokerSettings.URL, "nats://127.0.0.1"), Set.of("redis", "rediss")));
        assertTrue(registered.isEmpty());
        assertTrue(log.lines().isEmpty(), log.lines().toString());
    }

    @Test
    void registersForItsOwnSchemeFromTheJsonGlobalKeys() {
        BrokerRegistration r = register(Map.of("component.name", "x"),
                Map.of(BrokerSettings.URL, "redis://127.0.0.1:6390", BrokerSettings.PREFIX, "p"), Set.of("redis", "rediss"));
        assertNotNull(r);
        assertEquals("redis://127.0.0.1:6390", registered.get(0).get("lws.group.broker"));
        assertEquals("p", registered.get(0).get("lws.group.broker.prefix"));
        assertEquals(1, log.count("(config: global.group-broker)"));
        r.close();
        assertEquals(1, unregistered.size());
        assertEquals(GroupBroker.State.CLOSED, r.broker().state());
    }

    @Test
    void configAdminWinsOverTheJsonConfig() {
        BrokerRegistration r = register(Map.of(BrokerSettings.URL, "tls://10.0.0.5"),
                Map.of(BrokerSettings.URL, "redis://127.0.0.1"), Set.of("nats", "tls"));
        assertNotNull(r);
        assertEquals("tls://10.0.0.5:4222", registered.get(0).get("lws.group.broker"));
        assertEquals(1, log.count("config " + BrokerSettings.PID + ": group-broker"));
        assertNull(register(Map.of(BrokerSettings.URL, "tls://10.0.0.5"), Map.of(BrokerSettings.URL, "redis://127.0.0.1"),
                Set.of("redis", "rediss")), "the Redis bundle stays idle: ConfigAdmin says NATS");
    }

    @Test
    void aWrongValueIsReportedOnceByTheBundleWhoseSchemeItIs() {
        Map<String, String> bad = Map.of(BrokerSettings.URL, "nats://127.0.0.1", BrokerSettings.QUEUE, "-1");
        assertNull(register(Map.of(), bad, Set.of("redis", "rediss")));
        assertTrue(log.lines().isEmpty(), "not the Redis bundle's business");
        assertNull(register(Map.of(), bad, Set.of("nats", "tls")));
        assertEquals(List.of("ERR config: global.group-broker-queue: -1 is out of range (1 to 1000000); groups stay on this node"),
                log.lines());
        // no broker's scheme: both bundles say it
        assertNull(register(Map.of(), Map.of(BrokerSettings.URL, "amqp://h"), Set.of("redis", "rediss")));
        assertNull(register(Map.of(), Map.of(BrokerSettings.URL, "amqp://h"), Set.of("nats", "tls")));
        assertEquals(2, log.count("has no known scheme"));
        assertTrue(registered.isEmpty());
    }
}
