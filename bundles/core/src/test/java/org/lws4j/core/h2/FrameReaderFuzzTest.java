package org.lws4j.core.h2;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Fuzz target for the frame layer ({@link PrefaceReader}, {@link FrameReader},
 * {@link FrameParser}): the input is read once whole and once in chunks whose sizes come from
 * its first octet; both readings must give the same frames and the same error, and only
 * {@link H2Exception} may escape.
 *
 * <p>Run by Jazzer ({@code fuzzerTestOneInput}, see the package's FUZZING.md); the JUnit test
 * replays the saved inputs in {@code FrameReaderFuzzTestInputs} in every build.
 */
public class FrameReaderFuzzTest {
    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int chunk = 1 + (data[0] & 0x1f);
        boolean preface = (data[0] & 0x80) != 0;
        List<String> whole = read(data, Integer.MAX_VALUE, preface);
        List<String> pieces = read(data, chunk, preface);
        if (!whole.equals(pieces)) {
            throw new AssertionError("chunking changed the frames:\n" + whole + "\n" + pieces);
        }
    }

    private static List<String> read(byte[] data, int chunk, boolean preface) {
        List<String> seen = new ArrayList<>();
        PrefaceReader p = new PrefaceReader();
        FrameReader r = new FrameReader(1024);
        try {
            for (int at = 1, n; at < data.length; at += n) {
                n = Math.min(chunk, data.length - at);
                ByteBuffer piece = ByteBuffer.wrap(data, at, n).slice();
                if (preface && !p.isDone() && !p.read(piece)) {
                    continue;
                }
                for (Frame f; (f = r.next(piece)) != null; ) {
                    seen.add(describe(f));
                }
                if (piece.hasRemaining()) {
                    throw new AssertionError("octets left unread");
                }
            }
        } catch (H2Exception e) {
            seen.add(e.toString());
        }
        return seen;
    }

    private static String describe(Frame f) {
        // lent buffers: compare their content, never keep them
        if (f instanceof Frame.Data d) {
            return "DATA " + d.streamId() + " " + d.endStream() + " " + d.flowLength() + " " + content(d.data());
        }
        if (f instanceof Frame.Headers h) {
            return "HEADERS " + h.streamId() + " " + h.endStream() + h.endHeaders() + h.dependency() + content(h.fragment());
        }
        if (f instanceof Frame.Continuation c) {
            return "CONTINUATION " + c.streamId() + " " + c.endHeaders() + content(c.fragment());
        }
        if (f instanceof Frame.GoAway g) {
            return "GOAWAY " + g.lastStreamId() + " " + g.errorCode() + content(g.debugData());
        }
        return f.toString();
    }

    private static String content(ByteBuffer b) {
        byte[] x = new byte[b.remaining()];
        b.duplicate().get(x);
        return Hex.of(x);
    }

    @TestFactory
    Stream<DynamicTest> savedInputs() throws IOException, URISyntaxException {
        return FuzzInputs.replay(FrameReaderFuzzTest.class, FrameReaderFuzzTest::fuzzerTestOneInput);
    }
}
