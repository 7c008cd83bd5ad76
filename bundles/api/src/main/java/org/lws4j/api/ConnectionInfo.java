package org.lws4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A snapshot of one connection, for status pages and shell commands. Taken from any thread;
 * the counters may be a moment old.
 *
 * @param id the connection's id
 * @param vhost the vhost name, or null
 * @param protocol the bound protocol, or null
 * @param role what it speaks
 * @param client true when this side opened it
 * @param secure true over TLS
 * @param peer the peer as host:port, or null
 * @param createdMillis when it was made, epoch milliseconds
 * @param bytesIn bytes read from the peer so far
 * @param bytesOut bytes written to the peer so far
 * @param messagesIn WebSocket data messages received whole so far (0 for other roles)
 * @param messagesOut WebSocket data messages sent whole so far (0 for other roles)
 */
@ProviderType
public record ConnectionInfo(long id, String vhost, String protocol, Role role, boolean client, boolean secure,
                             String peer, long createdMillis, long bytesIn, long bytesOut, long messagesIn,
                             long messagesOut) {
}
