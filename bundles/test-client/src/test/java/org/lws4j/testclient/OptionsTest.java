package org.lws4j.testclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lws4j.api.ClientConnectInfo;

class OptionsTest {
    @Test
    void aWebSocketUrlWithTheDefaults() {
        Options o = Options.parse("ws://127.0.0.1:7681/?mirror=x");
        assertEquals("ws", o.scheme());
        assertFalse(o.insecure());
        assertNull(o.protocol());
        assertEquals(20, o.rate());
        assertTrue(o.deflate());
        ClientConnectInfo i = o.connectInfo("lws-mirror-protocol");
        assertTrue(i.isWebSocket());
        assertEquals("/?mirror=x", i.path());
        assertEquals(List.of("lws-mirror-protocol"), i.protocols());
        assertEquals("127.0.0.1", i.origin());
        assertFalse(i.allowSelfSigned());
    }

    @Test
    void minusKAllowsSelfSignedAndSkipsTheHostCheck() {
        ClientConnectInfo i = Options.parse("-k", "https://127.0.0.1:7682/x").connectInfo(null);
        assertTrue(i.tls());
        assertEquals("GET", i.method());
        assertTrue(i.allowSelfSigned());
        assertTrue(i.skipHostCheck());
    }

    @Test
    void optionsInAnyOrder() {
        Options o = Options.parse("--protocol", "lws-echo", "raw://127.0.0.1:9", "--rate", "0", "--no-deflate", "-d", "15");
        assertEquals("raw", o.scheme());
        assertEquals("lws-echo", o.protocol());
        assertEquals(0, o.rate());
        assertFalse(o.deflate());
        assertEquals(15, o.logMask());
        assertTrue(o.connectInfo(null).isRaw());
        assertEquals(1023, Options.parse("-d1023", "--protocol=x", "ws://h/").logMask());
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse());
        assertThrows(IllegalArgumentException.class, () -> Options.parse("ftp://127.0.0.1/"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("raw://127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("ws://a/", "ws://b/"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("ws://a/", "--rate", "fast"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("ws://a/", "--protocol"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("ws://a/", "--protocol", "lws4j-client-stdout"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("ws://a/", "-x"));
        assertTrue(Options.parse("-h").help());
    }

    @Test
    void circlesHaveTheTestClientsFormat() {
        Random r = new Random(1);
        for (int i = 0; i < 1000; i++) {
            String c = MirrorClient.circle(r);
            assertTrue(c.matches("c #[0-9A-F]{6} \\d{1,3} \\d{1,3} \\d{1,2};"), c);
            String[] f = c.substring(0, c.length() - 1).split(" ");
            assertTrue(Integer.parseInt(f[2]) < 512 && Integer.parseInt(f[3]) < 256, c);
            int radius = Integer.parseInt(f[4]);
            assertTrue(radius >= 1 && radius <= 32, c);
        }
    }
}
