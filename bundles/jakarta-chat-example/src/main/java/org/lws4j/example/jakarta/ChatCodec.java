package org.lws4j.example.jakarta;

import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;

/**
 * The chat's wire format. In: plain text, or a JSON object {@code {"from": "...", "text": "..."}}
 * (the demo page sends that). Out: {@code {"room": "...", "from": "...", "text": "...", "time": N}}.
 * A tiny reader for exactly these objects, so the example needs nothing but the Jakarta API. One
 * instance per session, called on the session's service thread (decoding) and on the broadcast
 * thread (encoding).
 */
public final class ChatCodec {
    private ChatCodec() {
    }

    /** Text in. */
    public static final class Decode implements Decoder.Text<ChatMessage> {
        @Override
        public ChatMessage decode(String s) throws DecodeException {
            String t = s.trim();
            if (!t.startsWith("{")) {
                return new ChatMessage(null, null, s, 0);
            }
            String text = field(t, "text");
            if (text == null) {
                throw new DecodeException(s, "a JSON chat message needs a \"text\" field");
            }
            return new ChatMessage(null, field(t, "from"), text, 0);
        }

        @Override
        public boolean willDecode(String s) {
            return s != null && s.length() <= 4096;
        }
    }

    /** JSON out. */
    public static final class Encode implements Encoder.Text<ChatMessage> {
        @Override
        public String encode(ChatMessage m) throws EncodeException {
            return "{\"room\":" + quote(m.room()) + ",\"from\":" + quote(m.from()) + ",\"text\":" + quote(m.text())
                    + ",\"time\":" + m.time() + "}";
        }
    }

    /** The string value of a top-level field, or null; understands the escapes {@link #quote} writes. */
    static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\"");
        if (i < 0) {
            return null;
        }
        i = json.indexOf(':', i);
        int q = i < 0 ? -1 : json.indexOf('"', i);
        if (q < 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int k = q + 1; k < json.length(); k++) {
            char c = json.charAt(k);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\' && k + 1 < json.length()) {
                char e = json.charAt(++k);
                if (e == 'u' && k + 4 < json.length()) {
                    b.append((char) Integer.parseInt(json.substring(k + 1, k + 5), 16));
                    k += 4;
                } else {
                    b.append(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
                }
            } else {
                b.append(c);
            }
        }
        return null;
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
