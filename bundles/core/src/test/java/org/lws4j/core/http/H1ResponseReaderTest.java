package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lws4j.core.h2.HeaderField;

/** The HTTP/1.1 response of a stream's HTTP role as HEADERS and DATA, split at every octet. */
class H1ResponseReaderTest {
    /** Records what the reader sends; {@code window} octets of body at most, then none. */
    private static final class Recorder implements H1ResponseReader.Sink {
        final List<List<HeaderField>> heads = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean headEnded;
        int ends;
        long window = Long.MAX_VALUE;

        @Override
        public void headers(List<HeaderField> fields, boolean endStream) {
            heads.add(fields);
            headEnded = endStream;
        }

        @Override
        public int data(ByteBuffer src, int n, boolean endStream) {
            int k = (int) Math.min(n, window);
            window -= k;
            byte[] b = new byte[k];
            src.get(b);
            body.writeBytes(b);
            if (endStream && k == n) {
                ends++;
            }
            return k;
        }
    }

    private static Recorder readSplit(String response, int split, boolean head, boolean connect) {
        Recorder r = new Recorder();
        H1ResponseReader reader = new H1ResponseReader(head, connect, r);
        byte[] b = response.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i += split) {
            reader.read(ByteBuffer.wrap(b, i, Math.min(split, b.length - i)));
        }
        return r;
    }

    @Test
    void aBodyWithItsLengthEndsOnItsLastOctet() {
        String resp = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
        for (int split = 1; split <= resp.length(); split++) {
            Recorder r = readSplit(resp, split, false, false);
            assertEquals(List.of(new HeaderField(":status", "200"), new HeaderField("content-type", "text/plain"),
                    new HeaderField("content-length", "5")), r.heads.get(0), "split " + split);
            assertFalse(r.headEnded);
            assertEquals("hello", r.body.toString(StandardCharsets.ISO_8859_1));
            assertEquals(1, r.ends, "split " + split);
        }
    }

    @Test
    void aChunkedBodyIsDechunked() {
        String resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n \r\n6\r\nworld!\r\n0\r\nx-t: 1\r\n\r\n";
        for (int split = 1; split <= resp.length(); split++) {
            Recorder r = readSplit(resp, split, false, false);
            assertEquals(List.of(new HeaderField(":status", "200")), r.heads.get(0));
            assertEquals("hello world!", r.body.toString(StandardCharsets.ISO_8859_1), "split " + split);
            assertEquals(1, r.ends, "split " + split);
        }
    }

    @Test
    void headAndBodylessStatusesEndWithTheirHeaders() {
        Recorder r = readSplit("HTTP/1.1 200 OK\r\nContent-Length: 7205\r\n\r\n", 3, true, false);
        assertTrue(r.headEnded);
        assertEquals("7205", r.heads.get(0).get(1).value());
        r = readSplit("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", 100, false, false);
        assertTrue(r.headEnded);
        r = readSplit("HTTP/1.1 204 No Content\r\n\r\n", 1, false, false);
        assertTrue(r.headEnded);
    }

    @Test
    void aContinueIsDroppedAndTheFinalHeadFollows() {
        Recorder r = readSplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 4, false, false);
        assertEquals(1, r.heads.size());
        assertEquals("201", r.heads.get(0).get(0).value());
        assertEquals("ok", r.body.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aWebSocketUpgradeBecomes200AndATunnel() {
        Recorder r = new Recorder();
        H1ResponseReader reader = new H1ResponseReader(false, true, r);
        reader.read(ByteBuffer.wrap(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: abc=\r\nSec-WebSocket-Protocol: echo\r\n\r\n\u0081\u0002hi").getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(List.of(new HeaderField(":status", "200"), new HeaderField("sec-websocket-protocol", "echo")), r.heads.get(0));
        assertEquals(4, r.body.size());
        assertEquals(0, r.ends);
        assertTrue(reader.end());
        assertEquals(1, r.ends);
    }

    @Test
    void withoutWindowTheReaderStopsAndGoesOnLater() {
        Recorder r = new Recorder();
        H1ResponseReader reader = new H1ResponseReader(false, false, r);
        r.window = 3;
        ByteBuffer in = ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789".getBytes(StandardCharsets.ISO_8859_1));
        reader.read(in);
        assertEquals(7, in.remaining());
        assertTrue(reader.wantsWindow());
        r.window = 100;
        reader.read(in);
        assertEquals("0123456789", r.body.toString(StandardCharsets.ISO_8859_1));
        assertEquals(1, r.ends);
        assertTrue(reader.isDone());
    }

    @Test
    void aResponseCutShortCannotEndTheStream() {
        Recorder r = new Recorder();
        H1ResponseReader reader = new H1ResponseReader(false, false, r);
        reader.read(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123".getBytes(StandardCharsets.ISO_8859_1)));
        assertFalse(reader.end());
        // a body that runs to the end of the output (no length, not chunked) ends there
        Recorder u = new Recorder();
        H1ResponseReader until = new H1ResponseReader(false, false, u);
        until.read(ByteBuffer.wrap("HTTP/1.0 200 OK\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(until.end());
        assertEquals(1, u.ends);
    }
}
