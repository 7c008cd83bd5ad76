package org.lws4j.jakarta.websocket.endpoint;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * The container's default configurator: the first subprotocol of the client's list that the
 * endpoint supports, the requested extensions that are installed, every origin, no change to the
 * handshake, and a new instance (public no-argument constructor) per session. It is also what
 * {@code ServerEndpointConfig.Configurator}'s own methods delegate to (the API finds it with
 * ServiceLoader through META-INF/services; the handshake sets the context class loader for that).
 * Stateless and thread-safe.
 */
public class DefaultConfigurator extends ServerEndpointConfig.Configurator {
    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        for (String r : requested) {
            if (supported.contains(r)) {
                return r;
            }
        }
        return "";
    }

    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        List<Extension> l = new ArrayList<>();
        for (Extension r : requested) {
            for (Extension i : installed) {
                if (i.getName().equals(r.getName())) {
                    l.add(r);
                    break;
                }
            }
        }
        return l;
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        // nothing to change
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        try {
            return endpointClass.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            InstantiationException ie = new InstantiationException("cannot make " + endpointClass.getName() + ": " + e.getCause());
            ie.initCause(e.getCause());
            throw ie;
        } catch (ReflectiveOperationException | RuntimeException e) {
            InstantiationException ie = new InstantiationException("cannot make " + endpointClass.getName()
                    + " (a public no-argument constructor is needed): " + e);
            ie.initCause(e);
            throw ie;
        }
    }
}
