package org.lws4j.jakarta.websocket.server;

import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Where a session's endpoint instance comes from, and where it goes back: the configurator's
 * {@code getEndpointInstance} (a new one per session), one shared object (a singleton service),
 * or an OSGi prototype service's ServiceObjects. Called on service threads; thread-safe.
 */
public interface InstanceSource {
    /** The instance for a new session configured by {@code config}. */
    Object get(ServerEndpointConfig config) throws Exception;

    /** The session is over; a source that lent the instance takes it back. */
    default void release(Object instance) {
    }

    /** A new instance per session from the config's configurator. */
    static InstanceSource perSession() {
        return config -> config.getConfigurator().getEndpointInstance(config.getEndpointClass());
    }

    /** The same instance for every session. */
    static InstanceSource shared(Object instance) {
        return config -> instance;
    }
}
