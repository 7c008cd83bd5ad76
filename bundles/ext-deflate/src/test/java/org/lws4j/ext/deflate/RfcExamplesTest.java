package org.lws4j.ext.deflate;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.ext.deflate.Bytes.hex;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** The byte examples of RFC 7692 section 7.2.3, both ways. */
class RfcExamplesTest {
    private static final byte[] HELLO = "Hello".getBytes(US_ASCII);
    private static final String HELLO_COMPRESSED = "f2 48 cd c9 c9 07 00";

    private static String decode(DeflateSession s, String... pieces) throws Exception {
        Collect c = new Collect();
        for (int i = 0; i < pieces.length; i++) {
            assertTrue(s.decode(ByteBuffer.wrap(hex(pieces[i])), i == pieces.length - 1, c));
        }
        return new String(c.take(), US_ASCII);
    }

    private static String encode(DeflateSession s, byte[] message) throws Exception {
        return hex(s.encode(ByteBuffer.wrap(message), true));
    }

    @Test
    void oneCompressedBlock() throws Exception {
        // 7.2.3.1
        assertEquals("Hello", decode(Bytes.server("permessage-deflate"), HELLO_COMPRESSED));
        assertEquals(HELLO_COMPRESSED, encode(Bytes.server("permessage-deflate"), HELLO));
    }

    @Test
    void oneCompressedBlockInTwoFragments() throws Exception {
        // 7.2.3.1: the compressed data split across a text frame and a continuation frame
        assertEquals("Hello", decode(Bytes.server("permessage-deflate"), "f2 48 cd", "c9 c9 07 00"));
        // and written in two pieces: the first piece is held (no flush) and the last carries it all
        DeflateSession s = Bytes.server("permessage-deflate");
        String first = hex(s.encode(ByteBuffer.wrap("Hel".getBytes(US_ASCII)), false));
        String last = hex(s.encode(ByteBuffer.wrap("lo".getBytes(US_ASCII)), true));
        assertEquals(HELLO_COMPRESSED, (first + " " + last).trim());
    }

    @Test
    void slidingWindowSharedBetweenMessages() throws Exception {
        // 7.2.3.2: the second "Hello" refers back to the first
        DeflateSession s = Bytes.server("permessage-deflate");
        assertEquals(HELLO_COMPRESSED, encode(s, HELLO));
        assertEquals("f2 00 11 00 00", encode(s, HELLO));

        DeflateSession r = Bytes.server("permessage-deflate");
        assertEquals("Hello", decode(r, HELLO_COMPRESSED));
        assertEquals("Hello", decode(r, "f2 00 11 00 00"));
    }

    @Test
    void noContextTakeoverCompressesEachMessageAlone() throws Exception {
        // 7.2.3.2 without takeover: both messages are the same bytes
        DeflateSession s = Bytes.server("permessage-deflate; server_no_context_takeover");
        assertEquals(HELLO_COMPRESSED, encode(s, HELLO));
        assertEquals(HELLO_COMPRESSED, encode(s, HELLO));

        DeflateSession r = Bytes.server("permessage-deflate; client_no_context_takeover");
        assertEquals("Hello", decode(r, HELLO_COMPRESSED));
        assertEquals("Hello", decode(r, HELLO_COMPRESSED));
    }

    @Test
    void storedBlockWithNoCompression() throws Exception {
        // 7.2.3.3
        String stored = "00 05 00 fa ff 48 65 6c 6c 6f 00";
        assertEquals("Hello", decode(Bytes.server("permessage-deflate"), stored));
        DeflateSession s = Bytes.server("permessage-deflate");
        assertTrue(s.setOption("compression_level", "0"));
        assertEquals(stored, encode(s, HELLO));
    }

    @Test
    void blockWithBfinalSet() throws Exception {
        // 7.2.3.4: the stream ends inside the message; the next message starts a new stream
        DeflateSession r = Bytes.server("permessage-deflate");
        assertEquals("Hello", decode(r, "f3 48 cd c9 c9 07 00 00"));
        assertEquals("Hello", decode(r, HELLO_COMPRESSED));
    }

    @Test
    void twoBlocksInOneMessage() throws Exception {
        // 7.2.3.5
        assertEquals("Hello", decode(Bytes.server("permessage-deflate"), "f2 48 05 00 00 00 ff ff ca c9 c9 07 00"));
    }

    @Test
    void emptyMessageAndEmptyLastFragment() throws Exception {
        // 7.2.3.6: an empty DEFLATE block with no compression is the single byte 00
        DeflateSession s = Bytes.server("permessage-deflate");
        assertEquals("00", encode(s, new byte[0]));
        assertEquals("", decode(Bytes.server("permessage-deflate"), "00"));
        // a first fragment flushed with its marker, then a last fragment with nothing more in it
        assertEquals("Hello", decode(Bytes.server("permessage-deflate"), "f2 48 cd c9 c9 07 00 00 00 ff ff", "00"));
        // also after a message, with context takeover: still 00, and the stream goes on
        assertEquals(HELLO_COMPRESSED, encode(s, HELLO));
        assertEquals("00", encode(s, new byte[0]));
        assertEquals("f2 00 11 00 00", encode(s, HELLO));
        // a fragmented empty message: nothing, then 00
        assertEquals("", hex(s.encode(ByteBuffer.allocate(0), false)));
        assertEquals("00", hex(s.encode(ByteBuffer.allocate(0), true)));
    }
}
