package org.lws4j.jakarta.websocket.osgi;

import java.util.Arrays;
import java.util.Set;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import org.lws4j.jakarta.websocket.JakartaWebSocket;
import org.lws4j.jakarta.websocket.server.ContainerImpl;
import org.lws4j.jakarta.websocket.server.InstanceSource;
import org.lws4j.jakarta.websocket.server.Registration;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;

/**
 * Turns one endpoint service into a registration, by what it is: an {@code @ServerEndpoint}
 * object (one instance for every session, or with prototype scope a new one per session from
 * its ServiceObjects), an annotated {@code Class} (a new instance per session from its
 * configurator), a {@code ServerEndpointConfig} (the same, from its configurator), or a
 * programmatic {@code Endpoint} object (served at the path property). Runs on the thread that
 * registers the service (the tracker's).
 */
final class EndpointService {
    private EndpointService() {
    }

    static Registration registration(BundleContext bc, ServiceReference<Object> ref, ContainerImpl container)
            throws DeploymentException {
        String path = string(ref.getProperty(JakartaWebSocket.ENDPOINT_PATH));
        Set<String> vhosts = vhosts(ref.getProperty(JakartaWebSocket.VHOSTS));
        Object rank = ref.getProperty(Constants.SERVICE_RANKING);
        int ranking = rank instanceof Integer ? (Integer) rank : 0;
        long id = (Long) ref.getProperty(Constants.SERVICE_ID);
        String source = "service " + id + " of " + ref.getBundle().getSymbolicName() + " " + ref.getBundle().getVersion();
        if (Constants.SCOPE_PROTOTYPE.equals(ref.getProperty(Constants.SERVICE_SCOPE))) {
            ServiceObjects<Object> objects = bc.getServiceObjects(ref);
            Object sample = objects.getService();
            if (sample == null) {
                throw new DeploymentException("the service cannot be got");
            }
            Class<?> type = sample.getClass();
            objects.ungetService(sample);
            InstanceSource perSession = new InstanceSource() {
                @Override
                public Object get(ServerEndpointConfig config) {
                    return objects.getService();
                }

                @Override
                public void release(Object instance) {
                    try {
                        objects.ungetService(instance);
                    } catch (IllegalStateException | IllegalArgumentException gone) {
                        // the service went first
                    }
                }
            };
            return container.registration(config(type, path), vhosts, ranking, id, source, perSession, path);
        }
        Object service = bc.getService(ref);
        if (service == null) {
            throw new DeploymentException("the service cannot be got");
        }
        if (service instanceof ServerEndpointConfig) {
            ServerEndpointConfig cfg = (ServerEndpointConfig) service;
            return container.registration(path == null ? cfg : withPath(cfg, path), vhosts, ranking, id, source,
                    InstanceSource.perSession(), path);
        }
        if (service instanceof Class) {
            return container.registration(service, vhosts, ranking, id, source, InstanceSource.perSession(), path);
        }
        return container.registration(config(service.getClass(), path), vhosts, ranking, id, source,
                InstanceSource.shared(service), path);
    }

    /** The config of an object's class: annotated, or a programmatic Endpoint at {@code path}. */
    private static Object config(Class<?> type, String path) throws DeploymentException {
        if (Endpoint.class.isAssignableFrom(type)) {
            if (path == null) {
                throw new DeploymentException("a programmatic Endpoint service needs the " + JakartaWebSocket.ENDPOINT_PATH
                        + " property");
            }
            return ServerEndpointConfig.Builder.create(type, path)
                    .configurator(new org.lws4j.jakarta.websocket.endpoint.DefaultConfigurator()).build();
        }
        return type;
    }

    private static ServerEndpointConfig withPath(ServerEndpointConfig c, String path) {
        ServerEndpointConfig copy = ServerEndpointConfig.Builder.create(c.getEndpointClass(), path)
                .subprotocols(c.getSubprotocols()).extensions(c.getExtensions()).decoders(c.getDecoders())
                .encoders(c.getEncoders()).configurator(c.getConfigurator()).build();
        copy.getUserProperties().putAll(c.getUserProperties());
        return copy;
    }

    private static String string(Object o) {
        return o instanceof String && !((String) o).isBlank() ? ((String) o).trim() : null;
    }

    private static Set<String> vhosts(Object o) {
        if (o instanceof String[]) {
            return Set.copyOf(Arrays.asList((String[]) o));
        }
        if (o instanceof java.util.Collection) {
            return Set.copyOf(((java.util.Collection<?>) o).stream().map(String::valueOf).toList());
        }
        if (o instanceof String && !((String) o).isBlank()) {
            return Set.of(((String) o).split("\\s*,\\s*"));
        }
        return null;
    }
}
