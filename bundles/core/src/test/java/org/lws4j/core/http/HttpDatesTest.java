package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** IMF-fixdate out, through the one-entry cache of {@link HttpDates#format}, and in. */
class HttpDatesTest {
    @Test
    void formatGivesEachDateItsOwnTextAndReusesTheLatest() {
        String epoch = HttpDates.format(0);
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", epoch);
        assertSame(epoch, HttpDates.format(0), "the same date again comes from the cache");
        assertEquals("Fri, 02 Jan 1970 00:00:00 GMT", HttpDates.format(86_400));
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", HttpDates.format(0), "a date after another is formatted anew");
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(784_111_777));
        // the Date header's own cache does not disturb it
        HttpDates.now();
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(784_111_777));
    }

    @Test
    void parseReadsImfFixdateAndAsctime() {
        assertEquals(784_111_777, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(784_111_777, HttpDates.parse("Sun Nov  6 08:49:37 1994"));
        assertEquals(-1, HttpDates.parse("yesterday"));
    }

    @Test
    void parseReadsRfc850WithItsTwoDigitYearInTheRightCentury() {
        assertEquals(784_111_777, HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(1_262_304_000, HttpDates.parse("Friday, 01-Jan-10 00:00:00 GMT"));
        assertEquals(-1, HttpDates.parse("Monday, 06-Nov-94 08:49:37 GMT"), "the wrong weekday for the date");
    }
}
