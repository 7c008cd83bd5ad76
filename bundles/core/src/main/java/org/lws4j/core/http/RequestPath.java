package org.lws4j.core.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A request path decoded segment by segment, with what the decoding revealed: dot segments
 * ("." or "..", as sent or percent-encoded), an encoded slash or a backslash inside a segment,
 * a NUL. Callers refuse paths by those flags before anything reaches a file system or protocol.
 */
public final class RequestPath {
    private final String decoded;
    private final List<String> segments;
    private final boolean trailingSlash;
    private final boolean dotSegment;
    private final boolean slashInSegment;
    private final boolean backslash;
    private final boolean nul;

    private RequestPath(String decoded, List<String> segments, boolean trailingSlash, boolean dotSegment,
                        boolean slashInSegment, boolean backslash, boolean nul) {
        this.decoded = decoded;
        this.segments = segments;
        this.trailingSlash = trailingSlash;
        this.dotSegment = dotSegment;
        this.slashInSegment = slashInSegment;
        this.backslash = backslash;
        this.nul = nul;
    }

    /**
     * Decodes {@code raw} (which starts with '/'), or returns null when it has a bad percent
     * escape or is not UTF-8 once decoded.
     */
    public static RequestPath parse(String raw) {
        List<String> segs = new ArrayList<>();
        StringBuilder joined = new StringBuilder(raw.length());
        boolean dot = false;
        boolean slash = false;
        boolean back = false;
        boolean zero = false;
        int i = raw.startsWith("/") ? 1 : 0;
        while (i <= raw.length()) {
            int end = raw.indexOf('/', i);
            if (end < 0) {
                end = raw.length();
            }
            String seg = decode(raw.substring(i, end));
            if (seg == null) {
                return null;
            }
            if (seg.equals(".") || seg.equals("..")) {
                dot = true;
            }
            // "..%2F..%2Fx" decodes to "../../x": a dot segment in disguise for whoever splits on '/'
            if (seg.indexOf('/') >= 0 || seg.indexOf('\\') >= 0) {
                for (String part : seg.split("[/\\\\]", -1)) {
                    if (part.equals(".") || part.equals("..")) {
                        dot = true;
                    }
                }
            }
            slash |= seg.indexOf('/') >= 0;
            back |= seg.indexOf('\\') >= 0;
            zero |= seg.indexOf('\0') >= 0;
            joined.append('/').append(seg);
            if (!seg.isEmpty()) {
                segs.add(seg);
            }
            i = end + 1;
        }
        return new RequestPath(joined.toString(), Collections.unmodifiableList(segs), raw.endsWith("/"),
                dot, slash, back, zero);
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteBuffer out = ByteBuffer.allocate(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int h = RequestHead.hex(s.charAt(i + 1));
                int l = RequestHead.hex(s.charAt(i + 2));
                if (h < 0 || l < 0) {
                    return null;
                }
                out.put((byte) (h * 16 + l));
                i += 2;
            } else {
                out.put((byte) c);
            }
        }
        out.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(out).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The whole path decoded, each segment joined with '/'. */
    public String decoded() {
        return decoded;
    }

    /** The non-empty segments, decoded. */
    public List<String> segments() {
        return segments;
    }

    public boolean trailingSlash() {
        return trailingSlash;
    }

    public boolean hasDotSegment() {
        return dotSegment;
    }

    public boolean hasSlashInSegment() {
        return slashInSegment;
    }

    public boolean hasBackslash() {
        return backslash;
    }

    public boolean hasNul() {
        return nul;
    }
}
