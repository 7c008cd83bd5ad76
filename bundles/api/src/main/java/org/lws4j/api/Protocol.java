package org.lws4j.api;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A protocol: lws's {@code struct lws_protocols}, as an OSGi service.
 *
 * <p>Register an implementation with the service property {@value #NAME} (or annotate the
 * component with {@link ProtocolName}). Every vhost that offers that name binds the
 * highest-ranked service of it, live: a protocol that appears is offered to the next handshake
 * or request; one that goes away has each of its connections closed (WebSocket peers get 1001)
 * and its CALLBACK mounts answer 503 until a replacement appears.
 *
 * <p><b>Threads.</b> {@link #callback} runs on the connection's service thread, never two at
 * once for one connection. With {@code count-threads} above 1, callbacks for different
 * connections of the same protocol can run at the same time on different threads, so state
 * shared between connections needs its own guard; state per connection (the session) does not.
 *
 * <p><b>Buffers.</b> {@code in} belongs to the core and is valid only during the callback; copy
 * what you keep. It is never null: reasons without data pass an empty buffer.
 *
 * <p><b>Errors.</b> An exception thrown from a callback is logged and treated as
 * {@link Result#CLOSE} for that connection; nothing else is disturbed.
 */
@ConsumerType
public interface Protocol {
    /** Service property holding the protocol name, e.g. {@code dumb-increment-protocol}. */
    String NAME = "lws.protocol.name";

    /**
     * Handles one event of one connection.
     *
     * @param wsi the connection; valid only during the call unless {@link Connection#execute}
     *     is used to come back to it
     * @param reason why
     * @param in data for the reasons that carry some, otherwise empty
     * @return {@link Result#CONTINUE}, or {@link Result#CLOSE} to close the connection
     */
    Result callback(Connection wsi, Reason reason, ByteBuffer in) throws Exception;

    /**
     * Creates the per-connection state (lws's per_session_data) before the connection's first
     * callback to this protocol; {@link Connection#session()} returns it afterwards. For HTTP, one
     * session lives for one transaction. The default has none.
     */
    default Object newSession(Connection wsi) {
        return null;
    }

    /**
     * Handles an event of this protocol's binding on a vhost: {@link Reason#PROTOCOL_INIT},
     * {@link Reason#PROTOCOL_DESTROY}, {@link Reason#USER} (timed callbacks) and
     * {@link Reason#EVENT_WAIT_CANCELLED}. Runs on a service thread.
     *
     * @param binding the binding
     * @param reason why
     * @param arg the tag of a timed callback, otherwise null
     * @return CLOSE from PROTOCOL_INIT refuses the binding; otherwise ignored
     */
    default Result vhostCallback(VhostProtocol binding, Reason reason, Object arg) throws Exception {
        return Result.CONTINUE;
    }

    /**
     * The most message data handed to one RECEIVE (lws's rx_buffer_size); 0 takes the core's
     * default (4096). Bigger messages arrive in pieces.
     */
    default int rxBufferSize() {
        return 0;
    }
}
