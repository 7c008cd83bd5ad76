package org.lws4j.protocol.rawtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Reason;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestRaw;
import org.lws4j.testkit.TestVhost;

/**
 * protocol-lws-raw-test's logic on the test kit: raw sockets echo (with flow control), adopted
 * files are logged. No FIFO is made here (pvo fifo=0); RawTestWireTest does that on a real
 * context.
 */
class RawTestProtocolTest {
    private final TestContext ctx = new TestContext();
    private final TestVhost vhost = ctx.addVhost("raw-test");

    RawTestProtocolTest() {
        vhost.bind(RawTestProtocol.NAME, new RawTestProtocol(), Map.of("raw", "1", "fifo", "0"));
    }

    @Test
    void typedLinesEchoBack() {
        TestRaw r = vhost.openRaw();
        for (String line : List.of("hello raw\n", "second line\n")) {
            r.send(line);
            r.drain();
        }
        assertEquals("hello raw\nsecond line\n", r.receivedText());
        assertTrue(ctx.log().contains("raw connection from /127.0.0.1"));
        r.disconnect();
        assertEquals(Reason.RAW_CLOSE, r.reasons().get(r.reasons().size() - 1));
    }

    @Test
    void aClientThatDoesNotReadStopsBeingReadAndGetsEverythingBack() {
        TestRaw r = vhost.openRaw();
        r.socketBuffer(16 * 1024);
        byte[] big = new byte[3 * RawTestProtocol.HIGH_WATER];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        for (int at = 0; at < big.length; at += 4096) {
            r.send(java.util.Arrays.copyOfRange(big, at, at + 4096));
        }
        assertTrue(r.isRxPaused(), "past 64 KiB of echo waiting it stops reading");
        r.drain();
        assertFalse(r.isRxPaused());
        assertArrayEquals(big, r.received(), "the echo differs from what was sent");
    }

    @Test
    void whatAnAdoptedFileBringsIsLoggedPrintably() {
        TestRaw f = vhost.protocol(RawTestProtocol.NAME).adoptRawFile();
        f.send("hello\u0001 there\n");
        assertNotNull(ctx.log().find("FIFO (adopted stream): 13 bytes: hello. there"), ctx.log().lines().toString());
        f.disconnect();
        assertTrue(ctx.log().contains("FIFO (adopted stream) closed"));
        assertEquals(List.of(Reason.RAW_ADOPT_FILE, Reason.RAW_RX_FILE, Reason.RAW_CLOSE_FILE), f.reasons());
    }

    @Test
    void noFifoWhenThePvoSaysSo() {
        assertTrue(ctx.log().contains("no FIFO (pvo \"fifo\": \"0\")"));
        assertTrue(vhost.protocol(RawTestProtocol.NAME).data() == null);
    }

    @Test
    void printableLines() {
        String s = RawTestProtocol.printable(ByteBuffer.wrap("a\tb\u0007c\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("a\tb.c", s);
        String big = RawTestProtocol.printable(ByteBuffer.wrap("x".repeat(600).getBytes(StandardCharsets.UTF_8)));
        assertEquals(512 + 3, big.length());
    }
}
