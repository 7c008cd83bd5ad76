package org.lws4j.vfs.zip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Builds test zips with java.util.zip, and finds an entry's stored bytes without the code under test. */
final class Zips {
    private Zips() {
    }

    /** What goes into a zip: name, bytes, whether STORED. */
    record Item(String name, byte[] data, boolean stored) {
    }

    static Item deflated(String name, byte[] data) {
        return new Item(name, data, false);
    }

    static Item stored(String name, byte[] data) {
        return new Item(name, data, true);
    }

    static Path write(Path file, Item... items) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Item it : items) {
                ZipEntry e = new ZipEntry(it.name());
                if (it.stored()) {
                    CRC32 crc = new CRC32();
                    crc.update(it.data());
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(it.data().length);
                    e.setCompressedSize(it.data().length);
                    e.setCrc(crc.getValue());
                }
                zip.putNextEntry(e);
                zip.write(it.data());
                zip.closeEntry();
            }
        }
        return file;
    }

    /** Text that deflates well but not trivially. */
    static byte[] text(int size, long seed) {
        String[] words = {"the ", "router ", "blinked ", "green ", "packet ", "lighthouse ", "quiet ", "night, ",
            "and ", "a ", "frame ", "went ", "out.\n", "<p>", "</p>\n", "ümlaut ", "ω "};
        Random r = new Random(seed);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (b.size() < size) {
            b.writeBytes(words[r.nextInt(words.length)].getBytes(StandardCharsets.UTF_8));
        }
        return Arrays.copyOf(b.toByteArray(), size);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The entry's bytes exactly as stored in the zip (its compressed data), found by scanning for its local header. */
    static byte[] storedBytes(Path zipFile, String name) throws IOException {
        long csize;
        try (ZipFile zf = new ZipFile(zipFile.toFile())) {
            csize = zf.getEntry(name).getCompressedSize();
        }
        byte[] all = Files.readAllBytes(zipFile);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 30 + n.length <= all.length; i++) {
            if (b.getInt(i) == 0x04034b50 && (b.getShort(i + 26) & 0xffff) == n.length
                    && Arrays.equals(all, i + 30, i + 30 + n.length, n, 0, n.length)) {
                int start = i + 30 + n.length + (b.getShort(i + 28) & 0xffff);
                return Arrays.copyOfRange(all, start, start + (int) csize);
            }
        }
        throw new IllegalStateException("no local header for " + name + " in " + zipFile);
    }

    static Map<String, byte[]> contents(Item... items) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (Item it : items) {
            m.put(it.name(), it.data());
        }
        return m;
    }
}
