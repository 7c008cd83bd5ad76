package org.lws4j.core.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory copy's own rules: what drops an entry, and its bounds. */
class SmallFilesTest {
    @TempDir
    Path dir;

    private SmallFiles.Entry keep(SmallFiles s, String key, Path f) throws IOException {
        BasicFileAttributes a = SmallFiles.attributes(f);
        return s.put(key, f, f.toString(), a, ByteBuffer.wrap(Files.readAllBytes(f)), "text/plain", "\"e\"", "lm", 0);
    }

    @Test
    void aChangeOfPermissionsDropsTheEntry() throws IOException {
        // the read permission is what would refuse the file the long way (403); as root that
        // check passes whatever the bits say, so the bits themselves are what is compared
        Path f = Files.writeString(dir.resolve("a.txt"), "hello");
        SmallFiles s = new SmallFiles();
        assertNotNull(keep(s, "/a.txt", f));
        assertNotNull(s.get("/a.txt"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("-w-------"));
        assertNull(s.get("/a.txt"));
        assertEquals(0, s.size());
        assertEquals(0, s.bytes());
    }

    @Test
    void aFileThatChangedWhileItWasReadIsNotKept() throws IOException {
        Path f = Files.writeString(dir.resolve("a.txt"), "hello");
        BasicFileAttributes before = SmallFiles.attributes(f);
        ByteBuffer longer = ByteBuffer.wrap("hello, and more".getBytes());
        assertNull(new SmallFiles().put("/a.txt", f, f.toString(), before, longer, "text/plain", "\"e\"", "lm", 0));
    }

    @Test
    void bigFilesAreNotKeptAndTheTotalIsBounded() throws IOException {
        SmallFiles s = new SmallFiles();
        Path big = Files.write(dir.resolve("big.bin"), new byte[SmallFiles.MAX_FILE + 1]);
        assertNull(keep(s, "/big.bin", big));
        byte[] piece = new byte[SmallFiles.MAX_FILE];
        int fit = (int) (SmallFiles.MAX_TOTAL / SmallFiles.MAX_FILE);
        for (int i = 0; i < fit; i++) {
            assertNotNull(keep(s, "/" + i, Files.write(dir.resolve(i + ".bin"), piece)), "file " + i);
        }
        assertNull(keep(s, "/one-more", Files.write(dir.resolve("more.bin"), piece)), "past the total");
        assertEquals(SmallFiles.MAX_TOTAL, s.bytes());
        Files.delete(dir.resolve("0.bin"));
        assertNull(s.get("/0"), "gone from disk: gone from memory");
        assertNotNull(keep(s, "/one-more", dir.resolve("more.bin")), "room again");
    }

    @Test
    void keysTellPathsTrailingSlashesAndDefaultDocumentsApart() {
        assertEquals(3, java.util.Set.of(
                SmallFiles.key(List.of("a", "b"), false, "index.html"),
                SmallFiles.key(List.of("a", "b"), true, "index.html"),
                SmallFiles.key(List.of("a", "b"), false, "other.html")).size());
    }

    @Test
    void segmentsTheOriginRefusesHaveNoKey() {
        // "a%2Fb" decodes to one segment "a/b": it must stay the origin's 403, not find "a/b"
        for (String bad : new String[] {"a/b", "a\\b", "a\0b", ".", ".."}) {
            assertNull(SmallFiles.key(List.of("x", bad), false, "index.html"), bad);
        }
        assertNull(new SmallFiles().get(null));
    }
}
