package org.lws4j.core.h2;

import java.util.List;
import java.util.Set;

/**
 * Encodes header lists into HPACK blocks (RFC 7541) for the peer's decoder: a field found whole
 * in the static or dynamic table is sent as an index; otherwise as a literal with its name
 * indexed when the tables have it (the static table first, as the appendix C examples do),
 * with incremental indexing, without indexing or never indexed as the caller or the default
 * policy chooses. With Huffman on, a string is Huffman-coded unless that is longer (at equal
 * length too, as Appendix C codes "307").
 *
 * <p>Default policy: credentials and short cookies are never indexed (RFC 7541 7.1.3, so an
 * intermediary cannot learn them by guessing); a field that would take most of the table is
 * sent without indexing so it does not flush it; the rest is indexed.
 *
 * <p>Table size: the peer's SETTINGS_HEADER_TABLE_SIZE caps ours; changes are signalled at the
 * start of the next block, the smallest size seen first when it went down and up again (4.2).
 *
 * <p>One per connection, used on its service thread only; blocks are written into the caller's
 * {@link BlockBuffer}.
 */
public final class HpackEncoder {
    /** How a literal field is represented (RFC 7541 6.2). */
    public enum Indexing { INCREMENTAL, WITHOUT, NEVER }

    private static final Set<String> SENSITIVE = Set.of("authorization", "proxy-authorization");
    private static final int SHORT_COOKIE = 20;

    private final DynamicTable table;
    private final int ownLimit;
    private final boolean huffman;
    private int pendingMin = -1;
    private boolean pendingUpdate;

    /**
     * @param ownLimit the most table this side will keep, whatever the peer allows
     * @param huffman  whether strings may be Huffman-coded (when not longer)
     */
    public HpackEncoder(int ownLimit, boolean huffman) {
        this.ownLimit = ownLimit;
        this.huffman = huffman;
        this.table = new DynamicTable(Math.min(ownLimit, 4096));
    }

    public DynamicTable table() {
        return table;
    }

    /** The peer's SETTINGS_HEADER_TABLE_SIZE; applied at the start of the next block. */
    public void setPeerTableSize(long peerSize) {
        int size = (int) Math.min(ownLimit, peerSize);
        if (size == table.maxSize() && !pendingUpdate) {
            return;
        }
        pendingMin = pendingMin < 0 ? size : Math.min(pendingMin, size);
        pendingMin = Math.min(pendingMin, table.maxSize());
        pendingUpdate = true;
        table.setMaxSize(size);
    }

    /** Encodes {@code fields} as one block with the default policy. */
    public void encode(List<HeaderField> fields, BlockBuffer out) {
        startBlock(out);
        for (HeaderField f : fields) {
            encode(f, policy(f), out);
        }
    }

    /** Writes the table size updates a block must start with, if any; call before {@link #encode(HeaderField, Indexing, BlockBuffer)}. */
    public void startBlock(BlockBuffer out) {
        if (!pendingUpdate) {
            return;
        }
        if (pendingMin < table.maxSize()) {
            HpackInteger.encode(out, 0x20, 5, pendingMin);
        }
        HpackInteger.encode(out, 0x20, 5, table.maxSize());
        pendingUpdate = false;
        pendingMin = -1;
    }

    /** Encodes one field; the index is used whenever the tables hold the whole field. */
    public void encode(HeaderField field, Indexing indexing, BlockBuffer out) {
        if (indexing != Indexing.NEVER) {
            int index = indexOf(field);
            if (index > 0) {
                HpackInteger.encode(out, 0x80, 7, index);
                return;
            }
        }
        int nameIndex = indexOfName(field.name());
        switch (indexing) {
            case INCREMENTAL -> HpackInteger.encode(out, 0x40, 6, nameIndex);
            case WITHOUT -> HpackInteger.encode(out, 0x00, 4, nameIndex);
            case NEVER -> HpackInteger.encode(out, 0x10, 4, nameIndex);
        }
        if (nameIndex == 0) {
            string(field.name(), out);
        }
        string(field.value(), out);
        if (indexing == Indexing.INCREMENTAL) {
            table.add(field);
        }
    }

    /** The default policy for {@code field}. */
    public Indexing policy(HeaderField field) {
        String name = field.name();
        if (SENSITIVE.contains(name) || name.equals("cookie") && field.value().length() < SHORT_COOKIE) {
            return Indexing.NEVER;
        }
        if (field.size() > table.maxSize() * 3 / 4) {
            return Indexing.WITHOUT;
        }
        return Indexing.INCREMENTAL;
    }

    private int indexOf(HeaderField field) {
        int i = StaticTable.indexOf(field);
        if (i > 0) {
            return i;
        }
        i = table.indexOf(field);
        return i > 0 ? StaticTable.LENGTH + i : 0;
    }

    private int indexOfName(String name) {
        int i = StaticTable.indexOfName(name);
        if (i > 0) {
            return i;
        }
        i = table.indexOfName(name);
        return i > 0 ? StaticTable.LENGTH + i : 0;
    }

    private void string(String s, BlockBuffer out) {
        if (huffman) {
            int coded = Huffman.encodedLength(s);
            if (coded <= s.length()) {
                HpackInteger.encode(out, 0x80, 7, coded);
                Huffman.encode(s, out);
                return;
            }
        }
        HpackInteger.encode(out, 0x00, 7, s.length());
        for (int i = 0; i < s.length(); i++) {
            out.put(s.charAt(i) & 0xff);
        }
    }
}
