package org.lws4j.jakarta.websocket;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;

import org.lws4j.api.Protocol;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Jakarta WebSocket endpoints served by lws4j without OSGi: give {@link #protocol()} to the
 * embedding builder under {@link JakartaWebSocket#PROTOCOL}, and deploy endpoints through
 * {@link #container()} (before or after the server starts: each serves from the next handshake)
 * or {@link #deploy}. Thread-safe.
 */
@ProviderType
public interface JakartaServer {
    /** The lws4j protocol that routes upgrades to the endpoints (a WsRouter: bound on every vhost). */
    Protocol protocol();

    /** The standard container: {@code addEndpoint(Class)}, {@code addEndpoint(ServerEndpointConfig)}, defaults. */
    ServerContainer container();

    /** Deploys annotated classes or ServerEndpointConfigs; returns this. */
    JakartaServer deploy(Object... endpoints) throws DeploymentException;

    /** Sets each session's send queue bounds (defaults: 4 MiB and 4096 messages). */
    JakartaServer sendQueue(long bytes, int messages);

    /** Withdraws every endpoint: their sessions are closed with 1001. */
    void shutdown();
}
