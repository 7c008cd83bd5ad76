package org.lws4j.vfs.zip;

/**
 * One file of a zip as its central directory describes it. Sizes and the CRC come from the
 * central directory (never from the local header, which may defer them to a data descriptor);
 * the local header offset is absolute in the container, so a zip behind a prefix (a
 * self-extracting stub) works.
 *
 * @param method 0 STORED, 8 DEFLATE; others are indexed but refused at open
 * @param gpFlags the general purpose bit flags (bit 0: encrypted)
 * @param crc the CRC-32 of the uncompressed bytes
 * @param modified epoch milliseconds, or -1 when the zip records no usable time
 */
record IndexedEntry(String name, int method, int gpFlags, long crc, long compressedSize, long size,
                    long localHeaderOffset, long modified) {
    static final int STORED = 0;
    static final int DEFLATED = 8;

    boolean encrypted() {
        return (gpFlags & 1) != 0;
    }
}
