package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Header blocks real encoders produced (Python's hpack, nghttp, curl, h2load; see
 * hpack-corpus/make_corpus.py), one file per connection, decoded in order on one decoder and
 * compared with what an independent decoder read from them; then re-encoded by ours.
 */
class HpackCorpusTest {
    record Block(byte[] bytes, List<HeaderField> fields) {
    }

    static List<Block> read(Path file) throws IOException {
        List<Block> blocks = new ArrayList<>();
        byte[] bytes = null;
        List<HeaderField> fields = null;
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                bytes = Hex.bytes(line);
                fields = new ArrayList<>();
                blocks.add(new Block(bytes, fields));
            } else {
                fields.add(new HeaderField(line.substring(0, tab), line.substring(tab + 1)));
            }
        }
        return blocks;
    }

    static Path corpus() throws URISyntaxException {
        return Path.of(HpackCorpusTest.class.getResource("hpack-corpus").toURI());
    }

    @TestFactory
    Stream<DynamicTest> everyConnectionOfTheCorpus() throws IOException, URISyntaxException {
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus())) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "corpus files: " + files.size());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> replay(f)));
    }

    private static void replay(Path file) throws IOException, H2Exception {
        List<Block> blocks = read(file);
        assertTrue(!blocks.isEmpty());
        HpackDecoder d = new HpackDecoder(4096, 1 << 16);
        HpackEncoder e = new HpackEncoder(4096, true);
        HpackDecoder ours = new HpackDecoder(4096, 1 << 16);
        for (Block b : blocks) {
            List<HeaderField> got = new ArrayList<>();
            assertTrue(d.decode(java.nio.ByteBuffer.wrap(b.bytes()), got));
            assertEquals(b.fields(), got, file.getFileName() + " " + Hex.of(b.bytes()));

            BlockBuffer out = new BlockBuffer(64, 1 << 16);
            e.encode(got, out);
            List<HeaderField> again = new ArrayList<>();
            assertTrue(ours.decode(out.view(), again));
            assertEquals(got, again);
        }
    }
}
