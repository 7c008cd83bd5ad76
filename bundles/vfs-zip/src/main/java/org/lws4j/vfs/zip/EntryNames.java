package org.lws4j.vfs.zip;

/**
 * Which entry names may be served: only relative paths of plain segments. A name that could
 * mean something outside the zip when another tool extracts it ({@code ..}, absolute paths,
 * drive letters, backslashes) or that no URL can reach unambiguously (NUL, empty or {@code .}
 * segments) is never indexed.
 */
final class EntryNames {
    private EntryNames() {
    }

    /** Why {@code name} is refused, or null when it may be served. */
    static String problem(String name) {
        if (name.isEmpty()) {
            return "empty name";
        }
        if (name.indexOf('\0') >= 0) {
            return "name holds NUL";
        }
        if (name.indexOf('\\') >= 0) {
            return "name holds a backslash";
        }
        if (name.startsWith("/")) {
            return "absolute path";
        }
        if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
            return "drive-letter path";
        }
        String body = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String seg : body.split("/", -1)) {
            if (seg.equals("..")) {
                return "'..' segment";
            }
            if (seg.isEmpty() || seg.equals(".")) {
                return "empty or '.' segment";
            }
        }
        return null;
    }
}
