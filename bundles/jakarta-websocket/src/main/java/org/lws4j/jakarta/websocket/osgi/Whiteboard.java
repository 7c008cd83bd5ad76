package org.lws4j.jakarta.websocket.osgi;

import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.websocket.DeploymentException;

import org.lws4j.api.Protocol;
import org.lws4j.jakarta.websocket.JakartaWebSocket;
import org.lws4j.jakarta.websocket.server.JakartaProtocol;
import org.lws4j.jakarta.websocket.server.Registration;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * The Jakarta WebSocket whiteboard: registers the {@code jakarta-websocket} protocol (a router,
 * bound on every vhost by the core) and tracks every service marked
 * {@code osgi.jakarta.websocket.endpoint.implementor=true}, whatever its class. A service that
 * comes is deployed at once; one that goes (unregistered, its bundle stopped, updated or
 * uninstalled) is withdrawn: its sessions, and only they, get 1001, on their own threads, before
 * the unregistration returns. A service that cannot be served is reported (log and
 * {@code lws:jakarta}) and the rest goes on. Tracker callbacks run on the thread that changes the
 * service; nothing here runs on a service thread.
 */
@Component(immediate = true, service = {})
public final class Whiteboard {
    private JakartaProtocol protocol;
    private ServiceRegistration<Protocol> registration;
    private ServiceRegistration<Object> command;
    private ServiceTracker<Object, Registration> tracker;
    /** Services that could not be deployed, with why. */
    final Map<ServiceReference<?>, String> failed = new ConcurrentHashMap<>();

    @Activate
    void activate(BundleContext bc) throws InvalidSyntaxException {
        protocol = new JakartaProtocol(line -> { });
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Protocol.NAME, JakartaWebSocket.PROTOCOL);
        registration = bc.registerService(Protocol.class, protocol, props);
        Filter f = bc.createFilter("(" + JakartaWebSocket.ENDPOINT_IMPLEMENTOR + "=true)");
        tracker = new ServiceTracker<>(bc, f, new ServiceTrackerCustomizer<Object, Registration>() {
            @Override
            public Registration addingService(ServiceReference<Object> ref) {
                return deploy(bc, ref);
            }

            @Override
            public void modifiedService(ServiceReference<Object> ref, Registration r) {
                // a new path or vhosts: its sessions end, it serves anew
                protocol.container().withdraw(r, "service properties changed");
                bc.ungetService(ref);
                Registration again = deploy(bc, ref);
                if (again == null) {
                    tracker.remove(ref);
                }
            }

            @Override
            public void removedService(ServiceReference<Object> ref, Registration r) {
                protocol.container().withdraw(r, "service unregistered");
                try {
                    bc.ungetService(ref);
                } catch (IllegalStateException stopping) {
                    // our own bundle is stopping
                }
            }
        });
        tracker.open(true);
        Hashtable<String, Object> cmd = new Hashtable<>();
        cmd.put("osgi.command.scope", "lws");
        cmd.put("osgi.command.function", new String[] {"jakarta"});
        command = bc.registerService(Object.class, new JakartaCommand(protocol, failed), cmd);
    }

    private Registration deploy(BundleContext bc, ServiceReference<Object> ref) {
        try {
            Registration r = EndpointService.registration(bc, ref, protocol.container());
            protocol.container().deploy(r);
            failed.remove(ref);
            return r;
        } catch (DeploymentException | RuntimeException | LinkageError e) {
            String why = e.getMessage();
            failed.put(ref, why);
            protocol.container().report("Jakarta endpoint service " + ref.getProperty("service.id") + " of "
                    + ref.getBundle().getSymbolicName() + " cannot be served: " + why);
            try {
                bc.ungetService(ref);
            } catch (IllegalStateException ignored) {
                // gone meanwhile
            }
            return null;
        }
    }

    @Deactivate
    void deactivate() {
        if (command != null) {
            command.unregister();
        }
        if (tracker != null) {
            tracker.close();
        }
        if (registration != null) {
            registration.unregister();
        }
        protocol.shutdown("the Jakarta WebSocket bundle stops");
    }
}
