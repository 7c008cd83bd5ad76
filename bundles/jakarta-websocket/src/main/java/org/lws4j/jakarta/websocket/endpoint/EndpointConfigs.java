package org.lws4j.jakarta.websocket.endpoint;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Encoder;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * ServerEndpointConfigs: the one an {@code @ServerEndpoint} class declares (its path may be
 * overridden, as the whiteboard's {@code osgi.jakarta.websocket.endpoint.path} property does),
 * and the copy each session gets, whose user properties are its own (what a configurator puts
 * there in modifyHandshake reaches that session's onOpen only). Stateless.
 */
public final class EndpointConfigs {
    private EndpointConfigs() {
    }

    /**
     * The config an annotated class declares.
     *
     * @param path the path to serve it at instead of its annotation's, or null
     * @throws DeploymentException when the class is not annotated or its configurator cannot be made
     */
    public static ServerEndpointConfig annotated(Class<?> type, String path) throws DeploymentException {
        ServerEndpoint se = type.getAnnotation(ServerEndpoint.class);
        if (se == null) {
            throw new DeploymentException(type.getName() + " has no @ServerEndpoint annotation");
        }
        ServerEndpointConfig.Configurator c;
        if (se.configurator() == ServerEndpointConfig.Configurator.class) {
            c = new DefaultConfigurator();
        } else {
            try {
                c = se.configurator().getConstructor().newInstance();
            } catch (InvocationTargetException e) {
                throw new DeploymentException("cannot make configurator " + se.configurator().getName(), e.getCause());
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new DeploymentException("cannot make configurator " + se.configurator().getName()
                        + " (a public no-argument constructor is needed)", e);
            }
        }
        return ServerEndpointConfig.Builder.create(type, path != null && !path.isEmpty() ? path : se.value())
                .subprotocols(Arrays.asList(se.subprotocols()))
                .decoders(Arrays.asList(se.decoders()))
                .encoders(Arrays.asList(se.encoders()))
                .configurator(c)
                .build();
    }

    /** A copy of {@code base} for one session, with user properties of its own (a shallow copy of the base's). */
    public static ServerEndpointConfig perSession(ServerEndpointConfig base) {
        Map<String, Object> props = new HashMap<>(base.getUserProperties());
        return new ServerEndpointConfig() {
            @Override
            public Class<?> getEndpointClass() {
                return base.getEndpointClass();
            }

            @Override
            public String getPath() {
                return base.getPath();
            }

            @Override
            public List<String> getSubprotocols() {
                return base.getSubprotocols();
            }

            @Override
            public List<Extension> getExtensions() {
                return base.getExtensions();
            }

            @Override
            public Configurator getConfigurator() {
                return base.getConfigurator();
            }

            @Override
            public List<Class<? extends Encoder>> getEncoders() {
                return base.getEncoders();
            }

            @Override
            public List<Class<? extends Decoder>> getDecoders() {
                return base.getDecoders();
            }

            @Override
            public Map<String, Object> getUserProperties() {
                return props;
            }
        };
    }
}
