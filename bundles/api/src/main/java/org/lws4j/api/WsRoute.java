package org.lws4j.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a {@link WsRouter} answers to a WebSocket upgrade it takes: accept it (with the session
 * object the connection will carry, the {@code Sec-WebSocket-Protocol} to answer, extra response
 * headers, the extensions it may negotiate) or refuse it with a status. lws's
 * FILTER_PROTOCOL_CONNECTION and ADD_HEADERS in one answer.
 *
 * <p>Made and filled on the service thread inside {@link WsRouter#route}; the core reads it once
 * the call returns and keeps nothing of it but the session.
 */
public final class WsRoute {
    /** Headers the core writes itself; {@link #header} refuses them. */
    private static final Set<String> RESERVED = Set.of("upgrade", "connection", "sec-websocket-accept",
            "sec-websocket-protocol", "sec-websocket-extensions", "content-length", "transfer-encoding");

    private final int status;
    private final String message;
    private final Object session;
    private String subprotocol;
    private final List<String[]> headers = new ArrayList<>();
    private Set<String> extensions;

    private WsRoute(int status, String message, Object session) {
        this.status = status;
        this.message = message;
        this.session = session;
    }

    /** Takes the upgrade; {@code session} becomes the connection's {@link Connection#session()}. */
    public static WsRoute accept(Object session) {
        return new WsRoute(101, null, session);
    }

    /** Refuses the upgrade with an HTTP {@code status} (400-599) and a short message for the page. */
    public static WsRoute refuse(int status, String message) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a refusal needs a 4xx or 5xx status, not " + status);
        }
        return new WsRoute(status, message, null);
    }

    /** The {@code Sec-WebSocket-Protocol} to answer (one the client offered), or null for none. */
    public WsRoute subprotocol(String name) {
        this.subprotocol = name == null || name.isEmpty() ? null : checked(name);
        return this;
    }

    /** Adds a header to the 101 response; the handshake's own headers cannot be set this way. */
    public WsRoute header(String name, String value) {
        if (RESERVED.contains(checked(name).toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header " + name + " is written by the core");
        }
        headers.add(new String[] {name, checked(value)});
        return this;
    }

    /** Only these extensions (by name, e.g. permessage-deflate) may be negotiated; null: any installed. */
    public WsRoute extensions(Collection<String> names) {
        this.extensions = names == null ? null : Set.copyOf(names);
        return this;
    }

    public boolean accepted() {
        return status == 101;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }

    public Object session() {
        return session;
    }

    public String subprotocol() {
        return subprotocol;
    }

    /** The extra headers, each {name, value}, in the order added. */
    public List<String[]> headers() {
        return headers;
    }

    /** The extensions that may be negotiated, or null for any installed. */
    public Set<String> extensions() {
        return extensions;
    }

    private static String checked(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("line break or NUL in a header: " + s);
            }
        }
        return s;
    }
}
