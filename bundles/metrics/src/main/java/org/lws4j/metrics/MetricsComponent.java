package org.lws4j.metrics;

import java.util.Dictionary;
import java.util.Hashtable;

import org.lws4j.spi.metrics.MetricsSink;
import org.lws4j.spi.origin.MountOrigin;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The bundle's one component: makes the metrics from the configuration (PID
 * {@value #PID}, optional) and registers the sink the core reports to and the {@code metrics://}
 * mount origin. Started, the core counts; stopped or uninstalled, the core stops counting and
 * {@code metrics://} mounts answer 503, and nothing else notices. A configuration change starts
 * the counts afresh (Prometheus reads that as a counter reset).
 */
@Component(service = {}, configurationPid = MetricsComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MetricsComponent.Config.class)
public final class MetricsComponent {
    static final String PID = "org.lws4j.metrics";

    @ObjectClassDefinition(name = "lws4j metrics", description = "What the metrics:// mounts serve, and to whom")
    public @interface Config {
        @AttributeDefinition(description = "Families counted: all, or some of connections, http, websocket, tls, "
                + "loop, header-pool, hotplug, jvm")
        String families() default "all";

        @AttributeDefinition(description = "Upper bounds (seconds) of the HTTP request head and total latency buckets")
        String buckets_http() default "0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10";

        @AttributeDefinition(description = "Upper bounds (seconds) of the TLS handshake buckets")
        String buckets_tls() default "0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5";

        @AttributeDefinition(description = "Upper bounds (seconds) of the WRITEABLE latency buckets")
        String buckets_writeable() default "0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1";

        @AttributeDefinition(description = "Upper bounds (seconds) of the loop lag buckets")
        String buckets_loop_lag() default "0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1";

        @AttributeDefinition(description = "Milliseconds between two firings of each service thread's lag probe (0: no probe)")
        long loop_probe_ms() default 250;

        @AttributeDefinition(description = "Client addresses and CIDR blocks metrics:// mounts answer (a mount's "
                + "\"allow\" option overrides it); * for everyone")
        String allow() default MetricsOptions.LOOPBACK;

        @AttributeDefinition(description = "The most values kept per vhost or protocol label; more count as \"other\"")
        int max_label_values() default 64;
    }

    private Lws4jMetrics metrics;
    private ServiceRegistration<?> sink;
    private ServiceRegistration<?> origin;

    @Activate
    void activate(BundleContext bc, Config c) {
        MetricsOptions o = options(c);
        metrics = new Lws4jMetrics(o);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(MountOrigin.SCHEME, Lws4jMetrics.SCHEME);
        origin = bc.registerService(MountOrigin.class, metrics.origin(), props);
        sink = bc.registerService(MetricsSink.class, metrics.sink(), null);
    }

    @Deactivate
    void deactivate() {
        if (sink != null) {
            sink.unregister();
        }
        if (origin != null) {
            origin.unregister();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** The configuration as options; a bad value is named in the exception, and the component does not start. */
    static MetricsOptions options(Config c) {
        MetricsOptions d = MetricsOptions.defaults();
        return new MetricsOptions(MetricsOptions.parseFamilies(c.families()),
                MetricsOptions.parseBuckets(c.buckets_http()), MetricsOptions.parseBuckets(c.buckets_tls()),
                MetricsOptions.parseBuckets(c.buckets_writeable()), MetricsOptions.parseBuckets(c.buckets_loop_lag()),
                Math.max(0, c.loop_probe_ms()), AllowList.parse(c.allow()),
                c.max_label_values() > 0 ? c.max_label_values() : d.maxLabelValues());
    }

}
