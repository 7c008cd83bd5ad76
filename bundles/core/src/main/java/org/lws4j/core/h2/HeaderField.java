package org.lws4j.core.h2;

/**
 * One header field as HPACK carries it: name and value are octets, held as ISO-8859-1 strings
 * so that every octet maps to one char and back ({@link String#length()} is the octet count).
 * Immutable; shared freely between threads and between the dynamic table and decoded lists.
 */
public record HeaderField(String name, String value) {
    /** The per-entry overhead of RFC 7541 section 4.1 and RFC 9113 section 6.5.2. */
    public static final int OVERHEAD = 32;

    public HeaderField {
        if (name == null || value == null) {
            throw new NullPointerException("name and value must not be null");
        }
    }

    /** The size RFC 7541 4.1 counts: name and value octets plus 32. */
    public int size() {
        return name.length() + value.length() + OVERHEAD;
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
