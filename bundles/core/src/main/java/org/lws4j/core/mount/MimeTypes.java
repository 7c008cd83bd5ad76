package org.lws4j.core.mount;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** File suffix to Content-Type, plus a mount's "extra-mimetypes" which win. */
public final class MimeTypes {
    private static final Map<String, String> BUILT_IN = new HashMap<>();

    static {
        String[][] t = {
            {".html", "text/html"}, {".htm", "text/html"}, {".css", "text/css"}, {".js", "text/javascript"},
            {".mjs", "text/javascript"}, {".json", "application/json"}, {".map", "application/json"},
            {".txt", "text/plain"}, {".text", "text/plain"}, {".csv", "text/csv"}, {".xml", "application/xml"},
            {".md", "text/markdown"}, {".svg", "image/svg+xml"}, {".png", "image/png"}, {".jpg", "image/jpeg"},
            {".jpeg", "image/jpeg"}, {".gif", "image/gif"}, {".webp", "image/webp"}, {".avif", "image/avif"},
            {".ico", "image/x-icon"}, {".bmp", "image/bmp"}, {".woff", "font/woff"}, {".woff2", "font/woff2"},
            {".ttf", "font/ttf"}, {".otf", "font/otf"}, {".wasm", "application/wasm"}, {".pdf", "application/pdf"},
            {".zip", "application/zip"}, {".gz", "application/gzip"}, {".tar", "application/x-tar"},
            {".mp3", "audio/mpeg"}, {".ogg", "audio/ogg"}, {".wav", "audio/wav"}, {".mp4", "video/mp4"},
            {".webm", "video/webm"}, {".webmanifest", "application/manifest+json"},
        };
        for (String[] e : t) {
            BUILT_IN.put(e[0], e[1]);
        }
    }

    private MimeTypes() {
    }

    /** The type for {@code fileName}: extra mappings first, then the built-in table, else octet-stream. */
    public static String forName(String fileName, Map<String, String> extra) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return "application/octet-stream";
        }
        String suffix = fileName.substring(dot).toLowerCase(Locale.ROOT);
        String t = extra.get(suffix);
        if (t == null) {
            t = BUILT_IN.get(suffix);
        }
        return t == null ? "application/octet-stream" : t;
    }
}
