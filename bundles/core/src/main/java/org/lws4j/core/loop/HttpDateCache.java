package org.lws4j.core.loop;

import org.lws4j.core.http.HttpDates;

/** The Date header value, formatted once a second per thread. */
final class HttpDateCache {
    private long second = -1;
    private String text;

    String now() {
        long s = System.currentTimeMillis() / 1000;
        if (s != second) {
            second = s;
            text = HttpDates.format(s);
        }
        return text;
    }
}
