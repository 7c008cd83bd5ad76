package org.lws4j.core.vhost;

import java.util.List;
import java.util.Locale;

/**
 * Picks the vhost for a Host header (or TLS SNI name) among the vhosts of one listener:
 * the {@code :port} is stripped, then an exact name match wins, then the longest wildcard match
 * (vhost {@code abc.com} takes {@code cats.abc.com}), else the listener's first vhost.
 */
public final class VhostMatcher {
    private VhostMatcher() {
    }

    /** The vhost for {@code hostHeader} (null or empty allowed) among {@code candidates}, in order. */
    public static <V extends Named> V match(List<V> candidates, String hostHeader) {
        if (candidates.isEmpty()) {
            return null;
        }
        String host = hostName(hostHeader);
        if (host != null) {
            for (V v : candidates) {
                if (v.name().equalsIgnoreCase(host)) {
                    return v;
                }
            }
            V best = null;
            for (V v : candidates) {
                String n = v.name().toLowerCase(Locale.ROOT);
                if (host.endsWith("." + n) && (best == null || n.length() > best.name().length())) {
                    best = v;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return candidates.get(0);
    }

    /**
     * The host part of a Host header value, lower case, without port or trailing dot; IPv6
     * literals keep their brackets. Null for null or empty input.
     */
    public static String hostName(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        String h = hostHeader.trim();
        if (h.isEmpty()) {
            return null;
        }
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            h = close > 0 ? h.substring(0, close + 1) : h;
        } else {
            int colon = h.lastIndexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    /** Anything with a vhost name. */
    public interface Named {
        String name();
    }
}
