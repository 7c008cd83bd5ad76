package org.lws4j.core.h2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes HPACK header blocks (RFC 7541) into header lists, keeping the dynamic table in step
 * with the peer's encoder.
 *
 * <p>The header list size limit (RFC 9113 section 6.5.2: name, value and 32 octets per field)
 * is enforced while decoding, before a string is built: a literal whose declared length would
 * pass the limit is skipped, not decoded. Once past the limit the rest of the block is still
 * read, so that the table stays in step and only the one stream is refused, but nothing more
 * is added to the list; strings are decoded then only when they enter the table, which holds
 * at most its maximum size. Memory is thus bounded by the block (which the connection bounds)
 * and the table, whatever the block says.
 *
 * <p>Errors (all COMPRESSION_ERROR, a connection error: the table can no longer be trusted):
 * truncated or overflowing integers and strings, index 0 or past the tables, a table size
 * update above the limit we announced, or after a field, or missing when a lowered limit
 * requires one; bad Huffman coding.
 *
 * <p>One per connection, used on its service thread only. The block buffer is read from its
 * position to its limit during the call and not kept.
 */
public final class HpackDecoder {
    private final DynamicTable table;
    private int tableSizeLimit;
    private int maxListSize;
    private boolean sizeUpdateRequired;
    private int lastListSize;

    /**
     * @param tableSizeLimit the SETTINGS_HEADER_TABLE_SIZE this side announced (4096 by default)
     * @param maxListSize    the largest header list this side accepts
     */
    public HpackDecoder(int tableSizeLimit, int maxListSize) {
        this.table = new DynamicTable(tableSizeLimit);
        this.tableSizeLimit = tableSizeLimit;
        this.maxListSize = maxListSize;
    }

    /**
     * Applies a new SETTINGS_HEADER_TABLE_SIZE of ours once the peer acknowledged it; a lower
     * one obliges the peer to start its next block with a size update (RFC 7541 4.2).
     */
    public void setTableSizeLimit(int limit) {
        if (limit < table.maxSize()) {
            sizeUpdateRequired = true;
        }
        tableSizeLimit = limit;
    }

    public void setMaxListSize(int maxListSize) {
        this.maxListSize = maxListSize;
    }

    public DynamicTable table() {
        return table;
    }

    /** The RFC 9113 size of the last block's list, counted up to where the limit stopped it. */
    public int lastListSize() {
        return lastListSize;
    }

    /**
     * Decodes one complete header block, from {@code block}'s position to its limit.
     *
     * @param out receives the fields in order when the list fits the limit; cleared otherwise
     * @return true when the list fits, false when it passed the limit (the table is still in step)
     * @throws H2Exception COMPRESSION_ERROR, a connection error
     */
    public boolean decode(ByteBuffer block, List<HeaderField> out) throws H2Exception {
        long listSize = 0;
        boolean over = false;
        boolean atStart = true;
        while (block.hasRemaining()) {
            int b = block.get(block.position()) & 0xff;
            if ((b & 0xe0) == 0x20) {
                if (!atStart) {
                    throw error("table size update after a field");
                }
                int size = HpackInteger.decode(block, 5);
                if (size > tableSizeLimit) {
                    throw error("table size update " + size + " above " + tableSizeLimit);
                }
                table.setMaxSize(size);
                sizeUpdateRequired = false;
                continue;
            }
            if (sizeUpdateRequired) {
                throw error("table size update required at the start of the block");
            }
            atStart = false;
            HeaderField field;
            if ((b & 0x80) != 0) {
                field = indexed(HpackInteger.decode(block, 7));
            } else {
                boolean indexing = (b & 0xc0) == 0x40;
                field = literal(block, indexing ? 6 : 4, indexing, over ? -1 : maxListSize - listSize);
            }
            if (field == null) {
                over = true;
                continue;
            }
            listSize += field.size();
            if (over || listSize > maxListSize) {
                over = true;
                continue;
            }
            out.add(field);
        }
        lastListSize = (int) Math.min(Integer.MAX_VALUE, listSize);
        if (over) {
            out.clear();
        }
        return !over;
    }

    private HeaderField indexed(int index) throws H2Exception {
        if (index == 0) {
            throw error("index 0");
        }
        if (index <= StaticTable.LENGTH) {
            return StaticTable.get(index);
        }
        int dynamic = index - StaticTable.LENGTH;
        if (dynamic > table.length()) {
            throw error("index " + index + " past the tables");
        }
        return table.get(dynamic);
    }

    /**
     * Reads a literal field (RFC 7541 6.2). {@code budget} is what the list may still take, or
     * -1 when it is already over: then only a field entering the table is built.
     *
     * @return the field, or null when it was skipped because it would pass the limit
     */
    private HeaderField literal(ByteBuffer block, int prefix, boolean indexing, long budget)
            throws H2Exception {
        int nameIndex = HpackInteger.decode(block, prefix);
        String name;
        if (nameIndex != 0) {
            name = indexed(nameIndex).name();
        } else {
            name = string(block, indexing, budget - HeaderField.OVERHEAD);
            if (name == null) {
                skipString(block);
                return skipped(indexing);
            }
        }
        String value = string(block, indexing, budget - HeaderField.OVERHEAD - name.length());
        if (value == null) {
            return skipped(indexing);
        }
        HeaderField field = new HeaderField(name, value);
        if (indexing) {
            table.add(field);
        }
        return field;
    }

    /**
     * A literal skipped with indexing was too large for the table: adding it would have emptied
     * the table (RFC 7541 4.4), so empty it, as the peer's encoder did.
     */
    private HeaderField skipped(boolean indexing) {
        if (indexing) {
            table.clear();
        }
        return null;
    }

    /**
     * Reads one string literal (RFC 7541 5.2). When it cannot fit {@code room} octets it is
     * skipped and null returned, unless {@code indexing} (then it is built when it can fit the
     * table, for the table's sake).
     */
    private String string(ByteBuffer block, boolean indexing, long room) throws H2Exception {
        if (!block.hasRemaining()) {
            throw error("string cut short");
        }
        boolean huffman = (block.get(block.position()) & 0x80) != 0;
        int length = HpackInteger.decode(block, 7);
        if (length > block.remaining()) {
            throw error("string of " + length + " octets past the block");
        }
        int least = huffman ? Huffman.minDecodedLength(length) : length;
        boolean fitsList = room >= 0 && least <= room;
        boolean fitsTable = indexing && least <= table.maxSize();
        if (!fitsList && !fitsTable) {
            block.position(block.position() + length);
            return null;
        }
        if (!huffman) {
            byte[] raw = new byte[length];
            block.get(raw);
            return new String(raw, StandardCharsets.ISO_8859_1);
        }
        byte[] decoded = new byte[Huffman.maxDecodedLength(length)];
        int n = Huffman.decode(block, length, decoded);
        return new String(decoded, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static void skipString(ByteBuffer block) throws H2Exception {
        if (!block.hasRemaining()) {
            throw error("string cut short");
        }
        int length = HpackInteger.decode(block, 7);
        if (length > block.remaining()) {
            throw error("string of " + length + " octets past the block");
        }
        block.position(block.position() + length);
    }

    private static H2Exception error(String message) {
        return H2Exception.connection(ErrorCode.COMPRESSION_ERROR, message);
    }
}
