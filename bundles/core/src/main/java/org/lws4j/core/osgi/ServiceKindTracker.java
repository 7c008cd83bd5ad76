package org.lws4j.core.osgi;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

import org.lws4j.api.Log;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Tracks one kind of plug-in service for the running context, as Felix's whiteboard trackers do:
 * a service that appears is added to the server; if that fails, it is logged and released, and
 * the server goes on; a service that goes is removed (waiting, bounded, for what it served to end)
 * before it is released. A change of its properties is a removal then an addition.
 *
 * <p>Opened once the context runs, so services registered before are added on {@link #open()}
 * and none waits anywhere. Callbacks come on the thread that registers or unregisters the service.
 *
 * @param <S> the service type
 */
abstract class ServiceKindTracker<S> extends ServiceTracker<S, S> {
    protected final Log log;

    ServiceKindTracker(BundleContext bc, Class<S> type, Log log) {
        super(bc, type, null);
        this.log = log;
    }

    /** Adds {@code s} to the server; false (or an exception) when it cannot be used. */
    protected abstract boolean add(S s, Map<String, Object> props);

    /** Removes {@code s}; when this returns, nothing of the server uses it. */
    protected abstract void remove(S s, Map<String, Object> props);

    @Override
    public S addingService(ServiceReference<S> ref) {
        S s = context.getService(ref);
        if (s == null) {
            return null;
        }
        if (!tryAdd(s, props(ref))) {
            context.ungetService(ref);
            return null;
        }
        return s;
    }

    @Override
    public void modifiedService(ServiceReference<S> ref, S s) {
        Map<String, Object> old = taken(s);
        if (old != null) {
            remove(s, old);
        }
        tryAdd(s, props(ref));
    }

    @Override
    public void removedService(ServiceReference<S> ref, S s) {
        try {
            Map<String, Object> old = taken(s);
            if (old != null) {
                remove(s, old);
            }
        } finally {
            context.ungetService(ref);
        }
    }

    private boolean tryAdd(S s, Map<String, Object> props) {
        boolean added;
        try {
            added = add(s, props);
        } catch (RuntimeException e) {
            log.err("%s %s could not be added: %s", kind(), s.getClass().getName(), e);
            added = false;
        }
        if (added) {
            synchronized (addedWith) {
                addedWith.put(s, props);
            }
        }
        return added;
    }

    /** The properties {@code s} was added with (they may have changed since), forgotten; null if it was not. */
    private Map<String, Object> taken(S s) {
        synchronized (addedWith) {
            return addedWith.remove(s);
        }
    }

    private final Map<S, Map<String, Object>> addedWith = new IdentityHashMap<>();

    private static Map<String, Object> props(ServiceReference<?> ref) {
        Map<String, Object> m = new HashMap<>();
        for (String k : ref.getPropertyKeys()) {
            m.put(k, ref.getProperty(k));
        }
        return m;
    }

    /** "protocol", "extension", ...: for log lines. */
    protected abstract String kind();

    static int ranking(Map<String, Object> props) {
        Object r = props.get(Constants.SERVICE_RANKING);
        return r instanceof Integer ? (Integer) r : 0;
    }

    static long serviceId(Map<String, Object> props) {
        Object id = props.get(Constants.SERVICE_ID);
        return id instanceof Long ? (Long) id : 0L;
    }

    /** A non-blank String property, or null. */
    static String name(Map<String, Object> props, String key) {
        Object n = props.get(key);
        return n instanceof String && !((String) n).isBlank() ? (String) n : null;
    }
}
