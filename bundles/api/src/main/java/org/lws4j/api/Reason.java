package org.lws4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Why a protocol is being called: lws's {@code LWS_CALLBACK_*}. Connection reasons arrive through
 * {@link Protocol#callback}; vhost reasons ({@link #isVhostScoped()}) through
 * {@link Protocol#vhostCallback}. Unless a reason says otherwise, {@code in} is empty.
 */
@ProviderType
public enum Reason {
    // ---- vhost scope -------------------------------------------------------------------------
    /** The protocol was bound on a vhost; its per-vhost options are readable. CLOSE refuses it. */
    PROTOCOL_INIT(true),
    /** The protocol is being unbound from a vhost (service gone, vhost removed, shutdown). */
    PROTOCOL_DESTROY(true),
    /** A timed callback set with {@link VhostProtocol#timedCallback} is due; arg is its tag. */
    USER(true),
    /**
     * {@link Context#cancelService()} was called from some thread: the Java form of lws's
     * {@code EVENT_WAIT_CANCELLED}. Delivered on every service thread, once per binding.
     */
    EVENT_WAIT_CANCELLED(true),

    // ---- HTTP server ---------------------------------------------------------------------------
    /**
     * A request for a CALLBACK mount of this protocol. {@code in} is the path below the
     * mountpoint, UTF-8. Answer now ({@link Connection#respond}) or write headers now and the body
     * from {@link #HTTP_WRITEABLE}; a request with a body gets {@link #HTTP_BODY} first.
     */
    HTTP(false),
    /** A piece of the request body, as it arrives; {@code in} holds it. */
    HTTP_BODY(false),
    /**
     * The request body is complete. Sent only for requests that declare a body (Content-Length,
     * even 0, or chunked), after the last HTTP_BODY.
     */
    HTTP_BODY_COMPLETION(false),
    /** The socket can take more of the response; write the next piece of the body. */
    HTTP_WRITEABLE(false),
    /**
     * The transaction ended and the connection stays open for the next request: the protocol's
     * session for it is dropped (lws's HTTP_DROP_PROTOCOL).
     */
    HTTP_DROP_PROTOCOL(false),
    /** The connection closed while bound to this protocol for an HTTP transaction. */
    CLOSED_HTTP(false),

    // ---- WebSocket server ----------------------------------------------------------------------
    /**
     * A WebSocket handshake names this protocol, before it is accepted: CLOSE refuses it with 403.
     * Request headers are readable.
     */
    FILTER_PROTOCOL_CONNECTION(false),
    /**
     * The WebSocket is open. Request headers are readable during this callback only: copy what
     * you need, they are released when it returns.
     */
    ESTABLISHED(false),
    /**
     * Message data. {@code in} holds one piece: see {@link Connection#isFirstFragment()},
     * {@link Connection#isFinalFragment()} and {@link Connection#remainingPacketPayload()}.
     */
    RECEIVE(false),
    /** A pong arrived; {@code in} holds its payload. */
    RECEIVE_PONG(false),
    /** The socket can take more; write the next message or fragment now. */
    SERVER_WRITEABLE(false),
    /**
     * The peer sent a Close frame; {@code in} holds its payload (code and reason). CLOSE closes
     * at once; CONTINUE lets the core echo the close as usual.
     */
    WS_PEER_INITIATED_CLOSE(false),
    /** The WebSocket is closed; the last callback for this connection. */
    CLOSED(false),

    // ---- any connection ------------------------------------------------------------------------
    /** A timer set with {@link Connection#setTimer} is due. */
    TIMER(false),

    // ---- clients -------------------------------------------------------------------------------
    /** A client connection failed; {@code in} holds the reason, UTF-8. The last callback. */
    CLIENT_CONNECTION_ERROR(false),
    /** A client WebSocket is open. */
    CLIENT_ESTABLISHED(false),
    /** Message data on a client WebSocket, as {@link #RECEIVE}. */
    CLIENT_RECEIVE(false),
    /** A pong arrived on a client WebSocket. */
    CLIENT_RECEIVE_PONG(false),
    /** A client WebSocket can take more. */
    CLIENT_WRITEABLE(false),
    /** A client WebSocket closed. */
    CLIENT_CLOSED(false),
    /** A client HTTP response's status and headers are in. */
    ESTABLISHED_CLIENT_HTTP(false),
    /** Body data of a client HTTP response is waiting; read it with the connection's read call. */
    RECEIVE_CLIENT_HTTP(false),
    /** A piece of a client HTTP response body, delivered by the read call; {@code in} holds it. */
    RECEIVE_CLIENT_HTTP_READ(false),
    /** A client HTTP response is complete. */
    COMPLETED_CLIENT_HTTP(false),
    /** A client HTTP request can send more of its body. */
    CLIENT_HTTP_WRITEABLE(false),
    /** A client HTTP connection closed. */
    CLOSED_CLIENT_HTTP(false),

    // ---- raw sockets and files -----------------------------------------------------------------
    /** A socket became raw on this protocol (fallback to raw, adoption, raw client connected). */
    RAW_ADOPT(false),
    /** Bytes arrived on a raw socket; {@code in} holds them. */
    RAW_RX(false),
    /** A raw socket can take more. */
    RAW_WRITEABLE(false),
    /** A raw socket closed. */
    RAW_CLOSE(false),
    /** A file descriptor or channel was adopted onto this protocol. */
    RAW_ADOPT_FILE(false),
    /** Bytes arrived on an adopted file; {@code in} holds them. */
    RAW_RX_FILE(false),
    /** An adopted file can take more. */
    RAW_WRITEABLE_FILE(false),
    /** An adopted file closed (end of stream, error, or closed by us). */
    RAW_CLOSE_FILE(false);

    private final boolean vhostScoped;

    Reason(boolean vhostScoped) {
        this.vhostScoped = vhostScoped;
    }

    /** True for reasons that concern a binding on a vhost rather than one connection. */
    public boolean isVhostScoped() {
        return vhostScoped;
    }
}
