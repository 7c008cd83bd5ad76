package org.lws4j.vfs.zip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.vfs.zip.Zips.deflated;
import static org.lws4j.vfs.zip.Zips.stored;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.spi.fileops.FileFlag;
import org.lws4j.spi.fileops.FileHandle;
import org.lws4j.testkit.PlainFileOps;

class ZipFileOpsTest {
    private static final Set<FileFlag> PLAIN = EnumSet.noneOf(FileFlag.class);
    private static final Set<FileFlag> GZIP_OK = EnumSet.of(FileFlag.GZIP_ACCEPTABLE);

    @TempDir
    Path dir;

    private final PlainFileOps below = new PlainFileOps();
    private final ZipFileOps ops = new ZipFileOps(8, 200_000);

    private Zips.Item[] book() {
        return new Zips.Item[] {
            deflated("index.html", Zips.text(3000, 1)),
            deflated("chapters/one.html", Zips.text(200_000, 2)),
            deflated("chapters/deep/er/two.html", Zips.text(70_000, 3)),
            stored("images/photo.jpg", Zips.random(90_000, 4)),
            deflated("images/noise.bin", Zips.random(40_000, 5)), // deflate makes it bigger: still DEFLATE
            deflated("empty.txt", new byte[0]),
            stored("stored-empty", new byte[0]),
            stored("small.txt", "hello, zip\n".getBytes()),
        };
    }

    @Test
    void everyEntryReadsBackBothWays() throws Exception {
        Zips.Item[] items = book();
        Path zip = Zips.write(dir.resolve("book.zip"), items);
        for (Map.Entry<String, byte[]> e : Zips.contents(items).entrySet()) {
            String path = zip + "/" + e.getKey();
            try (FileHandle h = ops.open(path, PLAIN, below)) {
                assertFalse(h.flags().contains(FileFlag.GZIP), path);
                assertTrue(h.flags().contains(FileFlag.VIRTUAL), path);
                assertEquals(e.getValue().length, h.length(), path);
                assertArrayEquals(e.getValue(), readAll(h, 7_000), path);
                assertNull(h.channel(), path);
            }
            boolean isStored = Arrays.stream(items).anyMatch(i -> i.name().equals(e.getKey()) && i.stored());
            try (FileHandle h = ops.open(path, GZIP_OK, below)) {
                byte[] got = readAll(h, 5_000);
                assertEquals(h.length(), got.length, path);
                if (isStored) {
                    assertFalse(h.flags().contains(FileFlag.GZIP), "a STORED entry goes out as it is: " + path);
                    assertArrayEquals(e.getValue(), got, path);
                } else {
                    assertTrue(h.flags().contains(FileFlag.GZIP), path);
                    byte[] raw = Zips.storedBytes(zip, e.getKey());
                    assertEquals(GzipEntryHandle.HEADER_LEN + raw.length + GzipEntryHandle.TRAILER_LEN, got.length, path);
                    assertArrayEquals(raw, Arrays.copyOfRange(got, 10, 10 + raw.length),
                            "the gzip body is the zip's compressed bytes as they are: " + path);
                    assertArrayEquals(e.getValue(), gunzip(got), path);
                }
            }
        }
        assertEquals(below.opens(), below.closes(), "every container handle closed");
        assertEquals(1, ops.indexReads.get(), "the directory is read once");
    }

    @Test
    void validatorsComeFromTheEntry() throws Exception {
        Path zip = dir.resolve("t.zip");
        long t = 1_700_000_000_000L;
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            var e = new java.util.zip.ZipEntry("utc.html");
            e.setLastModifiedTime(FileTime.fromMillis(t)); // an extended timestamp: UTC seconds
            out.putNextEntry(e);
            out.write(Zips.text(5000, 9));
            out.closeEntry();
            var d = new java.util.zip.ZipEntry("dos.html");
            d.setTime(t); // DOS fields only: local time, two-second steps
            out.putNextEntry(d);
            out.write(Zips.text(5000, 9));
            out.closeEntry();
        }
        try (FileHandle plain = ops.open(zip + "/utc.html", PLAIN, below);
             FileHandle gz = ops.open(zip + "/utc.html", GZIP_OK, below);
             FileHandle dos = ops.open(zip + "/dos.html", PLAIN, below)) {
            assertTrue(plain.flags().contains(FileFlag.MOD_TIME_VALID));
            assertEquals(t, plain.modified());
            assertEquals(t, dos.modified());
            assertNotEquals(plain.etag(), gz.etag(), "gzip and identity bytes must not share a tag");
            assertTrue(plain.etag().startsWith("\"") && plain.etag().endsWith("\""), plain.etag());
            assertTrue(gz.etag().endsWith("-gz\""), gz.etag());
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(Zips.text(5000, 9));
            assertTrue(plain.etag().startsWith(String.format("\"%08x-", crc.getValue())), plain.etag());
        }
    }

    @Test
    void missingEntriesAreNoSuchFile() throws Exception {
        Path zip = Zips.write(dir.resolve("book.zip"), book());
        for (String inner : new String[] {"nope.html", "chapters", "chapters/", "", "INDEX.HTML", "../index.html"}) {
            assertThrows(NoSuchFileException.class, () -> ops.open(zip + "/" + inner, PLAIN, below), inner);
        }
        assertThrows(NoSuchFileException.class, () -> ops.open(dir + "/absent.zip/index.html", PLAIN, below));
        assertEquals(below.opens(), below.closes(), "every container handle closed");
    }

    @Test
    void entriesWithEvilNamesAreNeverServed() throws Exception {
        byte[] secret = "secret".getBytes();
        Path zip = Zips.write(dir.resolve("evil.zip"),
                deflated("../evil.html", secret), deflated("a/../../up.html", secret), deflated("/etc/passwd", secret),
                deflated("back\\slash.html", secret), deflated("C:/win.ini", secret), deflated("nul\0.html", secret),
                deflated("./dot.html", secret), deflated("a//b.html", secret), deflated("fine.html", secret));
        for (String name : new String[] {"../evil.html", "a/../../up.html", "/etc/passwd", "etc/passwd",
            "back\\slash.html", "C:/win.ini", "nul\0.html", "./dot.html", "a//b.html", "evil.html", "up.html"}) {
            assertThrows(NoSuchFileException.class, () -> ops.open(zip + "/" + name, PLAIN, below), name);
        }
        try (FileHandle h = ops.open(zip + "/fine.html", PLAIN, below)) {
            assertArrayEquals(secret, readAll(h, 100));
        }
    }

    @Test
    void aDamagedZipFailsOnlyItsOwnRequests() throws Exception {
        Zips.Item[] items = book();
        Path good = Zips.write(dir.resolve("good.zip"), items);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.zip");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 30));
        Path garbage = dir.resolve("garbage.zip");
        Files.write(garbage, Zips.random(5000, 7));
        Path tiny = dir.resolve("tiny.zip");
        Files.write(tiny, new byte[] {'P', 'K'});
        Path cutInData = dir.resolve("cut.zip"); // the end record kept, the entries' data gone
        byte[] cut = bytes.clone();
        Arrays.fill(cut, 0, bytes.length / 2, (byte) 0);
        Files.write(cutInData, cut);
        for (Path bad : new Path[] {truncated, garbage, tiny, cutInData}) {
            IOException e = assertThrows(IOException.class, () -> readAll(ops.open(bad + "/chapters/one.html", PLAIN, below), 4096),
                    bad.toString());
            assertFalse(e instanceof NoSuchFileException, bad + ": " + e);
        }

        // damaged entry data: the CRC (or the inflater) notices; the request fails, not quietly
        byte[] raw = Zips.storedBytes(good, "chapters/one.html");
        int at = indexOf(bytes, raw) + raw.length / 2;
        byte[] flipped = bytes.clone();
        flipped[at] ^= 0x55;
        flipped[at + 1] ^= 0x55;
        Path damaged = Files.write(dir.resolve("damaged.zip"), flipped);
        assertThrows(ZipException.class, () -> readAll(ops.open(damaged + "/chapters/one.html", PLAIN, below), 4096));

        byte[] photo = Zips.storedBytes(good, "images/photo.jpg");
        byte[] flippedStored = bytes.clone();
        flippedStored[indexOf(bytes, photo) + 100] ^= 1;
        Path damagedStored = Files.write(dir.resolve("damaged-stored.zip"), flippedStored);
        assertThrows(ZipException.class, () -> readAll(ops.open(damagedStored + "/images/photo.jpg", PLAIN, below), 4096));

        // and the good zip, through the same ops, is fine
        try (FileHandle h = ops.open(good + "/chapters/one.html", PLAIN, below)) {
            assertArrayEquals(items[1].data(), readAll(h, 4096));
        }
        assertEquals(below.opens(), below.closes(), "every container handle closed");
    }

    @Test
    void otherMethodsAndEncryptionAreRefusedAsErrors() throws Exception {
        Path zip = Zips.write(dir.resolve("m.zip"), stored("a.txt", "aaaa".getBytes()), stored("b.txt", "bbbb".getBytes()));
        byte[] b = Files.readAllBytes(zip);
        ByteBuffer bb = ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int cen = 0;
        for (int i = 0; i + 4 <= b.length; i++) {
            if (bb.getInt(i) == 0x02014b50) {
                if (cen == 0) {
                    bb.putShort(i + 10, (short) 12); // a.txt: bzip2
                } else {
                    bb.putShort(i + 8, (short) (bb.getShort(i + 8) | 1)); // b.txt: encrypted
                }
                cen++;
            }
        }
        Files.write(zip, b);
        IOException m = assertThrows(IOException.class, () -> ops.open(zip + "/a.txt", PLAIN, below));
        assertTrue(m.getMessage().contains("method 12"), m.getMessage());
        IOException enc = assertThrows(IOException.class, () -> ops.open(zip + "/b.txt", PLAIN, below));
        assertTrue(enc.getMessage().contains("encrypted"), enc.getMessage());
    }

    @Test
    void theIndexIsReusedUntilTheZipChanges() throws Exception {
        Path zip = Zips.write(dir.resolve("book.zip"), book());
        FileTime t = Files.getLastModifiedTime(zip);
        readAll(ops.open(zip + "/index.html", PLAIN, below), 4096);
        readAll(ops.open(zip + "/small.txt", GZIP_OK, below), 4096);
        assertEquals(1, ops.indexReads.get());

        Zips.write(zip, deflated("index.html", "new".getBytes()));
        Files.setLastModifiedTime(zip, t);
        try (FileHandle h = ops.open(zip + "/index.html", PLAIN, below)) {
            assertArrayEquals("new".getBytes(), readAll(h, 100), "a new length: read again");
        }
        assertEquals(2, ops.indexReads.get());
        assertThrows(NoSuchFileException.class, () -> ops.open(zip + "/small.txt", PLAIN, below));

        Zips.write(zip, deflated("index.html", "NEW".getBytes())); // same length
        Files.setLastModifiedTime(zip, FileTime.fromMillis(t.toMillis() + 5000));
        try (FileHandle h = ops.open(zip + "/index.html", PLAIN, below)) {
            assertArrayEquals("NEW".getBytes(), readAll(h, 100), "a new time: read again");
        }
        assertEquals(3, ops.indexReads.get());
    }

    @Test
    void theCacheIsBounded() throws Exception {
        ZipFileOps small = new ZipFileOps(2, 20);
        Path[] zips = new Path[3];
        for (int i = 0; i < zips.length; i++) {
            zips[i] = Zips.write(dir.resolve("z" + i + ".zip"), book());
            readAll(small.open(zips[i] + "/index.html", PLAIN, below), 4096);
        }
        assertEquals(2, small.cache().zips(), "at most two indexes");
        readAll(small.open(zips[2] + "/index.html", PLAIN, below), 4096);
        assertEquals(3, small.indexReads.get(), "the newest stayed");
        readAll(small.open(zips[0] + "/index.html", PLAIN, below), 4096);
        assertEquals(4, small.indexReads.get(), "the eldest went");
        assertTrue(small.cache().entries() <= 20, "entries " + small.cache().entries());

        Zips.Item[] many = new Zips.Item[25];
        for (int i = 0; i < many.length; i++) {
            many[i] = stored("f" + i, new byte[] {(byte) i});
        }
        Path big = Zips.write(dir.resolve("big.zip"), many);
        IOException e = assertThrows(IOException.class, () -> small.open(big + "/f1", PLAIN, below));
        assertTrue(e.getMessage().contains("at most 20"), e.getMessage());
    }

    @Test
    void onlyTheCentralDirectoryAndTheEntryAreRead() throws Exception {
        Zips.Item[] items = new Zips.Item[201];
        for (int i = 0; i < 200; i++) {
            items[i] = stored("bulk/" + i + ".bin", Zips.random(40_000, i)); // 8 MB of bulk
        }
        items[200] = deflated("page.html", Zips.text(10_000, 1));
        Path zip = Zips.write(dir.resolve("big.zip"), items);
        assertTrue(Files.size(zip) > 8_000_000);
        try (FileHandle h = ops.open(zip + "/page.html", PLAIN, below)) {
            assertArrayEquals(items[200].data(), readAll(h, 4096));
        }
        long read = below.bytesRead();
        assertTrue(read < 64 * 1024 + 20_000 + 30_000, "read " + read + " bytes of a " + Files.size(zip) + "-byte zip");
    }

    @Test
    void handlesSeek() throws Exception {
        Zips.Item[] items = book();
        Path zip = Zips.write(dir.resolve("book.zip"), items);
        byte[] one = items[1].data();
        try (FileHandle h = ops.open(zip + "/chapters/one.html", PLAIN, below)) {
            assertEquals(150_000, h.seek(150_000, FileHandle.Whence.START));
            assertArrayEquals(Arrays.copyOfRange(one, 150_000, 150_100), read(h, 100));
            assertEquals(1_000, h.seek(1_000, FileHandle.Whence.START), "back: starts over");
            assertArrayEquals(Arrays.copyOfRange(one, 1_000, 1_100), read(h, 100));
            assertEquals(one.length - 10, h.seek(-10, FileHandle.Whence.END));
            assertArrayEquals(Arrays.copyOfRange(one, one.length - 10, one.length), read(h, 10));
            assertEquals(-1, h.read(ByteBuffer.allocate(10)));
            assertEquals(one.length, h.position());
        }
        byte[] photo = items[3].data();
        try (FileHandle h = ops.open(zip + "/images/photo.jpg", GZIP_OK, below)) {
            h.seek(80_000, FileHandle.Whence.START);
            h.seek(5, FileHandle.Whence.CURRENT);
            assertArrayEquals(Arrays.copyOfRange(photo, 80_005, 80_105), read(h, 100));
            h.seek(0, FileHandle.Whence.START);
            assertArrayEquals(photo, read(h, photo.length + 1), "a whole read after seeks still checks out");
        }
        byte[] whole = readAll(ops.open(zip + "/chapters/one.html", GZIP_OK, below), 4096);
        try (FileHandle h = ops.open(zip + "/chapters/one.html", GZIP_OK, below)) {
            h.seek(-8, FileHandle.Whence.END);
            assertArrayEquals(Arrays.copyOfRange(whole, whole.length - 8, whole.length), read(h, 8), "the trailer");
            h.seek(3, FileHandle.Whence.START);
            assertArrayEquals(Arrays.copyOfRange(whole, 3, 30), read(h, 27), "across header and body");
        }
    }

    @Test
    void manyThreadsShareTheOpsAndTheCache() throws Exception {
        ZipFileOps small = new ZipFileOps(2, 1000); // three zips through a cache of two: evictions under load
        Zips.Item[] items = book();
        Path[] zips = new Path[3];
        for (int i = 0; i < zips.length; i++) {
            zips[i] = Zips.write(dir.resolve("c" + i + ".zip"), items);
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    java.util.Random r = new java.util.Random(seed);
                    for (int n = 0; n < 100; n++) {
                        Zips.Item it = items[r.nextInt(items.length)];
                        Set<FileFlag> flags = r.nextBoolean() ? GZIP_OK : PLAIN;
                        try (FileHandle h = small.open(zips[r.nextInt(zips.length)] + "/" + it.name(), flags, below)) {
                            byte[] got = readAll(h, 8192);
                            assertArrayEquals(it.data(), h.flags().contains(FileFlag.GZIP) ? gunzip(got) : got, it.name());
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(small.cache().zips() <= 2);
        assertEquals(below.opens(), below.closes(), "every container handle closed");
    }

    @Test
    void aFolderNamedLikeAZipIsPassedOver() throws Exception {
        Zips.Item[] items = book();
        Path folder = Files.createDirectories(dir.resolve("site.zip"));
        Path zip = Zips.write(folder.resolve("book.zip"), items);
        try (FileHandle h = ops.open(zip + "/index.html", PLAIN, below)) {
            assertArrayEquals(items[0].data(), readAll(h, 4096));
        }
    }

    @Test
    void pathsWithoutTheSignatureGoBelow() throws Exception {
        Path plain = Files.write(dir.resolve("plain.txt"), "plain".getBytes());
        try (FileHandle h = ops.open(plain.toString(), PLAIN, below)) {
            assertArrayEquals("plain".getBytes(), readAll(h, 10));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    static byte[] readAll(FileHandle h, int bufferSize) throws IOException {
        try (h) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(bufferSize);
            while (true) {
                b.clear();
                int n = h.read(b);
                if (n < 0) {
                    return out.toByteArray();
                }
                out.write(b.array(), 0, b.position());
            }
        }
    }

    /** Exactly {@code n} bytes from the handle's position. */
    static byte[] read(FileHandle h, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (h.read(b) < 0) {
                break;
            }
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }
}
