package org.lws4j.core.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** HTTP dates: IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in (RFC 9110 section 5.6.7). */
public final class HttpDates {
    private static final DateTimeFormatter IMF =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /**
     * RFC 850's two-digit year is the one in the century up to 50 years ahead of now (RFC 9110
     * 5.6.7): "94" is 1994, not 2094 (whose 6 November is no Sunday, so the date did not parse).
     */
    private static final DateTimeFormatter RFC850 = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(java.time.temporal.ChronoField.YEAR, 2, 2,
                    java.time.Year.now(ZoneOffset.UTC).getValue() - 49)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    /** The Date of this second, formatted once a second for every thread (an immutable pair, swapped whole). */
    private record Now(long second, String text) {
    }

    private static volatile Now now = new Now(-1, "");

    /**
     * The latest date {@link #format} made: a file's Last-Modified is the same date request after
     * request, and formatting it was 7% of the service thread's time serving a small static file.
     */
    private static volatile Now formatted = new Now(Long.MIN_VALUE, "");

    /** The Date header value for now; formats at most once a second, whichever thread asks. */
    public static String now() {
        long s = System.currentTimeMillis() / 1000;
        Now n = now;
        if (n.second() != s) {
            n = new Now(s, imf(s));
            now = n;
        }
        return n.text();
    }

    /** Formats epoch seconds as IMF-fixdate (the same value again from a one-entry cache). */
    public static String format(long epochSeconds) {
        Now f = formatted;
        if (f.second() != epochSeconds) {
            f = new Now(epochSeconds, imf(epochSeconds));
            formatted = f;
        }
        return f.text();
    }

    private static String imf(long epochSeconds) {
        return IMF.format(Instant.ofEpochSecond(epochSeconds));
    }

    /** Parses an HTTP date into epoch seconds, or returns -1 if it is none of the three forms. */
    public static long parse(String s) {
        if (s == null) {
            return -1;
        }
        for (DateTimeFormatter f : new DateTimeFormatter[] {IMF, RFC850, ASCTIME}) {
            try {
                return ZonedDateTime.parse(s.trim(), f).toEpochSecond();
            } catch (DateTimeParseException ignored) {
                // try the next form
            }
        }
        return -1;
    }
}
