package org.lws4j.group.relay;

import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

import org.lws4j.api.Log;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.lws4j.spi.group.GroupBroker;

/**
 * What a broker bundle's component does on activation: read the settings (the ConfigAdmin PID
 * {@value BrokerSettings#PID} first, else the {@code group-broker*} properties the core puts on its
 * Context service from the JSON config's {@code global} section), and when the URL's scheme is
 * this bundle's, make the broker and register it as a {@link GroupBroker} service. Otherwise it
 * stays idle: no thread, no socket, no service. {@link #close} unregisters (the core then closes
 * the broker and goes back to local delivery) and closes the broker, so a bundle stopped, updated or
 * uninstalled leaves no thread or socket behind.
 */
public final class BrokerRegistration implements AutoCloseable {
    private final ServiceRegistration<GroupBroker> registration;
    private final RelayBroker broker;

    private BrokerRegistration(ServiceRegistration<GroupBroker> registration, RelayBroker broker) {
        this.registration = registration;
        this.broker = broker;
    }

    /**
     * Registers the broker {@code factory} makes if the settings name one of {@code schemes};
     * returns null when they name none, or another bundle's broker, or are wrong (logged with the key).
     *
     * @param config the component's configuration (ConfigAdmin), used when it has {@value BrokerSettings#URL}
     * @param contextProperties the Context service's properties (the JSON config's global keys)
     * @param source where {@code contextProperties} come from, for messages
     */
    public static BrokerRegistration register(BundleContext bc, Map<String, ?> config, Map<String, ?> contextProperties,
                                              Log log, Set<String> schemes,
                                              BiFunction<BrokerSettings, Log, RelayBroker> factory) {
        boolean fromConfigAdmin = config.get(BrokerSettings.URL) != null;
        Map<String, ?> props = fromConfigAdmin ? config : contextProperties;
        String where = fromConfigAdmin ? "config " + BrokerSettings.PID + ": " : "config: global.";
        Optional<BrokerSettings> s;
        try {
            s = BrokerSettings.from(props);
        } catch (IllegalArgumentException e) {
            // both broker bundles read the same keys: the one whose scheme it is says what is wrong
            // (both, when the scheme is no broker's)
            String scheme = schemeOf(props.get(BrokerSettings.URL));
            if (schemes.contains(scheme) || !KNOWN.contains(scheme)) {
                log.err("%s%s; groups stay on this node", where, e.getMessage());
            }
            return null;
        }
        if (s.isEmpty() || !schemes.contains(s.get().scheme())) {
            return null;
        }
        RelayBroker broker = factory.apply(s.get(), log);
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("lws.group.broker", s.get().address());
        p.put("lws.group.broker.prefix", s.get().prefix());
        log.notice("group broker %s (%s%s): groups span the nodes sharing prefix %s", s.get().address(),
                where, BrokerSettings.URL, s.get().prefix());
        return new BrokerRegistration(bc.registerService(GroupBroker.class, broker, p), broker);
    }

    private static final Set<String> KNOWN = Set.of("redis", "rediss", "nats", "tls");

    private static String schemeOf(Object url) {
        String u = url == null ? "" : url.toString().trim();
        int i = u.indexOf("://");
        return i > 0 ? u.substring(0, i).toLowerCase(java.util.Locale.ROOT) : "";
    }

    /** The broker (for tests and commands). */
    public RelayBroker broker() {
        return broker;
    }

    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregistered it with the bundle
        }
        broker.close(); // the core closed it already, if it was using it; closing twice is harmless
    }
}
