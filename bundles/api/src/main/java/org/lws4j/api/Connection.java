package org.lws4j.api;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One connection: lws's {@code wsi}. Implemented by the core.
 *
 * <p><b>Threads.</b> Every method must be called on the connection's service thread (inside one
 * of its callbacks, or in a task given to {@link #execute}), except {@link #id()} and
 * {@link #execute}. A call from another thread throws {@link IllegalStateException}. Only live
 * connections are passed to callbacks; do not keep a reference past {@link Reason#CLOSED}.
 *
 * <p><b>Writing.</b> Write only from the WRITEABLE callback of the role ({@code SERVER_WRITEABLE},
 * {@code HTTP_WRITEABLE}, {@code CLIENT_WRITEABLE}, {@code RAW_WRITEABLE}); ask for one with
 * {@link #requestWriteable()}. What the socket cannot take at once is kept by the core, which
 * calls WRITEABLE again once it has drained; a WRITEABLE may also arrive when you did not ask,
 * so decide there whether there is anything to send. {@code write} consumes the buffer from its
 * position to its limit; the caller may reuse it as soon as the call returns.
 */
@ProviderType
public interface Connection {
    /** A number unique within the context, stable for the connection's life. Thread-safe. */
    long id();

    /** What the connection speaks now. */
    Role role();

    /** True for connections this side opened (clients). */
    boolean isClient();

    /** The context. */
    Context context();

    /** The vhost the connection belongs to (for HTTP, the one the Host header chose). */
    Vhost vhost();

    /** The name of the protocol the connection is bound to, or null. */
    String protocolName();

    /**
     * The protocol binding the connection is bound to (its protocol on its vhost, with the pvo and
     * per-vhost data), or null (lws_get_protocol plus lws_protocol_vh_priv_get).
     */
    VhostProtocol protocolBinding();

    /** The state {@link Protocol#newSession} made for this connection, or null. */
    <T> T session();

    /** The peer's address. */
    InetSocketAddress peerAddress();

    /** Our side's address. */
    InetSocketAddress localAddress();

    /** True when the connection runs over TLS. */
    boolean isSecure();

    /**
     * The HTTP version the connection's requests, or its WebSocket handshake, came over:
     * {@code "HTTP/2"} for a stream of an HTTP/2 connection (a WebSocket over HTTP/2, RFC 8441,
     * included), else {@code "HTTP/1.1"} (raw connections too). On a client connection: the
     * version it speaks once established ({@link ClientConnectInfo#httpVersion(String)}).
     *
     * @since 1.1
     */
    default String httpVersion() {
        return "HTTP/1.1";
    }

    /**
     * The broadcast groups of the protocol this connection is bound to, on its vhost:
     * {@code protocolBinding().groups()} ({@link Groups}).
     *
     * @throws UnsupportedOperationException when unbound, or on a server older than API 1.2
     * @since 1.2
     */
    default Groups groups() {
        VhostProtocol b = protocolBinding();
        if (b == null) {
            throw new UnsupportedOperationException("connection is bound to no protocol: it has no groups");
        }
        return b.groups();
    }

    /**
     * The HTTP request that this connection is serving, or that opened this WebSocket.
     *
     * @throws IllegalStateException on a WebSocket after its ESTABLISHED callback returned (lws
     *     frees header information then), and on raw connections
     */
    HttpRequest request();

    // ---- writing -------------------------------------------------------------------------------

    /**
     * Writes {@code data} as {@code mode}, final. Same as {@code write(data, mode, true)}.
     *
     * @return false if the connection is closing and takes nothing more (return CLOSE)
     */
    boolean write(ByteBuffer data, WriteMode mode);

    /**
     * Writes {@code data} as {@code mode}. For WebSocket modes {@code fin} false leaves the
     * message open for CONTINUATION writes; for {@link WriteMode#HTTP} {@code fin} ends the body.
     *
     * @return false if the connection is closing and takes nothing more (return CLOSE)
     * @throws IllegalStateException outside the role's WRITEABLE callback, or for a mode the
     *     role cannot send
     */
    boolean write(ByteBuffer data, WriteMode mode, boolean fin);

    /**
     * Sends the status line and headers of the response (from the HTTP or HTTP_BODY_COMPLETION
     * callback, or from HTTP_WRITEABLE). The body follows with {@link WriteMode#HTTP} writes from
     * HTTP_WRITEABLE, which the core calls once the headers are out.
     */
    void writeHttpHeaders(HttpResponse response);

    /**
     * Sends a whole response, headers and body, now: from any callback of the HTTP transaction
     * (HTTP, HTTP_BODY, HTTP_BODY_COMPLETION, HTTP_WRITEABLE, TIMER) or a task given to
     * {@link #execute}, as long as no response has started. Content-Length is set from
     * {@code body}. The transaction then completes by itself; a request body still arriving is
     * read and dropped if it is small, else the connection closes after the answer.
     */
    void respond(HttpResponse response, ByteBuffer body);

    /**
     * Sends a short HTML page for {@code status} with {@code message} in it (lws's
     * {@code lws_return_http_status}); allowed where {@link #respond} is. The transaction then
     * completes by itself.
     */
    void respondStatus(int status, String message);

    /** Sends a redirect to {@code location} with {@code status} (lws's {@code lws_http_redirect}). */
    void redirect(int status, String location);

    /** Asks for a WRITEABLE callback when the socket can take more (lws_callback_on_writable). */
    void requestWriteable();

    /** True while output is waiting in the core's buffer (lws_send_pipe_choked). */
    boolean sendPipeChoked();

    // ---- client HTTP -----------------------------------------------------------------------------

    /** The status of the response a client HTTP connection received (after ESTABLISHED_CLIENT_HTTP), else 0. */
    int responseStatus();

    /** A header of the response a client HTTP connection received, or null. */
    String responseHeader(String name);

    /**
     * Delivers the response body bytes waiting now as RECEIVE_CLIENT_HTTP_READ callbacks
     * (lws_http_client_read), from RECEIVE_CLIENT_HTTP. Until it is called, the connection stops
     * reading, so a protocol can wait for its own output to drain.
     *
     * @return the bytes delivered
     */
    int httpClientRead();

    // ---- receiving -----------------------------------------------------------------------------

    /**
     * Stops ({@code false}) or resumes ({@code true}) reading from the peer (lws_rx_flow_control).
     * Data already read but not yet delivered is held and delivered after resuming.
     */
    void rxFlowControl(boolean receive);

    /** True if the data of the current RECEIVE is the first piece of a message. */
    boolean isFirstFragment();

    /** True if the data of the current RECEIVE ends its frame and the frame ends the message. */
    boolean isFinalFragment();

    /** True if the current message is binary. */
    boolean isBinary();

    /** Bytes of the current frame still to come after the data of this RECEIVE. */
    long remainingPacketPayload();

    // ---- closing and time ----------------------------------------------------------------------

    /**
     * Closes the connection. On a WebSocket the peer gets a Close frame with {@code code} and
     * {@code reason} (at most 123 bytes of UTF-8) and the close handshake runs; on other roles
     * the code and reason are only logged. Calling it from a callback and then returning CLOSE
     * is lws's {@code lws_close_reason()} followed by {@code return -1}.
     */
    void close(int code, String reason);

    /**
     * Closes the connection if nothing happens on it for {@code millis} (lws_set_timeout).
     * Any call replaces the last; 0 cancels.
     */
    void setTimeout(long millis);

    /**
     * Calls back with {@link Reason#TIMER} once after {@code delay} (lws_set_timer_usecs).
     * Any call replaces the last; a negative delay cancels.
     */
    void setTimer(long delay, TimeUnit unit);

    // ---- extensions ----------------------------------------------------------------------------

    /** Names of the WebSocket extensions active on this connection, in negotiated order. */
    List<String> extensions();

    /**
     * Sets an option of an extension active on this connection (lws_set_extension_option).
     *
     * @return false if the extension is not active here or does not know the option or value
     */
    boolean setExtensionOption(String extension, String option, String value);

    // ---- other threads -------------------------------------------------------------------------

    /**
     * Runs {@code task} on this connection's service thread, soon; nothing happens if the
     * connection has closed by then. A task that throws closes the connection, as a callback
     * that throws does. Thread-safe: the way for other threads to reach it.
     *
     * @return false if the connection was already closed when called
     */
    boolean execute(Runnable task);
}
