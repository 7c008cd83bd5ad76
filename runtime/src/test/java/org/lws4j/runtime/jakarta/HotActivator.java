package org.lws4j.runtime.jakarta;

import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Registers a {@link HotEndpoint} as a whiteboard service, the way a plain bundle (no DS) would:
 * path from the manifest header {@code Endpoint-Path}, ranking from {@code Endpoint-Ranking}, the
 * reply tag from the bundle's symbolic name and version. Unregistered when the bundle stops.
 */
public final class HotActivator implements BundleActivator {
    @Override
    public void start(BundleContext bc) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.jakarta.websocket.endpoint.implementor", "true");
        props.put("osgi.jakarta.websocket.endpoint.path", bc.getBundle().getHeaders().get("Endpoint-Path"));
        String rank = bc.getBundle().getHeaders().get("Endpoint-Ranking");
        if (rank != null) {
            props.put("service.ranking", Integer.valueOf(rank));
        }
        String tag = bc.getBundle().getSymbolicName() + "@" + bc.getBundle().getVersion();
        bc.registerService(Object.class, new HotEndpoint(tag), props);
    }

    @Override
    public void stop(BundleContext bc) {
        // the framework unregisters the service
    }
}
