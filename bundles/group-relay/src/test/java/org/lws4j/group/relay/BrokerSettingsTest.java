package org.lws4j.group.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class BrokerSettingsTest {
    private static BrokerSettings parse(Map<String, ?> m) {
        return BrokerSettings.from(m).orElseThrow();
    }

    @Test
    void noUrlMeansNoBroker() {
        assertTrue(BrokerSettings.from(Map.of()).isEmpty());
        assertTrue(BrokerSettings.from(Map.of(BrokerSettings.URL, "  ")).isEmpty());
    }

    @Test
    void schemesGiveTheirDefaultPortAndTls() {
        BrokerSettings r = parse(Map.of(BrokerSettings.URL, "redis://127.0.0.1"));
        assertEquals("redis", r.scheme());
        assertEquals(6379, r.port());
        assertFalse(r.tls());
        assertEquals("lws4j", r.prefix());
        assertEquals(BrokerSettings.DEFAULT_QUEUE, r.queueSize());
        assertTrue(parse(Map.of(BrokerSettings.URL, "rediss://cache.example:6380")).tls());
        assertEquals(4222, parse(Map.of(BrokerSettings.URL, "nats://10.1.2.3")).port());
        BrokerSettings t = parse(Map.of(BrokerSettings.URL, "TLS://[::1]:4443"));
        assertEquals("tls", t.scheme());
        assertTrue(t.tls());
        assertEquals("::1", t.host());
        assertEquals("tls://[::1]:4443", t.address());
    }

    @Test
    void credentialsComeFromTheUrlOrTheKeysWhichWin() {
        BrokerSettings u = parse(Map.of(BrokerSettings.URL, "redis://app:p%40ss@127.0.0.1:6379/0"));
        assertEquals("app", u.user());
        assertEquals("p@ss", u.password());
        assertEquals("redis://127.0.0.1:6379", u.address(), "no credentials in what is shown");
        assertFalse(u.toString().contains("p@ss"));
        BrokerSettings p = parse(Map.of(BrokerSettings.URL, "redis://:only@127.0.0.1"));
        assertNull(p.user());
        assertEquals("only", p.password());
        BrokerSettings k = parse(Map.of(BrokerSettings.URL, "nats://a:b@127.0.0.1", BrokerSettings.USER, "c",
                BrokerSettings.PASSWORD, "d"));
        assertEquals("c", k.user());
        assertEquals("d", k.password());
    }

    @Test
    void optionalKeysAreRead() {
        BrokerSettings s = parse(Map.of(BrokerSettings.URL, "nats://127.0.0.1", BrokerSettings.PREFIX, "prod.eu-1",
                BrokerSettings.QUEUE, 500, BrokerSettings.RETRY_MAX_MS, "2000"));
        assertEquals("prod.eu-1", s.prefix());
        assertEquals(500, s.queueSize());
        assertEquals(2000, s.retryMaxMillis());
    }

    @Test
    void wrongValuesAreRefusedNamingTheKey() {
        assertEquals("group-broker: \"http://127.0.0.1\" has no known scheme (expected redis://, rediss://, nats:// or tls://)",
                assertThrows(IllegalArgumentException.class,
                        () -> BrokerSettings.from(Map.of(BrokerSettings.URL, "http://127.0.0.1"))).getMessage());
        assertEquals("group-broker: \"redis://u:***@/x\" has no host (expected e.g. redis://127.0.0.1:6379)",
                assertThrows(IllegalArgumentException.class,
                        () -> BrokerSettings.from(Map.of(BrokerSettings.URL, "redis://u:secret@/x"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BrokerSettings.from(Map.of(BrokerSettings.URL, "redis://a b"))).getMessage()
                .startsWith("group-broker: \"redis://a b\" is not a URL"));
        assertEquals("group-broker-prefix: \"a..b\" is not a valid prefix (letters, digits, '_' and '-', tokens separated by '.')",
                assertThrows(IllegalArgumentException.class, () -> BrokerSettings.from(
                        Map.of(BrokerSettings.URL, "nats://h", BrokerSettings.PREFIX, "a..b"))).getMessage());
        assertEquals("group-broker-queue: \"lots\" is not a number", assertThrows(IllegalArgumentException.class,
                () -> BrokerSettings.from(Map.of(BrokerSettings.URL, "nats://h", BrokerSettings.QUEUE, "lots"))).getMessage());
        assertEquals("group-broker-ca: /nonexistent/ca.pem: no such file, or not readable",
                assertThrows(IllegalArgumentException.class, () -> BrokerSettings.from(Map.of(BrokerSettings.URL,
                        "rediss://h", BrokerSettings.CA, "/nonexistent/ca.pem"))).getMessage());
        assertEquals("group-broker-queue: 0 is out of range (1 to 1000000)", assertThrows(IllegalArgumentException.class,
                () -> BrokerSettings.from(Map.of(BrokerSettings.URL, "nats://h", BrokerSettings.QUEUE, "0"))).getMessage());
    }
}
