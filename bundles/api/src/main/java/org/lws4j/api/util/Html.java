package org.lws4j.api.util;

import org.osgi.annotation.versioning.ProviderType;

/** HTML for pages a protocol builds from what a request brought. Stateless and thread-safe. */
@ProviderType
public final class Html {
    private Html() {
    }

    /**
     * Escapes {@code s} for HTML element content and for attribute values in either quotes:
     * {@code & < > " '} become character references; control characters other than tab, line
     * feed and carriage return, which have no business in a page, become U+FFFD. Null is "".
     */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f ? "\uFFFD" : null;
            };
            if (rep != null && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (rep != null) {
                    out.append(rep);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }
}
