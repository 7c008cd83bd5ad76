package org.lws4j.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class AllowListTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void loopbackByDefault() throws Exception {
        AllowList a = AllowList.parse(MetricsOptions.LOOPBACK);
        assertTrue(a.allows(ip("127.0.0.1")));
        assertTrue(a.allows(ip("127.9.8.7")));
        assertTrue(a.allows(ip("::1")));
        assertTrue(a.allows(ip("::ffff:127.0.0.1")), "an IPv4-mapped loopback address");
        assertFalse(a.allows(ip("10.0.0.1")));
        assertFalse(a.allows(ip("::2")));
        assertFalse(a.allows(null));
    }

    @Test
    void blocksOfAnyLength() throws Exception {
        AllowList a = AllowList.parse("10.1.0.0/17 fd00::/8,192.168.1.7");
        assertTrue(a.allows(ip("10.1.127.255")));
        assertFalse(a.allows(ip("10.1.128.0")));
        assertTrue(a.allows(ip("fd12::1")));
        assertFalse(a.allows(ip("fe80::1")));
        assertTrue(a.allows(ip("192.168.1.7")));
        assertFalse(a.allows(ip("192.168.1.8")));
        assertTrue(AllowList.parse("*").allows(ip("203.0.113.9")));
        assertFalse(AllowList.parse("").allows(ip("127.0.0.1")), "an empty list answers nobody");
    }

    @Test
    void onlyLiteralAddressesAreTaken() {
        assertThrows(IllegalArgumentException.class, () -> AllowList.parse("localhost"));
        assertThrows(IllegalArgumentException.class, () -> AllowList.parse("300.1.1.1"));
        assertThrows(IllegalArgumentException.class, () -> AllowList.parse("127.0.0.1/33"));
        assertThrows(IllegalArgumentException.class, () -> AllowList.parse("::1/x"));
    }
}
