package org.lws4j.core.vhost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.lws4j.core.config.MountConfig;

/**
 * A vhost's mounts, matched by the longest mountpoint that is a whole-segment prefix of the path:
 * {@code /dyn} takes {@code /dyn}, {@code /dyn/} and {@code /dyn/x}, never {@code /dynamo}.
 */
public final class MountTable {
    private final List<MountConfig> byLength;

    public MountTable(List<MountConfig> mounts) {
        byLength = new ArrayList<>(mounts);
        byLength.sort(Comparator.comparingInt((MountConfig m) -> trimmed(m.mountpoint()).length()).reversed());
    }

    /** The mount for a decoded path, or null. */
    public MountConfig match(String path) {
        for (MountConfig m : byLength) {
            String mp = trimmed(m.mountpoint());
            if (mp.isEmpty()) {
                return m; // "/" takes everything
            }
            if (path.startsWith(mp) && (path.length() == mp.length() || path.charAt(mp.length()) == '/')) {
                return m;
            }
        }
        return null;
    }

    /** The part of {@code path} below {@code m}'s mountpoint, starting with '/' (or empty at the mountpoint itself). */
    public static String remainder(MountConfig m, String path) {
        String mp = trimmed(m.mountpoint());
        return path.substring(Math.min(mp.length(), path.length()));
    }

    /** The length of the mountpoint without its trailing slash. */
    public static int trimmedLength(MountConfig m) {
        return trimmed(m.mountpoint()).length();
    }

    /** How many path segments the mountpoint has ("/" has none, "/a/b" two). */
    public static int segmentCount(MountConfig m) {
        int n = 0;
        for (String s : trimmed(m.mountpoint()).split("/")) {
            if (!s.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    /** The mountpoint without its trailing slash ("/" becomes ""). */
    static String trimmed(String mountpoint) {
        return mountpoint.endsWith("/") ? mountpoint.substring(0, mountpoint.length() - 1) : mountpoint;
    }
}
