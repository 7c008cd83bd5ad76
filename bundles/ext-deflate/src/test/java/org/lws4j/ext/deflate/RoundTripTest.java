package org.lws4j.ext.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lws4j.spi.extension.ExtensionOffer;
import org.lws4j.spi.extension.ExtensionSession;

/**
 * Our client session against our server session for every parameter combination the client can
 * offer: messages of many sizes, compressible and not, whole and in random pieces, several in a
 * row (so context takeover is exercised), both ways.
 */
class RoundTripTest {
    private static final int[] SIZES = {0, 1, 125, 4097, 65536};

    static Stream<Arguments> offers() {
        List<Arguments> l = new ArrayList<>();
        String[] windows = {"", "; server_max_window_bits=9", "; server_max_window_bits=12", "; server_max_window_bits=15"};
        String[] clientWindows = {"", "; client_max_window_bits", "; client_max_window_bits=9", "; client_max_window_bits=13"};
        for (String snct : new String[] {"", "; server_no_context_takeover"}) {
            for (String cnct : new String[] {"", "; client_no_context_takeover"}) {
                for (String sw : windows) {
                    for (String cw : clientWindows) {
                        l.add(Arguments.of("permessage-deflate" + snct + cnct + sw + cw));
                    }
                }
            }
        }
        return l.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offers")
    void bothWays(String offer) throws Exception {
        DeflateSession server = Bytes.server(offer);
        ExtensionOffer response = ExtensionOffer.parse(List.of(server.response().toString())).get(0);
        DeflateSession client = (DeflateSession) new PermessageDeflate().clientAccept(response, Bytes.LIMITS);
        assertNotNull(client, "client refused " + response);
        Random rnd = new Random(offer.hashCode());
        for (int round = 0; round < 2; round++) {
            for (int size : SIZES) {
                for (boolean text : new boolean[] {true, false}) {
                    byte[] m = text ? text(rnd, size) : random(rnd, size);
                    assertArrayEquals(m, send(client, server, m, rnd), "client to server, " + size + " B");
                    assertArrayEquals(m, send(server, client, m, rnd), "server to client, " + size + " B");
                }
            }
        }
        server.close();
        client.close();
    }

    @Test
    void largeCompressibleMessageInSmallPieces() throws Exception {
        DeflateSession server = Bytes.server("permessage-deflate; client_max_window_bits");
        DeflateSession client = (DeflateSession) new PermessageDeflate().clientAccept(server.response(), Bytes.LIMITS);
        Random rnd = new Random(7);
        byte[] m = text(rnd, 1 << 20);
        assertArrayEquals(m, send(client, server, m, rnd));
        assertArrayEquals(m, send(server, client, m, rnd));
    }

    @Test
    void pausedSinkKeepsItsPlace() throws Exception {
        DeflateSession sender = Bytes.server("permessage-deflate");
        DeflateSession receiver = Bytes.server("permessage-deflate");
        Random rnd = new Random(3);
        byte[] m = text(rnd, 200_000);
        List<ByteBuffer> frames = wire(sender, m, rnd);
        Collect c = new Collect();
        int pauses = 0;
        for (int i = 0; i < frames.size(); i++) {
            boolean last = i == frames.size() - 1;
            c.pauseAfter = c.calls + 1 + rnd.nextInt(3);
            boolean done = receiver.decode(frames.get(i), last, c);
            while (!done) {
                pauses++;
                c.pauseAfter = c.calls + 1 + rnd.nextInt(3);
                done = receiver.decode(ByteBuffer.allocate(0), last, c);
            }
        }
        assertTrue(pauses > 10, "the sink paused " + pauses + " times");
        assertArrayEquals(m, c.take());
        // and the next message decodes from a clean state
        byte[] n = text(rnd, 5000);
        assertArrayEquals(n, receive(receiver, wire(sender, n, rnd)));
    }

    @Test
    void pauseDuringTheTrailerAndDirectBuffers() throws Exception {
        DeflateSession sender = Bytes.server("permessage-deflate");
        DeflateSession receiver = Bytes.server("permessage-deflate");
        byte[] m = new byte[3000];
        new Random(5).nextBytes(m);
        ByteBuffer compressed = sender.encode(ByteBuffer.wrap(m), true);
        ByteBuffer direct = ByteBuffer.allocateDirect(compressed.remaining());
        direct.put(compressed).flip();
        Collect c = new Collect();
        c.pauseAfter = 1;
        int calls = 0;
        boolean done = receiver.decode(direct, true, c);
        while (!done) {
            assertTrue(++calls < 100);
            c.pauseAfter = c.calls + 1;
            done = receiver.decode(ByteBuffer.allocate(0), true, c);
        }
        assertArrayEquals(m, c.take());
    }

    @Test
    void corruptDataFailsWith1007() {
        DeflateSession receiver = Bytes.server("permessage-deflate");
        org.lws4j.spi.extension.ExtensionException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.lws4j.spi.extension.ExtensionException.class,
                () -> receiver.decode(ByteBuffer.wrap(Bytes.hex("ff ff ff ff 00 11")), true, new Collect()));
        assertEquals(1007, e.closeCode());
    }

    @Test
    void peerUsingMoreWindowThanAgreedIsStillReadRight() throws Exception {
        // a peer that agreed to 9 bits but refers back further (zlib before 1.2.9 did, asked for 8)
        // is read right: we always inflate with a full window
        DeflateSession receiver = Bytes.server("permessage-deflate; client_max_window_bits=9");
        assertEquals("permessage-deflate; client_max_window_bits=9", receiver.response().toString());
        DeflateSession sender = Bytes.server("permessage-deflate"); // compresses with 15 bits
        Random rnd = new Random(11);
        byte[] block = random(rnd, 2000);
        byte[] m = new byte[4000];
        System.arraycopy(block, 0, m, 0, 2000);
        System.arraycopy(block, 0, m, 2000, 2000); // a match 2000 bytes back: beyond 512
        ByteBuffer wire = sender.encode(ByteBuffer.wrap(m), true);
        assertTrue(wire.remaining() < 2100, "the second half was not a back reference");
        assertArrayEquals(m, receive(receiver, List.of(wire)));
    }

    @Test
    void onlyTextAndBinaryAreTransformed() {
        DeflateSession s = Bytes.server("permessage-deflate");
        assertTrue(s.transforms(org.lws4j.api.WriteMode.TEXT, 0));
        assertTrue(s.transforms(org.lws4j.api.WriteMode.BINARY, 10));
        assertFalse(s.transforms(org.lws4j.api.WriteMode.PING, 1));
        assertEquals(0x40, s.rsvBits());
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** Writes {@code m} in random pieces through {@code from}, reads the frames through {@code to}. */
    static byte[] send(ExtensionSession from, ExtensionSession to, byte[] m, Random rnd) throws Exception {
        return receive(to, wire(from, m, rnd));
    }

    /** The frame payloads {@code from} makes of {@code m}, written whole or in random pieces. */
    static List<ByteBuffer> wire(ExtensionSession from, byte[] m, Random rnd) throws Exception {
        List<ByteBuffer> frames = new ArrayList<>();
        boolean whole = rnd.nextBoolean();
        int off = 0;
        do {
            int n = whole ? m.length - off : Math.min(m.length - off, rnd.nextInt(20_000));
            boolean last = off + n == m.length;
            ByteBuffer piece = ByteBuffer.wrap(m, off, n).slice();
            ByteBuffer out = from.encode(piece, last);
            assertFalse(piece.hasRemaining(), "encode left input");
            ByteBuffer copy = ByteBuffer.allocate(out.remaining());
            copy.put(out).flip();
            frames.add(copy);
            off += n;
        } while (off < m.length);
        return frames;
    }

    /** Decodes frames as the core hands them over: each frame's payload in pieces of up to 4 KiB. */
    static byte[] receive(ExtensionSession to, List<ByteBuffer> frames) throws Exception {
        Collect c = new Collect();
        for (int i = 0; i < frames.size(); i++) {
            ByteBuffer f = frames.get(i);
            boolean lastFrame = i == frames.size() - 1;
            if (!f.hasRemaining()) {
                assertTrue(to.decode(f, lastFrame, c));
            }
            while (f.hasRemaining()) {
                int n = Math.min(f.remaining(), 4096);
                ByteBuffer piece = f.slice();
                piece.limit(n);
                f.position(f.position() + n);
                assertTrue(to.decode(piece, lastFrame && !f.hasRemaining(), c));
            }
        }
        assertTrue(c.largest <= 4096, "a chunk of " + c.largest + " bytes");
        return c.take();
    }

    static byte[] text(Random rnd, int size) {
        String[] words = {"{\"id\":", "\"name\":", "\"value\":", "true", "false", "null", "lws4j", "deflate", ",", "}", " ", "\u00e9t\u00e9", "42"};
        ByteArrayOutputStream b = new ByteArrayOutputStream(size + 16);
        while (b.size() < size) {
            byte[] w = words[rnd.nextInt(words.length)].getBytes(StandardCharsets.UTF_8);
            b.write(w, 0, w.length);
        }
        byte[] all = b.toByteArray();
        byte[] out = new byte[size];
        System.arraycopy(all, 0, out, 0, size);
        return out;
    }

    static byte[] random(Random rnd, int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return b;
    }
}
