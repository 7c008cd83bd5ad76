package org.lws4j.vfs.zip;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * MS-DOS date and time fields as zips store them: local time of the machine that wrote the zip,
 * two-second steps, no zone. Read in this machine's zone, as java.util.zip does; an extended
 * timestamp extra field (UTC) is preferred when the zip has one.
 */
final class DosTime {
    private DosTime() {
    }

    /** Epoch milliseconds, or -1 for a zero or impossible date. */
    static long toEpochMillis(int date, int time) {
        if (date == 0) {
            return -1;
        }
        try {
            LocalDateTime t = LocalDateTime.of(((date >> 9) & 0x7f) + 1980, (date >> 5) & 0x0f, date & 0x1f,
                    (time >> 11) & 0x1f, (time >> 5) & 0x3f, (time & 0x1f) * 2);
            return t.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (DateTimeException e) {
            return -1;
        }
    }
}
