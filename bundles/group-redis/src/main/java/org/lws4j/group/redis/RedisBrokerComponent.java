package org.lws4j.group.redis;

import java.util.Map;
import java.util.Set;

import org.lws4j.api.Context;
import org.lws4j.group.relay.BrokerRegistration;
import org.lws4j.group.relay.BrokerSettings;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Registers a Redis {@link org.lws4j.spi.group.GroupBroker} when the {@code group-broker} URL (the
 * ConfigAdmin PID {@value BrokerSettings#PID}, else the JSON config's {@code global} section, which
 * the core puts on its Context service) is {@code redis://} or {@code rediss://}; idle otherwise.
 * A change of the configuration re-activates it; deactivation closes the broker (threads end,
 * sockets close).
 */
@Component(configurationPid = BrokerSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {}, immediate = true)
public final class RedisBrokerComponent {
    private Context context;
    private Map<String, Object> contextProperties;
    private BrokerRegistration registration;

    @Reference(service = Context.class)
    void bindContext(Context c, Map<String, Object> properties) {
        context = c;
        contextProperties = properties;
    }

    @Activate
    void activate(BundleContext bc, Map<String, Object> config) {
        registration = BrokerRegistration.register(bc, config, contextProperties, context.log(),
                Set.of("redis", "rediss"), RedisRelay::new);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.close();
        }
    }
}
