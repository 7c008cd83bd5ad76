package org.lws4j.core.config;

/** How config strings are read as flags; lwsws writes every value as a string. */
public final class ConfigValues {
    private ConfigValues() {
    }

    /** "1", "true", "yes" and "on" (any case) are true; everything else is false. */
    public static boolean isTrue(String v) {
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        return s.equals("1") || s.equals("true") || s.equals("yes") || s.equals("on");
    }
}
