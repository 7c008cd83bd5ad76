package org.lws4j.core.h2;

import java.util.function.LongSupplier;

/**
 * A token bucket for what a peer may make this side do for free: reset streams (CVE-2023-44487),
 * SETTINGS, PING, empty frames. It holds {@code burst} tokens and regains {@code perSecond} a
 * second; a peer that spends faster runs out, and the connection then answers GOAWAY
 * ENHANCE_YOUR_CALM. Time comes from the clock given (nanoseconds), so tests need no sleeps.
 * Service thread only.
 */
public final class Budget {
    /** A budget's size: how many at once, how many a second after that. */
    public record Rate(int burst, int perSecond) {
    }

    private final Rate rate;
    private final LongSupplier clock;
    private double tokens;
    private long last;

    public Budget(Rate rate, LongSupplier clock) {
        this.rate = rate;
        this.clock = clock;
        this.tokens = rate.burst();
        this.last = clock.getAsLong();
    }

    /** Takes one token; false when none is left. */
    public boolean spend() {
        long now = clock.getAsLong();
        tokens = Math.min(rate.burst(), tokens + (now - last) * 1e-9 * rate.perSecond());
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }
}
