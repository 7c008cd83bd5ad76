package org.lws4j.core.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.lws4j.core.h2.HeaderField;

/**
 * An HTTP/1.1 request head our client roles wrote, as the HTTP/2 field block of its stream (RFC
 * 9113 section 8.3.1): pseudo-header fields first, names lower-case, the Host field as
 * {@code :authority}, the fields HTTP/2 forbids (connection-specific ones) left out. A WebSocket
 * upgrade becomes an RFC 8441 extended CONNECT ({@code :protocol websocket}), keeping
 * Sec-WebSocket-Version, -Protocol and -Extensions and dropping the key (the role's, kept here to
 * answer it). Immutable.
 *
 * @param error         why the head cannot go as HTTP/2, or null
 * @param websocketKey  the Sec-WebSocket-Key of an upgrade, or null for a plain request
 * @param contentLength the Content-Length, or -1
 */
record ClientRequestHead(List<HeaderField> fields, String websocketKey, boolean chunked, long contentLength,
                         String error) {
    private static final Set<String> DROPPED = Set.of("host", "connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "http2-settings");

    static ClientRequestHead parse(String head, String scheme) {
        String[] lines = head.split("\r\n");
        String[] first = lines[0].split(" ");
        if (first.length != 3) {
            return failed("bad request line: " + lines[0]);
        }
        List<HeaderField> regular = new ArrayList<>();
        String host = null;
        String key = null;
        boolean upgrade = false;
        boolean chunked = false;
        long length = -1;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            if (l.isEmpty()) {
                break;
            }
            int colon = l.indexOf(':');
            if (colon <= 0) {
                return failed("bad header line: " + l);
            }
            String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = l.substring(colon + 1).trim();
            switch (name) {
                case "host" -> host = value;
                case "upgrade" -> upgrade = value.equalsIgnoreCase("websocket");
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return failed("bad Content-Length: " + value);
                    }
                }
                case "sec-websocket-key" -> key = value;
                default -> {
                }
            }
            if (!DROPPED.contains(name) && !name.equals("sec-websocket-key") && !(name.equals("te") && !value.equals("trailers"))) {
                regular.add(new HeaderField(name, value));
            }
        }
        if (host == null) {
            return failed("request without Host");
        }
        List<HeaderField> fields = new ArrayList<>(regular.size() + 5);
        boolean websocket = upgrade && key != null;
        if (websocket) {
            fields.add(new HeaderField(":method", "CONNECT"));
            fields.add(new HeaderField(":protocol", "websocket"));
        } else {
            fields.add(new HeaderField(":method", first[0]));
        }
        fields.add(new HeaderField(":scheme", scheme));
        fields.add(new HeaderField(":authority", host));
        fields.add(new HeaderField(":path", first[1]));
        fields.addAll(regular);
        return new ClientRequestHead(List.copyOf(fields), websocket ? key : null, chunked, length, null);
    }

    private static ClientRequestHead failed(String why) {
        return new ClientRequestHead(List.of(), null, false, -1, why);
    }
}
