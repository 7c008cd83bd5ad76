package org.lws4j.api;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A protocol bound on a vhost: lws's per-vhost protocol with its options (pvo) and private data.
 * One exists from PROTOCOL_INIT to PROTOCOL_DESTROY; a protocol service bound on three vhosts
 * has three.
 */
@ProviderType
public interface VhostProtocol {
    /** The vhost. */
    Vhost vhost();

    /** The protocol name. */
    String name();

    /** The bound service. */
    Protocol protocol();

    /** The per-vhost options ("ws-protocols" entries), read-only. */
    Map<String, String> options();

    /** One option, or {@code fallback} when it is not set. */
    default String option(String key, String fallback) {
        String v = options().get(key);
        return v == null ? fallback : v;
    }

    /** The protocol's per-vhost state (lws_protocol_vh_priv_get), or null. */
    <T> T data();

    /** Sets the per-vhost state (lws_protocol_vh_priv_zalloc). */
    void setData(Object data);

    /**
     * Asks for a WRITEABLE callback on every connection of this protocol on this vhost, on every
     * service thread (lws_callback_on_writable_all_protocol_vhost). Thread-safe.
     */
    void requestWriteableAll();

    /**
     * Adopts a channel onto this protocol on this vhost, as {@link Context#adopt} does; usable
     * from PROTOCOL_INIT on. Thread-safe.
     */
    Connection adopt(java.nio.channels.SelectableChannel channel);

    /**
     * Adopts a stream pair onto this protocol on this vhost, as {@link Context#adoptStream} does;
     * usable from PROTOCOL_INIT on (lws's protocols adopt their FIFOs there). Thread-safe.
     */
    Connection adoptStream(java.io.InputStream in, java.io.OutputStream out);

    /**
     * Calls {@link Protocol#vhostCallback} with {@link Reason#USER} and {@code tag} after
     * {@code delay}, on a service thread (lws_timed_callback_vh_protocol). Thread-safe. Pending
     * callbacks are cancelled when the binding ends.
     */
    Scheduled timedCallback(Object tag, long delay, TimeUnit unit);

    /**
     * The broadcast groups of this protocol on this vhost ({@link Groups}): the same object for
     * every binding of the protocol's name on the vhost, this version's and the next. Thread-safe.
     *
     * @throws UnsupportedOperationException on a server older than API 1.2
     * @since 1.2
     */
    default Groups groups() {
        throw new UnsupportedOperationException("this lws4j has no broadcast groups (API 1.2 and later do)");
    }
}
