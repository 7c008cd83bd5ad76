package org.lws4j.tls;

import java.util.List;
import java.util.Locale;

/**
 * Picks the vhost for a TLS SNI name among the vhosts of one listener, the way the core picks
 * one for a Host header, so that both agree: an exact name first (case-insensitive, a trailing
 * dot ignored), then the longest vhost name the SNI name ends with as a subdomain (vhost
 * {@code abc.com} takes {@code cats.abc.com}), else the first vhost, which also serves clients
 * that send no SNI.
 */
final class SniSelector {
    private SniSelector() {
    }

    /** The index in {@code names} (not empty) of the vhost serving {@code sni} (null for none). */
    static int select(List<String> names, String sni) {
        if (sni == null || sni.isEmpty()) {
            return 0;
        }
        String host = sni.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(host)) {
                return i;
            }
        }
        int best = -1;
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i).toLowerCase(Locale.ROOT);
            if (host.endsWith("." + n) && (best < 0 || n.length() > names.get(best).length())) {
                best = i;
            }
        }
        return best < 0 ? 0 : best;
    }
}
