package org.lws4j.core.osgi;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.lws4j.api.Context;
import org.lws4j.api.LogLevel;
import org.lws4j.core.config.ConfigLoader;
import org.lws4j.core.config.ConfigProblem;
import org.lws4j.core.config.LoadedConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.log.StderrEmitter;
import org.lws4j.spi.log.LogEmitter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The lws4j server in an OSGi framework: reads the config (framework property {@code lws4j.conf},
 * a directory of lwsws-style JSON), starts the context, registers it as the {@link Context}
 * service, and opens the trackers that plug services in as they come and go ({@link Trackers}:
 * protocols, extensions, file ops, mount origins, the TLS provider) and the one that adds the
 * vhosts bundles carry ({@code Lws4j-Config} header, {@link BundleConfigTracker}).
 *
 * <p>The trackers open once the context runs, so a service registered earlier is plugged in on
 * opening and nothing waits in a list. Plugging in and out runs on the thread that registers or
 * unregisters the service and waits (bounded) for the service threads, so when an unregistration
 * returns the service's connections are closed. Log emitters are DS references: the log exists
 * before the context.
 */
@Component(immediate = true, service = {})
public final class LwsComponent {
    /** Framework property: the config directory. */
    public static final String CONF_PROPERTY = "lws4j.conf";
    /** Framework property: the log level mask, overriding the config's "log-level". */
    public static final String LOG_LEVEL_PROPERTY = "lws4j.log.level";
    /**
     * Framework property: a file written once the framework has started and every vhost is up
     * ("ready" and the addresses listened on), for {@code bin/lws4j start} to wait for.
     */
    public static final String READY_FILE_PROPERTY = "lws4j.ready.file";

    /**
     * Global config keys that are copied as they are onto the Context service's properties, for the
     * group broker bundles ({@code group-broker}, {@code group-broker-prefix}, ...).
     */
    public static final String GROUP_BROKER_KEYS = "group-broker";

    private final LogImpl log = new LogImpl(LogLevel.DEFAULT_MASK);
    private final Object lock = new Object();
    private final List<LogEmitter> emitters = new ArrayList<>();
    private ContextImpl ctx;
    private BundleConfigTracker tracker;
    private Trackers plugins;
    private ServiceRegistration<Context> registration;
    private org.lws4j.core.log.SyslogEmitter syslogEmitter;

    @Activate
    void activate(BundleContext bc) throws IOException {
        log.addEmitter(new StderrEmitter(new PrintStream(System.err, true)));
        String mask = bc.getProperty(LOG_LEVEL_PROPERTY);
        if (mask != null) {
            log.setMask(parseMask(mask));
        }
        ConfigLoader loader = new ConfigLoader();
        String dir = bc.getProperty(CONF_PROPERTY);
        LoadedConfig cfg = dir == null ? loader.load(List.of()) : loader.loadDirectory(Path.of(dir));
        if (mask == null) {
            log.setMask(cfg.global().logLevel());
        }
        int missing = log.mask() & ~org.lws4j.core.log.LogBuild.COMPILED_MASK;
        if (missing != 0) {
            log.notice("log levels 0x%x were left out of this build (lws4j.log.compiled=0x%x): their lines never appear",
                    missing, org.lws4j.core.log.LogBuild.COMPILED_MASK);
        }
        if (dir == null) {
            log.notice("no %s framework property: vhosts come from bundles and ConfigAdmin (org.lws4j.vhost) only",
                    CONF_PROPERTY);
        }
        for (ConfigProblem p : cfg.problems()) {
            log.err("config: %s", p);
        }
        String syslog = cfg.global().options().get("syslog");
        if (syslog != null) {
            try {
                int facility = Integer.parseInt(cfg.global().options().getOrDefault("syslog-facility", "1").trim());
                syslogEmitter = org.lws4j.core.log.SyslogEmitter.parse(syslog, facility);
                log.addEmitter(syslogEmitter);
            } catch (IOException | RuntimeException e) {
                log.err("config: global.syslog: %s", e.getMessage());
            }
        }
        ContextImpl c = new ContextImpl(cfg.global(), log);
        // relative certificate paths: under the config folder, or Karaf's etc/ in Karaf
        String base = dir != null ? dir : bc.getProperty("karaf.etc");
        if (base != null) {
            c.setConfigDir(Path.of(base));
        }
        c.start();
        // nothing is accepted before the framework has started every bundle installed at boot and
        // their services are bound: a client never meets a TLS port without its provider or a zip
        // mount without its file ops (connections made meanwhile wait in the listen backlog)
        c.holdAccepting();
        for (VhostConfig vc : cfg.vhosts()) {
            c.addVhost(vc);
        }
        synchronized (lock) {
            ctx = c;
        }
        // the plug-in services, those registered already and those to come
        plugins = new Trackers(bc, c, log);
        plugins.open();
        tracker = new BundleConfigTracker(bc, c, log, loader);
        tracker.open();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("lws.server.string", c.serverString());
        // the group broker bundles read their settings here ("group-broker", "group-broker-prefix", ...),
        // unless ConfigAdmin has the PID org.lws4j.group.broker
        cfg.global().options().forEach((k, v) -> {
            if (k.startsWith(GROUP_BROKER_KEYS)) {
                props.put(k, v);
            }
        });
        registration = bc.registerService(Context.class, c, props);
        readyWhenStarted(bc, c);
    }

    /**
     * Once the framework has started every bundle (so bundle vhosts are up and the boot bundles'
     * services bound): starts accepting, then writes the ready file ("ready" and the addresses
     * listened on) for {@code bin/lws4j start}. A core started into a running framework (Karaf
     * feature, live install) accepts at once.
     */
    private void readyWhenStarted(BundleContext bc, ContextImpl c) {
        Runnable ready = () -> {
            c.startAccepting();
            String file = bc.getProperty(READY_FILE_PROPERTY);
            if (file == null) {
                return;
            }
            try {
                Path p = Path.of(file);
                Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
                java.nio.file.Files.writeString(tmp, "ready " + String.join(", ", c.listening()) + "\n");
                java.nio.file.Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                log.warn("cannot write the ready file %s: %s", file, e.getMessage());
            }
        };
        org.osgi.framework.Bundle system = bc.getBundle(0);
        org.osgi.framework.FrameworkListener onStarted = new org.osgi.framework.FrameworkListener() {
            @Override
            public void frameworkEvent(org.osgi.framework.FrameworkEvent e) {
                if (e.getType() == org.osgi.framework.FrameworkEvent.STARTED) {
                    bc.removeFrameworkListener(this);
                    ready.run();
                }
            }
        };
        bc.addFrameworkListener(onStarted);
        // added first, so a STARTED between the check and the listener cannot be missed; ready
        // runs once either way (startAccepting is idempotent, the file is rewritten the same)
        if (system.getState() == org.osgi.framework.Bundle.ACTIVE) {
            bc.removeFrameworkListener(onStarted);
            ready.run();
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
        if (tracker != null) {
            tracker.close();
        }
        if (plugins != null) {
            plugins.close();
        }
        ContextImpl c;
        synchronized (lock) {
            c = ctx;
            ctx = null;
        }
        if (c != null) {
            c.stop();
        }
        if (syslogEmitter != null) {
            log.removeEmitter(syslogEmitter);
            try {
                syslogEmitter.close();
            } catch (IOException ignored) {
                // stopping anyway
            }
        }
    }

    static int parseMask(String s) {
        String t = s.trim();
        try {
            return t.startsWith("0x") || t.startsWith("0X") ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
        } catch (NumberFormatException e) {
            return LogLevel.DEFAULT_MASK;
        }
    }

    // ---- log emitters ------------------------------------------------------------------------

    @Reference(service = LogEmitter.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindEmitter(LogEmitter e) {
        synchronized (lock) {
            emitters.add(e);
        }
        log.addEmitter(e);
    }

    void unbindEmitter(LogEmitter e) {
        synchronized (lock) {
            emitters.remove(e);
        }
        log.removeEmitter(e);
    }
}
