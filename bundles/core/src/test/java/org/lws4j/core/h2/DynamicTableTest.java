package org.lws4j.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DynamicTableTest {
    private static HeaderField f(String name, String value) {
        return new HeaderField(name, value);
    }

    @Test
    void newestFirstAndSizesCounted() {
        DynamicTable t = new DynamicTable(4096);
        t.add(f("a", "1"));
        t.add(f("bb", "22"));
        assertEquals(2, t.length());
        assertEquals(34 + 36, t.size());
        assertEquals(f("bb", "22"), t.get(1));
        assertEquals(f("a", "1"), t.get(2));
        assertEquals(2, t.indexOf(f("a", "1")));
        assertEquals(1, t.indexOfName("bb"));
        assertEquals(0, t.indexOfName("c"));
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(3));
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(0));
    }

    @Test
    void additionsEvictTheOldest() {
        DynamicTable t = new DynamicTable(100);
        t.add(f("a", "1")); // 34
        t.add(f("b", "2")); // 68
        t.add(f("c", "3")); // 102 > 100: a goes
        assertEquals(2, t.length());
        assertEquals(68, t.size());
        assertEquals(f("b", "2"), t.get(2));
    }

    @Test
    void anEntryLargerThanTheTableEmptiesIt() {
        DynamicTable t = new DynamicTable(64);
        t.add(f("a", "1"));
        t.add(f("name", "a value that makes this entry larger than sixty-four"));
        assertEquals(0, t.length());
        assertEquals(0, t.size());
    }

    @Test
    void aSmallerMaximumEvicts() {
        DynamicTable t = new DynamicTable(4096);
        for (int i = 0; i < 100; i++) {
            t.add(f("k" + i, "v"));
        }
        assertEquals(100, t.length());
        t.setMaxSize(72);
        assertEquals(2, t.length());
        assertEquals(f("k99", "v"), t.get(1));
        t.setMaxSize(0);
        assertEquals(0, t.length());
        t.add(f("a", "b"));
        assertEquals(0, t.length());
    }

    @Test
    void growsAndWrapsAround() {
        DynamicTable t = new DynamicTable(35 * 40);
        for (int i = 0; i < 1000; i++) {
            t.add(f("k", String.format("%02d", i % 100)));
            assertEquals(f("k", String.format("%02d", i % 100)), t.get(1));
        }
        assertEquals(40, t.length());
        assertEquals(f("k", "60"), t.get(40));
    }
}
