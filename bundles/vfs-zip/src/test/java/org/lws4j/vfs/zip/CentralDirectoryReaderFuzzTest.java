package org.lws4j.vfs.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipOutputStream;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.lws4j.spi.fileops.FileFlag;
import org.lws4j.spi.fileops.FileHandle;
import org.lws4j.spi.fileops.FileOps;

/**
 * {@link CentralDirectoryReader} on any bytes (and on zips the JDK writes, then damaged at a spot
 * the input picks), then every entry it indexed opened and read through {@link ZipFileOps}:
 * <ul>
 * <li>reading the index throws nothing but {@link IOException} ({@link ZipException} for a
 *     malformed zip), and opening or reading an entry nothing but {@link IOException};</li>
 * <li>no indexed name could leave the folder a zip is served or extracted as: none is empty,
 *     absolute, holds a backslash or NUL, a drive letter, or an empty, "." or ".." segment, and
 *     each resolves to a path inside the root; no folder is indexed; the index never passes
 *     its entry limit;</li>
 * <li>every indexed entry has sizes and a local header offset that are not negative;</li>
 * <li>an entry's handle never yields more bytes than its length;</li>
 * <li>in a zip the JDK wrote and nobody damaged, every file whose name is safe is indexed with its
 *     size and CRC-32 and reads back exactly, and no other is.</li>
 * </ul>
 * Input: the zip's bytes (or the names and contents to zip), then from the end the mode, the
 * entry limit and a seed for read sizes.
 */
class CentralDirectoryReaderFuzzTest {
    private static final String ZIP = "fuzz.zip";
    private static final Path ROOT = Path.of("/srv/www");
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @FuzzTest
    @DictionaryEntries({"PK\\x05\\x06", "PK\\x01\\x02", "PK\\x03\\x04", "PK\\x06\\x06", "PK\\x06\\x07", "\\xff\\xff\\xff\\xff",
        "\\xff\\xff", "\\x01\\x00", "UT", "../", "/", "\\\\", "\\x00", "C:", "./", "//"})
    void read(FuzzedDataProvider data) throws IOException {
        int mode = data.consumeInt(0, 2);
        int maxEntries = data.consumeInt(1, 64);
        long seed = data.consumeLong();
        Random r = new Random(seed);
        Map<String, byte[]> written = null;
        List<String> all = new ArrayList<>();
        byte[] zip;
        if (mode == 0) {
            zip = data.consumeRemainingAsBytes();
        } else {
            written = new HashMap<>();
            zip = write(data, written, all);
            if (mode == 2 && zip.length > 0) {
                // damage: overwrite a few bytes anywhere
                int at = data.consumeInt(0, zip.length - 1);
                byte[] junk = data.consumeRemainingAsBytes();
                System.arraycopy(junk, 0, zip, at, Math.min(junk.length, zip.length - at));
                written = null;
            }
        }
        String shown = HexFormat.of().formatHex(zip) + " (limit " + maxEntries + ")";

        ZipIndex index;
        List<String> warnings = new ArrayList<>();
        try (FileHandle h = new Bytes(zip, r)) {
            index = CentralDirectoryReader.read(h, ZIP, new ZipIndex.Stamp(zip.length, 0, null), maxEntries, warnings::add);
        } catch (IOException e) {
            if (written != null && all.size() <= maxEntries) {
                fail("a zip the JDK wrote does not read: " + e + ": " + shown);
            }
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("reading the index threw " + e + ": " + shown, e);
        }
        assertTrue(index.size() <= maxEntries, index.size() + " entries past a limit of " + maxEntries);
        assertTrue(warnings.size() <= 21, "more warning lines than the limit: " + warnings.size());
        for (String name : index.names()) {
            assertTrue(safe(name), "indexed an unsafe name " + show(name) + ": " + shown);
            IndexedEntry e = index.entry(name);
            assertEquals(name, e.name());
            assertTrue(e.size() >= 0 && e.compressedSize() >= 0, "negative sizes in " + e + ": " + shown);
            assertTrue(e.localHeaderOffset() >= 0, "a negative local header offset in " + e + ": " + shown);
        }
        if (written != null) {
            Map<String, String> expected = new HashMap<>();
            written.forEach((n, b) -> {
                if (safe(n)) {
                    expected.put(n, b.length + "/" + crc(b));
                }
            });
            Map<String, String> got = new HashMap<>();
            for (String n : index.names()) {
                got.put(n, index.entry(n).size() + "/" + index.entry(n).crc());
            }
            assertEquals(expected, got, "what the index holds of a zip the JDK wrote: " + shown);
        }

        // every entry opens and reads, or fails with an IOException, and never yields more than its length
        PrintStream err = System.err;
        System.setErr(QUIET); // ZipFileOps without a context prints refused entries
        try {
            ZipFileOps ops = new ZipFileOps(2, maxEntries);
            FileOps below = (path, flags, b) -> {
                if (!path.equals(ZIP)) {
                    throw new NoSuchFileException(path);
                }
                return new Bytes(zip, r);
            };
            int opened = 0;
            for (String name : index.names()) {
                if (++opened > 8) {
                    break;
                }
                for (Set<FileFlag> flags : List.of(EnumSet.noneOf(FileFlag.class), EnumSet.of(FileFlag.GZIP_ACCEPTABLE))) {
                    byte[] content = readEntry(ops, below, name, flags, r, shown);
                    if (written != null && content != null && flags.isEmpty()) {
                        assertEquals(HexFormat.of().formatHex(written.get(name)), HexFormat.of().formatHex(content),
                                "entry " + show(name) + " of a zip the JDK wrote: " + shown);
                    }
                }
            }
        } finally {
            System.setErr(err);
        }
    }

    /** The entry's bytes (at most 1 MiB of them), or null when it fails with an IOException. */
    private static byte[] readEntry(FileOps ops, FileOps below, String name, Set<FileFlag> flags, Random r, String shown) {
        try (FileHandle h = ops.open(ZIP + "/" + name, flags, below)) {
            long length = h.length();
            assertTrue(length >= 0, "a negative length");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(1 + r.nextInt(32 * 1024));
            while (out.size() < (1 << 20)) {
                buf.clear();
                int n = h.read(buf);
                if (n < 0) {
                    break;
                }
                out.write(buf.array(), 0, n);
                assertTrue(out.size() <= length, "read " + out.size() + " bytes of an entry of " + length + ": " + shown);
            }
            return out.toByteArray();
        } catch (IOException e) {
            return null;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("opening or reading " + show(name) + " threw " + e + ": " + shown, e);
        }
    }

    /** A zip written by the JDK from names and contents in the input; {@code written} gets each file, {@code all} every name. */
    private static byte[] write(FuzzedDataProvider data, Map<String, byte[]> written, List<String> all) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            int count = data.consumeInt(0, 6);
            for (int i = 0; i < count; i++) {
                String name = noSurrogates(data.consumeString(40));
                byte[] content = data.consumeBytes(data.consumeInt(0, 3000));
                if (name.isEmpty() || all.contains(name)) {
                    continue; // the JDK refuses a second entry of a name
                }
                if (name.endsWith("/")) {
                    content = new byte[0]; // a folder
                }
                ZipEntry e = new ZipEntry(name);
                if (data.consumeBoolean()) {
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(content.length);
                    e.setCompressedSize(content.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(content);
                z.closeEntry();
                all.add(name);
                if (!name.endsWith("/")) {
                    written.put(name, content);
                }
            }
        }
        return out.toByteArray();
    }

    /**
     * A name that may be served: the rules the issue asks for, written out on their own (not
     * EntryNames'): relative, no backslash or NUL, no drive letter, only plain segments, inside the root.
     */
    static boolean safe(String n) {
        if (n.isEmpty() || n.endsWith("/") || n.startsWith("/") || n.indexOf('\\') >= 0 || n.indexOf('\0') >= 0) {
            return false;
        }
        if (n.length() >= 2 && n.charAt(1) == ':' && Character.isLetter(n.charAt(0))) {
            return false;
        }
        for (String seg : n.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                return false;
            }
        }
        Path p = ROOT.resolve(n).normalize();
        return p.startsWith(ROOT) && !p.equals(ROOT);
    }

    private static String noSurrogates(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (!Character.isSurrogate(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    private static String show(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f || c == '"' || c == '\\' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.append('"').toString();
    }

    /**
     * A container in memory that behaves as a file channel does: a negative position is refused
     * with IllegalArgumentException, reads past the end give -1, and reads return a random
     * number of bytes (at least one), as short reads may.
     */
    static final class Bytes implements FileHandle {
        private final byte[] b;
        private final Random r;
        private long pos;

        Bytes(byte[] b, Random r) {
            this.b = b;
            this.r = r;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (pos >= b.length) {
                return -1;
            }
            if (!dst.hasRemaining()) {
                return 0;
            }
            int n = (int) Math.min(Math.min(dst.remaining(), b.length - pos), 1 + r.nextInt(8192));
            dst.put(b, (int) pos, n);
            pos += n;
            return n;
        }

        @Override
        public long seek(long offset, Whence whence) {
            long p = switch (whence) {
                case START -> offset;
                case CURRENT -> pos + offset;
                case END -> b.length + offset;
            };
            if (p < 0) {
                throw new IllegalArgumentException("negative position " + p); // as FileChannel.position does
            }
            pos = p;
            return p;
        }

        @Override
        public long position() {
            return pos;
        }

        @Override
        public long length() {
            return b.length;
        }

        @Override
        public long modified() {
            return 0;
        }

        @Override
        public Set<FileFlag> flags() {
            return EnumSet.noneOf(FileFlag.class);
        }

        @Override
        public void close() {
        }
    }
}
