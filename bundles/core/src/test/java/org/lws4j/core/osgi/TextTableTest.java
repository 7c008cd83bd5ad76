package org.lws4j.core.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void columnsPadToTheWidestCellAndTheLastIsNotPadded() {
        StringBuilder out = new StringBuilder();
        new TextTable("  ").row("ID", "NAME", "X").row(12345, null, "long text").appendTo(out);
        assertEquals("  ID     NAME  X\n  12345  -     long text\n", out.toString());
    }

    @Test
    void sizesAndAges() {
        assertEquals("8 KiB", TextTable.size(8192));
        assertEquals("64 MiB", TextTable.size(64L << 20));
        assertEquals("1000 B", TextTable.size(1000));
        assertEquals("2 GiB", TextTable.size(2L << 30));
        assertEquals("850ms", TextTable.age(850));
        assertEquals("12.3s", TextTable.age(12_300));
        assertEquals("5m03s", TextTable.age(303_000));
        assertEquals("2h05m", TextTable.age(7_500_000));
    }
}
