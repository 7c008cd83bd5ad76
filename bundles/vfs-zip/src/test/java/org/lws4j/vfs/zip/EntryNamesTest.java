package org.lws4j.vfs.zip;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class EntryNamesTest {
    @Test
    void plainRelativeNamesPass() {
        for (String ok : new String[] {"index.html", "a/b/c.png", "folder/", "été/ω.txt", "a..b", "..a", ".hidden", "ab:c", "a/b:c"}) {
            assertNull(EntryNames.problem(ok), ok);
        }
    }

    @Test
    void namesThatCouldEscapeOrConfuseAreRefused() {
        for (String bad : new String[] {"", "..", "../a", "a/..", "a/../b", "a/../../b", "/a", "//a", "\\a", "a\\b",
            "..\\a", "C:/a", "c:a", "a\0b", "./a", "a/./b", "a//b", "../"}) {
            assertNotNull(EntryNames.problem(bad), bad);
        }
    }
}
