package org.lws4j.vfs.zip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.vfs.zip.Zips.deflated;
import static org.lws4j.vfs.zip.Zips.stored;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.spi.fileops.FileFlag;
import org.lws4j.spi.fileops.FileHandle;
import org.lws4j.testkit.PlainFileOps;

class CentralDirectoryReaderTest {
    @TempDir
    Path dir;

    private final PlainFileOps below = new PlainFileOps();
    private final List<String> warnings = new ArrayList<>();

    private ZipIndex index(Path zip) throws IOException {
        try (FileHandle h = below.open(zip.toString(), EnumSet.noneOf(FileFlag.class), below)) {
            return CentralDirectoryReader.read(h, zip.toString(), new ZipIndex.Stamp(h.length(), h.modified(), null),
                    100_000, warnings::add);
        }
    }

    @Test
    void indexesFilesNotFolders() throws Exception {
        Path zip = dir.resolve("a.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("chapters/"));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("chapters/one.html"));
            out.write(Zips.text(1000, 1));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("été/ω.html")); // UTF-8 names (general purpose bit 11)
            out.write(Zips.text(10, 1));
            out.closeEntry();
            out.setComment("a comment at the end of the zip ".repeat(100));
        }
        ZipIndex i = index(zip);
        assertEquals(2, i.size());
        assertNull(i.entry("chapters/"));
        IndexedEntry one = i.entry("chapters/one.html");
        assertNotNull(one);
        assertEquals(IndexedEntry.DEFLATED, one.method());
        assertEquals(1000, one.size());
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            assertEquals(zf.getEntry("chapters/one.html").getCompressedSize(), one.compressedSize());
            assertEquals(zf.getEntry("chapters/one.html").getCrc(), one.crc());
        }
        assertNotNull(i.entry("été/ω.html"));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void refusedEntriesAreLogged() throws Exception {
        Path zip = Zips.write(dir.resolve("evil.zip"), deflated("../evil", new byte[1]), deflated("/abs", new byte[1]),
                deflated("a\\b", new byte[1]), deflated("nul\0", new byte[1]), deflated("ok", new byte[1]),
                deflated("oK", new byte[2]));
        byte[] b = Files.readAllBytes(zip); // java.util.zip refuses to write two entries of one name
        for (int p = 0; p + 1 < b.length; p++) {
            if (b[p] == 'o' && b[p + 1] == 'K') {
                b[p + 1] = 'k';
            }
        }
        Files.write(zip, b);
        ZipIndex i = index(zip);
        assertEquals(1, i.size());
        assertEquals(1, i.entry("ok").size(), "the first of two same-named entries");
        assertEquals(5, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("\"../evil\" not served: '..' segment"), warnings.get(0));
        assertTrue(warnings.get(3).contains("nul\\x00"), "control characters are escaped in the log: " + warnings.get(3));
    }

    @Test
    void warningsAreCapped() throws Exception {
        Zips.Item[] items = new Zips.Item[100];
        for (int n = 0; n < items.length; n++) {
            items[n] = stored("../" + n, new byte[0]);
        }
        index(Zips.write(dir.resolve("evil.zip"), items));
        assertEquals(21, warnings.size());
        assertTrue(warnings.get(20).contains("80 more entries not served"), warnings.get(20));
    }

    @Test
    void symbolicLinksAreNotServed() throws Exception {
        Path zip = Zips.write(dir.resolve("l.zip"), stored("link", "/etc/passwd".getBytes()), stored("file", new byte[3]));
        byte[] b = Files.readAllBytes(zip);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p + 4 <= b.length; p++) {
            if (bb.getInt(p) == 0x02014b50) {
                bb.putShort(p + 4, (short) (3 << 8 | 20)); // made on Unix
                bb.putInt(p + 38, 0120777 << 16); // lrwxrwxrwx
                break;
            }
        }
        Files.write(zip, b);
        ZipIndex i = index(zip);
        assertNull(i.entry("link"));
        assertNotNull(i.entry("file"));
        assertTrue(warnings.get(0).contains("symbolic link"), warnings.toString());
    }

    @Test
    void aZipBehindAPrefixIsRead() throws Exception {
        Zips.Item[] items = {deflated("index.html", Zips.text(5000, 3)), stored("x.bin", Zips.random(300, 3))};
        Path plain = Zips.write(dir.resolve("plain.zip"), items);
        Path sfx = dir.resolve("sfx.zip");
        try (OutputStream out = Files.newOutputStream(sfx)) {
            out.write(Zips.random(12345, 1)); // a self-extracting stub: offsets are from the zip's own start
            out.write(Files.readAllBytes(plain));
        }
        ZipFileOps ops = new ZipFileOps(4, 1000);
        for (Zips.Item it : items) {
            try (FileHandle h = ops.open(sfx + "/" + it.name(), EnumSet.noneOf(FileFlag.class), below)) {
                assertArrayEquals(it.data(), ZipFileOpsTest.readAll(h, 1000));
            }
        }
    }

    @Test
    void zip64EndRecordOfManyEntries() throws Exception {
        Path zip = dir.resolve("many.zip");
        int count = 70_000; // over 65535: java.util.zip writes the ZIP64 end records
        try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16))) {
            out.setLevel(0);
            for (int n = 0; n < count; n++) {
                out.putNextEntry(new ZipEntry("e/" + n));
                out.write(Integer.toString(n).getBytes());
                out.closeEntry();
            }
        }
        long t0 = System.nanoTime();
        ZipIndex i = index(zip);
        System.out.printf("indexed %d entries in %d ms%n", i.size(), (System.nanoTime() - t0) / 1_000_000);
        assertEquals(count, i.size());
        ZipFileOps ops = new ZipFileOps(4, 100_000);
        try (FileHandle h = ops.open(zip + "/e/69999", EnumSet.noneOf(FileFlag.class), below)) {
            assertArrayEquals("69999".getBytes(), ZipFileOpsTest.readAll(h, 100));
        }
    }

    @Test
    void zip64ExtraFieldsAndEndRecords() throws Exception {
        byte[] data = "ZIP64 fields say hello".getBytes();
        Path zip = Files.write(dir.resolve("z64.zip"), zip64(data));
        try (ZipFile zf = new ZipFile(zip.toFile())) { // the fixture is a valid zip for the JDK too
            assertArrayEquals(data, zf.getInputStream(zf.getEntry("big.txt")).readAllBytes());
        }
        ZipIndex i = index(zip);
        IndexedEntry e = i.entry("big.txt");
        assertEquals(data.length, e.size());
        assertEquals(data.length, e.compressedSize());
        assertEquals(0, e.localHeaderOffset());
        ZipFileOps ops = new ZipFileOps(4, 1000);
        try (FileHandle h = ops.open(zip + "/big.txt", EnumSet.of(FileFlag.GZIP_ACCEPTABLE), below)) {
            assertArrayEquals(data, ZipFileOpsTest.readAll(h, 100));
        }
    }

    @Test
    void notZipsFailClearly() throws Exception {
        Path empty = Files.write(dir.resolve("empty.zip"), new byte[0]);
        ZipException e = assertThrows(ZipException.class, () -> index(empty));
        assertTrue(e.getMessage().contains("not a zip"), e.getMessage());
        Path text = Files.write(dir.resolve("text.zip"), Zips.text(100_000, 1));
        e = assertThrows(ZipException.class, () -> index(text));
        assertTrue(e.getMessage().contains("no end of central directory"), e.getMessage());
        // an end record claiming more entries than its directory can hold
        Path liar = Zips.write(dir.resolve("liar.zip"), stored("a", new byte[1]));
        byte[] b = Files.readAllBytes(liar);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(b.length - 22 + 8, (short) 500).putShort(b.length - 22 + 10, (short) 500);
        Files.write(liar, b);
        e = assertThrows(ZipException.class, () -> index(liar));
        assertTrue(e.getMessage().contains("too small for 500 entries"), e.getMessage());
    }

    /** One STORED entry whose sizes and offset are all in ZIP64 extra fields, with ZIP64 end records. */
    @Test
    void aLastNameThatLooksLikeAZip64LocatorIsJustAName() throws Exception {
        // found by CentralDirectoryReaderFuzzTest: the locator's signature 20 bytes before the end
        // record, in the last entry's name, made the reader look for a ZIP64 record and refuse the zip
        String name = "x/PK\u0006\u00070123456789abcdef";
        Path zip = dir.resolve("tail.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry(name));
            out.write(Zips.text(100, 1));
            out.closeEntry();
        }
        ZipIndex index = index(zip);
        assertNotNull(index.entry(name));
        assertEquals(100, index.entry(name).size());
    }

    private static byte[] zip64(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        byte[] name = "big.txt".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer loc = le(30 + name.length + 20);
        loc.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0x5821).putInt((int) crc.getValue())
                .putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 20).put(name)
                .putShort((short) 1).putShort((short) 16).putLong(data.length).putLong(data.length);
        out.writeBytes(loc.array());
        out.writeBytes(data);
        long cdOffset = out.size();
        ByteBuffer cen = le(46 + name.length + 28);
        cen.putInt(0x02014b50).putShort((short) (3 << 8 | 45)).putShort((short) 45).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0x5821).putInt((int) crc.getValue())
                .putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 28).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putInt(0100644 << 16).putInt(-1).put(name)
                .putShort((short) 1).putShort((short) 24).putLong(data.length).putLong(data.length).putLong(0);
        out.writeBytes(cen.array());
        long cdSize = out.size() - cdOffset;
        long z64 = out.size();
        ByteBuffer rec = le(56);
        rec.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(1).putLong(1).putLong(cdSize).putLong(cdOffset);
        out.writeBytes(rec.array());
        ByteBuffer locator = le(20);
        locator.putInt(0x07064b50).putInt(0).putLong(z64).putInt(1);
        out.writeBytes(locator.array());
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
                .putInt(-1).putInt(-1).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
