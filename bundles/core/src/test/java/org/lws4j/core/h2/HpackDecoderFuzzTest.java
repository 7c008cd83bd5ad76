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
 * Fuzz target for {@link HpackDecoder}: the input is split into blocks decoded on one decoder
 * (so the dynamic table carries over), with a small header list limit. Only
 * {@link H2Exception} may escape; a list that decodes must respect the limit, re-encode and
 * decode to itself, and the table must stay within its maximum.
 *
 * <p>Run by Jazzer ({@code fuzzerTestOneInput}, see the package's FUZZING.md); the JUnit test
 * replays the saved inputs in {@code HpackDecoderFuzzTestInputs} in every build.
 */
public class HpackDecoderFuzzTest {
    private static final int LIMIT = 2048;

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        HpackDecoder d = new HpackDecoder(data[0] & 0x40 | 256, LIMIT);
        ByteBuffer in = ByteBuffer.wrap(data, 1, data.length - 1);
        try {
            while (in.hasRemaining()) {
                int want = 1 + (in.get() & 0x7f);
                int n = Math.min(in.remaining(), want);
                ByteBuffer block = in.slice(in.position(), n);
                in.position(in.position() + n);
                List<HeaderField> out = new ArrayList<>();
                boolean fits = d.decode(block, out);
                check(fits, out, d);
            }
        } catch (H2Exception e) {
            if (e.code() != ErrorCode.COMPRESSION_ERROR || !e.isConnectionError()) {
                throw new AssertionError("unexpected " + e);
            }
        }
    }

    private static void check(boolean fits, List<HeaderField> out, HpackDecoder d) throws H2Exception {
        if (d.table().size() > d.table().maxSize()) {
            throw new AssertionError("table over its maximum");
        }
        if (!fits) {
            if (!out.isEmpty()) {
                throw new AssertionError("a refused list left fields");
            }
            return;
        }
        long size = 0;
        for (HeaderField f : out) {
            size += f.size();
        }
        if (size > LIMIT) {
            throw new AssertionError("list of " + size + " passed the limit");
        }
        HpackEncoder e = new HpackEncoder(4096, true);
        BlockBuffer block = new BlockBuffer(64, 1 << 20);
        e.encode(out, block);
        List<HeaderField> again = new ArrayList<>();
        new HpackDecoder(4096, LIMIT).decode(block.view(), again);
        if (!again.equals(out)) {
            throw new AssertionError("round trip changed " + out + " into " + again);
        }
    }

    @TestFactory
    Stream<DynamicTest> savedInputs() throws IOException, URISyntaxException {
        return FuzzInputs.replay(HpackDecoderFuzzTest.class, HpackDecoderFuzzTest::fuzzerTestOneInput);
    }
}
