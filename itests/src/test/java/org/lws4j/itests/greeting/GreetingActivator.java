package org.lws4j.itests.greeting;

import java.util.Dictionary;
import java.util.Hashtable;

import org.lws4j.api.Protocol;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Test fixture: registers {@link GreetingProtocol} as {@code org.lws4j.api.Protocol} with
 * {@code lws.protocol.name=test-greeting}, greeting with the bundle's {@code Greeting-Version}.
 */
public final class GreetingActivator implements BundleActivator {
    /** The protocol name the itest vhost's {@code /greet} mount names. */
    public static final String PROTOCOL_NAME = "test-greeting";
    /** The manifest header holding the greeting version. */
    public static final String VERSION_HEADER = "Greeting-Version";

    private ServiceRegistration<Protocol> registration;

    @Override
    public void start(BundleContext context) {
        String version = context.getBundle().getHeaders().get(VERSION_HEADER);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Protocol.NAME, PROTOCOL_NAME);
        registration = context.registerService(Protocol.class, new GreetingProtocol(version), properties);
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }
}
