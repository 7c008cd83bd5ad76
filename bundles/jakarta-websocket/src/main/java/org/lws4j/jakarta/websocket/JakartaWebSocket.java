package org.lws4j.jakarta.websocket;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import org.lws4j.api.Protocol;
import org.lws4j.jakarta.websocket.server.JakartaProtocol;

/**
 * Jakarta WebSocket on lws4j: the names the whiteboard reads, and {@link #server} for embedding.
 *
 * <pre>{@code
 * JakartaServer jakarta = JakartaWebSocket.server().deploy(ChatEndpoint.class);
 * try (Lws4j.Running lws = Lws4j.builder().json(config)
 *         .protocol(JakartaWebSocket.PROTOCOL, jakarta.protocol()).start()) { ... }
 * }</pre>
 */
public final class JakartaWebSocket {
    /** The lws4j protocol name the endpoints are served under. */
    public static final String PROTOCOL = JakartaProtocol.NAME;
    /** Service property (draft OSGi spec): {@code true} marks a service as an endpoint to serve. */
    public static final String ENDPOINT_IMPLEMENTOR = "osgi.jakarta.websocket.endpoint.implementor";
    /** Service property (draft OSGi spec): the path or template to serve at instead of the annotation's. */
    public static final String ENDPOINT_PATH = "osgi.jakarta.websocket.endpoint.path";
    /** Service property (lws4j): the vhost names to serve on (String or String[]); absent: every vhost. */
    public static final String VHOSTS = "lws.vhosts";

    private JakartaWebSocket() {
    }

    /** A new server: an empty container and its protocol. */
    public static JakartaServer server() {
        JakartaProtocol p = new JakartaProtocol(line -> { });
        return new JakartaServer() {
            @Override
            public Protocol protocol() {
                return p;
            }

            @Override
            public ServerContainer container() {
                return p.container();
            }

            @Override
            public JakartaServer deploy(Object... endpoints) throws DeploymentException {
                for (Object e : endpoints) {
                    if (e instanceof ServerEndpointConfig) {
                        p.container().addEndpoint((ServerEndpointConfig) e);
                    } else if (e instanceof Class) {
                        p.container().addEndpoint((Class<?>) e);
                    } else {
                        throw new DeploymentException("deploy takes endpoint classes and ServerEndpointConfigs, not " + e);
                    }
                }
                return this;
            }

            @Override
            public JakartaServer sendQueue(long bytes, int messages) {
                p.container().setSendQueue(bytes, messages);
                return this;
            }

            @Override
            public void shutdown() {
                p.shutdown("server shutting down");
            }
        };
    }
}
