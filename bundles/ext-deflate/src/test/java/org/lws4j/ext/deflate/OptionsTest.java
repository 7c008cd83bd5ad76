package org.lws4j.ext.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** lws's set_extension_option for permessage-deflate. */
class OptionsTest {

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource({
        "rx_buf_size, 7, true", "rx_buf_size, 16, true", "rx_buf_size, 6, false", "rx_buf_size, 17, false",
        "tx_buf_size, 12, true", "tx_buf_size, 0, false",
        "compression_level, 0, true", "compression_level, 9, true", "compression_level, 10, false",
        "mem_level, 1, true", "mem_level, 9, true", "mem_level, 0, false",
        "compression_level, -1, false", "compression_level, ' 5', false", "compression_level, 5x, false",
        "compression_level, '', false", "compression_level, 0005, false",
        "window_bits, 10, false", "server_max_window_bits, 10, false", "RX_BUF_SIZE, 10, false",
    })
    void optionValues(String option, String value, boolean ok) {
        assertEquals(ok, Bytes.server("permessage-deflate").setOption(option, value));
    }

    @Test
    void nullsAreRefused() {
        DeflateSession s = Bytes.server("permessage-deflate");
        assertFalse(s.setOption(null, "1"));
        assertFalse(s.setOption("mem_level", null));
    }

    @Test
    void buffersAreSizedAsPowersOfTwo() {
        DeflateSession s = Bytes.server("permessage-deflate");
        assertEquals(1024, s.rxChunk());
        assertEquals(1024, s.txStep());
        assertTrue(s.setOption("rx_buf_size", "11"));
        assertTrue(s.setOption("tx_buf_size", "12"));
        assertEquals(2048, s.rxChunk());
        assertEquals(4096, s.txStep());
        // capped at the connection's receive piece (Bytes.LIMITS: 4096)
        assertTrue(s.setOption("rx_buf_size", "14"));
        assertEquals(4096, s.rxChunk());
    }

    @Test
    void changesBetweenAndWithinMessagesKeepTheStreamValid() throws Exception {
        DeflateSession server = Bytes.server("permessage-deflate");
        DeflateSession client = (DeflateSession) new PermessageDeflate().clientAccept(server.response(), Bytes.LIMITS);
        Random rnd = new Random(1);
        String[][] changes = {
            {"compression_level", "9"}, {"compression_level", "0"}, {"mem_level", "1"}, {"compression_level", "4"},
            {"mem_level", "9"}, {"tx_buf_size", "7"}, {"rx_buf_size", "7"}, {"compression_level", "1"},
        };
        for (String[] change : changes) {
            byte[] m = RoundTripTest.text(rnd, 30_000);
            assertArrayEquals(m, RoundTripTest.send(server, client, m, rnd));
            assertTrue(server.setOption(change[0], change[1]));
            assertTrue(client.setOption(change[0], change[1]));
            // a change in the middle of a message applies from the next one
            byte[] half = RoundTripTest.text(rnd, 10_000);
            java.nio.ByteBuffer a = server.encode(java.nio.ByteBuffer.wrap(half, 0, 5000).slice(), false);
            assertTrue(server.setOption("compression_level", Integer.toString(rnd.nextInt(10))));
            assertTrue(server.setOption("mem_level", Integer.toString(1 + rnd.nextInt(9))));
            java.nio.ByteBuffer b = server.encode(java.nio.ByteBuffer.wrap(half, 5000, 5000).slice(), true);
            assertArrayEquals(half, RoundTripTest.receive(client, java.util.List.of(copy(a), copy(b))));
        }
    }

    private static java.nio.ByteBuffer copy(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer c = java.nio.ByteBuffer.allocate(b.remaining());
        c.put(b).flip();
        return c;
    }
}
