package org.lws4j.core.h2;

import java.util.HashMap;
import java.util.Map;

/**
 * HPACK's static table (RFC 7541 Appendix A): 61 entries, indices 1 to 61, with look-ups by
 * name and by name and value for the encoder. Immutable; any thread.
 */
public final class StaticTable {
    private static final String[] PAIRS = {
            ":authority", "",
            ":method", "GET",
            ":method", "POST",
            ":path", "/",
            ":path", "/index.html",
            ":scheme", "http",
            ":scheme", "https",
            ":status", "200",
            ":status", "204",
            ":status", "206",
            ":status", "304",
            ":status", "400",
            ":status", "404",
            ":status", "500",
            "accept-charset", "",
            "accept-encoding", "gzip, deflate",
            "accept-language", "",
            "accept-ranges", "",
            "accept", "",
            "access-control-allow-origin", "",
            "age", "",
            "allow", "",
            "authorization", "",
            "cache-control", "",
            "content-disposition", "",
            "content-encoding", "",
            "content-language", "",
            "content-length", "",
            "content-location", "",
            "content-range", "",
            "content-type", "",
            "cookie", "",
            "date", "",
            "etag", "",
            "expect", "",
            "expires", "",
            "from", "",
            "host", "",
            "if-match", "",
            "if-modified-since", "",
            "if-none-match", "",
            "if-range", "",
            "if-unmodified-since", "",
            "last-modified", "",
            "link", "",
            "location", "",
            "max-forwards", "",
            "proxy-authenticate", "",
            "proxy-authorization", "",
            "range", "",
            "referer", "",
            "refresh", "",
            "retry-after", "",
            "server", "",
            "set-cookie", "",
            "strict-transport-security", "",
            "transfer-encoding", "",
            "user-agent", "",
            "vary", "",
            "via", "",
            "www-authenticate", "",
    };

    /** Entries in the table: the first dynamic index is one more. */
    public static final int LENGTH = PAIRS.length / 2;

    private static final HeaderField[] ENTRIES = new HeaderField[LENGTH + 1];
    private static final Map<String, Integer> BY_NAME = new HashMap<>();
    private static final Map<HeaderField, Integer> BY_FIELD = new HashMap<>();

    static {
        for (int i = 1; i <= LENGTH; i++) {
            HeaderField f = new HeaderField(PAIRS[2 * i - 2], PAIRS[2 * i - 1]);
            ENTRIES[i] = f;
            BY_NAME.putIfAbsent(f.name(), i);
            BY_FIELD.putIfAbsent(f, i);
        }
    }

    private StaticTable() {
    }

    /** The entry at {@code index}, 1 to {@link #LENGTH}. */
    public static HeaderField get(int index) {
        return ENTRIES[index];
    }

    /** The lowest index whose name is {@code name}, or 0. */
    public static int indexOfName(String name) {
        Integer i = BY_NAME.get(name);
        return i == null ? 0 : i;
    }

    /** The index of exactly {@code field}, or 0. */
    public static int indexOf(HeaderField field) {
        Integer i = BY_FIELD.get(field);
        return i == null ? 0 : i;
    }
}
