package org.lws4j.core.osgi;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.lws4j.api.Context;
import org.lws4j.spi.log.LogEmitter;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Protocol;
import org.lws4j.core.config.ConfigLoader;
import org.lws4j.core.config.ConfigProblem;
import org.lws4j.core.config.LoadedConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.log.StderrEmitter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
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
 * service, binds every {@link Protocol} service to the vhosts that offer its name as services
 * come and go, and adds the vhosts that bundles carry ({@code Lws4j-Config} header).
 *
 * <p>Protocol services may arrive before activation; they wait in a list and are bound once the
 * context runs. Binding and unbinding run on DS's calling thread and wait (bounded) for the
 * service threads, so when an unbind returns the protocol's connections are closed.
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

    private final LogImpl log = new LogImpl(LogLevel.DEFAULT_MASK);
    private final Object lock = new Object();
    private final Map<Protocol, Map<String, Object>> pending = new IdentityHashMap<>();
    private final Map<Protocol, String> names = new IdentityHashMap<>();
    private final List<LogEmitter> emitters = new ArrayList<>();
    private ContextImpl ctx;
    private BundleConfigTracker tracker;
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
        // services that arrived before the context existed; later ones go to it directly
        org.lws4j.spi.tls.TlsProvider earlyTls;
        List<Map.Entry<Object, Map<String, Object>>> earlyPlugins;
        List<Map.Entry<Protocol, Map<String, Object>>> early;
        List<Map.Entry<org.lws4j.spi.extension.Extension, Map<String, Object>>> earlyExt;
        synchronized (lock) {
            ctx = c;
            earlyTls = tls;
            earlyPlugins = new ArrayList<>(pendingPlugins.entrySet());
            pendingPlugins.clear();
            early = new ArrayList<>(pending.entrySet());
            pending.clear();
            earlyExt = new ArrayList<>(pendingExtensions.entrySet());
            pendingExtensions.clear();
        }
        if (earlyTls != null) {
            c.setTlsProvider(earlyTls);
        }
        for (Map.Entry<Object, Map<String, Object>> e : earlyPlugins) {
            applyPlugin(c, e.getKey(), e.getValue(), true);
        }
        for (Map.Entry<org.lws4j.spi.extension.Extension, Map<String, Object>> e : earlyExt) {
            addExtension(c, e.getKey(), e.getValue());
        }
        for (Map.Entry<Protocol, Map<String, Object>> e : early) {
            add(c, e.getKey(), e.getValue());
        }
        tracker = new BundleConfigTracker(bc, c, log, loader);
        tracker.open();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("lws.server.string", c.serverString());
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

    // ---- protocols ---------------------------------------------------------------------------

    @Reference(service = Protocol.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindProtocol(Protocol p, Map<String, Object> props) {
        ContextImpl c;
        synchronized (lock) {
            c = ctx;
            if (c == null) {
                pending.put(p, props);
                return;
            }
        }
        add(c, p, props);
    }

    void updatedProtocol(Protocol p, Map<String, Object> props) {
        String old;
        synchronized (lock) {
            if (ctx == null) {
                pending.put(p, props);
                return;
            }
            old = names.get(p);
        }
        if (old != null) {
            remove(p, old);
        }
        add(ctx, p, props);
    }

    void unbindProtocol(Protocol p, Map<String, Object> props) {
        String name;
        synchronized (lock) {
            if (pending.remove(p) != null) {
                return;
            }
            name = names.get(p);
        }
        if (name != null) {
            remove(p, name);
        }
    }

    private void add(ContextImpl c, Protocol p, Map<String, Object> props) {
        Object n = props.get(Protocol.NAME);
        if (!(n instanceof String) || ((String) n).isBlank()) {
            log.warn("protocol service %s has no %s property; ignored", p.getClass().getName(), Protocol.NAME);
            return;
        }
        String name = (String) n;
        Object rank = props.get(Constants.SERVICE_RANKING);
        Object id = props.get(Constants.SERVICE_ID);
        synchronized (lock) {
            names.put(p, name);
        }
        c.addProtocol(name, p, rank instanceof Integer ? (Integer) rank : 0, id instanceof Long ? (Long) id : 0L);
    }

    private void remove(Protocol p, String name) {
        ContextImpl c;
        synchronized (lock) {
            names.remove(p);
            c = ctx;
        }
        if (c != null) {
            c.removeProtocol(name, p);
        }
    }

    // ---- extensions --------------------------------------------------------------------------

    private final Map<org.lws4j.spi.extension.Extension, Map<String, Object>> pendingExtensions = new IdentityHashMap<>();

    @Reference(service = org.lws4j.spi.extension.Extension.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindExtension(org.lws4j.spi.extension.Extension e, Map<String, Object> props) {
        ContextImpl c;
        synchronized (lock) {
            c = ctx;
            if (c == null) {
                pendingExtensions.put(e, props);
                return;
            }
        }
        addExtension(c, e, props);
    }

    void unbindExtension(org.lws4j.spi.extension.Extension e, Map<String, Object> props) {
        ContextImpl c;
        synchronized (lock) {
            if (pendingExtensions.remove(e) != null) {
                return;
            }
            c = ctx;
        }
        Object n = props.get(org.lws4j.spi.extension.Extension.NAME);
        if (c != null && n instanceof String) {
            c.removeExtension((String) n, e);
        }
    }

    private void addExtension(ContextImpl c, org.lws4j.spi.extension.Extension e, Map<String, Object> props) {
        Object n = props.get(org.lws4j.spi.extension.Extension.NAME);
        if (!(n instanceof String) || ((String) n).isBlank()) {
            log.warn("extension service %s has no %s property; ignored", e.getClass().getName(), org.lws4j.spi.extension.Extension.NAME);
            return;
        }
        Object rank = props.get(Constants.SERVICE_RANKING);
        Object id = props.get(Constants.SERVICE_ID);
        c.addExtension((String) n, e, rank instanceof Integer ? (Integer) rank : 0, id instanceof Long ? (Long) id : 0L);
    }

    // ---- file ops and mount origins -------------------------------------------------------------
    // Both are kept by the context itself, which exists from activation on; services that come
    // before it wait here.

    private final Map<Object, Map<String, Object>> pendingPlugins = new IdentityHashMap<>();

    @Reference(service = org.lws4j.spi.fileops.FileOps.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindFileOps(org.lws4j.spi.fileops.FileOps ops, Map<String, Object> props) {
        plugin(ops, props, true);
    }

    void unbindFileOps(org.lws4j.spi.fileops.FileOps ops, Map<String, Object> props) {
        plugin(ops, props, false);
    }

    @Reference(service = org.lws4j.spi.origin.MountOrigin.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindOrigin(org.lws4j.spi.origin.MountOrigin o, Map<String, Object> props) {
        plugin(o, props, true);
    }

    void unbindOrigin(org.lws4j.spi.origin.MountOrigin o, Map<String, Object> props) {
        plugin(o, props, false);
    }

    private void plugin(Object service, Map<String, Object> props, boolean add) {
        ContextImpl c;
        synchronized (lock) {
            c = ctx;
            if (c == null) {
                if (add) {
                    pendingPlugins.put(service, props);
                } else {
                    pendingPlugins.remove(service);
                }
                return;
            }
        }
        applyPlugin(c, service, props, add);
    }

    private void applyPlugin(ContextImpl c, Object service, Map<String, Object> props, boolean add) {
        Object rank = props.get(Constants.SERVICE_RANKING);
        int ranking = rank instanceof Integer ? (Integer) rank : 0;
        Object id = props.get(Constants.SERVICE_ID);
        long serviceId = id instanceof Long ? (Long) id : 0L;
        if (service instanceof org.lws4j.spi.fileops.FileOps) {
            org.lws4j.spi.fileops.FileOps ops = (org.lws4j.spi.fileops.FileOps) service;
            Object sig = props.get(org.lws4j.spi.fileops.FileOps.SIGNATURE);
            if (!add) {
                c.removeFileOps(ops);
            } else if (sig instanceof String && !((String) sig).isEmpty()) {
                c.addFileOps((String) sig, ops, ranking, serviceId);
            } else {
                log.warn("file ops service %s has no %s property; ignored", ops.getClass().getName(), org.lws4j.spi.fileops.FileOps.SIGNATURE);
            }
        } else if (service instanceof org.lws4j.spi.origin.MountOrigin) {
            org.lws4j.spi.origin.MountOrigin o = (org.lws4j.spi.origin.MountOrigin) service;
            Object scheme = props.get(org.lws4j.spi.origin.MountOrigin.SCHEME);
            if (!(scheme instanceof String) || ((String) scheme).isBlank()) {
                log.warn("mount origin service %s has no %s property; ignored", o.getClass().getName(), org.lws4j.spi.origin.MountOrigin.SCHEME);
            } else if (add) {
                c.addOrigin((String) scheme, o, ranking, serviceId);
            } else {
                c.removeOrigin((String) scheme, o);
            }
        }
    }

    // ---- TLS ---------------------------------------------------------------------------------

    private org.lws4j.spi.tls.TlsProvider tls;

    @Reference(service = org.lws4j.spi.tls.TlsProvider.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindTls(org.lws4j.spi.tls.TlsProvider p) {
        ContextImpl c;
        synchronized (lock) {
            tls = p;
            c = ctx;
        }
        if (c != null) {
            c.setTlsProvider(p);
        }
    }

    void unbindTls(org.lws4j.spi.tls.TlsProvider p) {
        ContextImpl c;
        synchronized (lock) {
            if (tls != p) {
                return; // already replaced by a better-ranked provider
            }
            tls = null;
            c = ctx;
        }
        if (c != null) {
            c.setTlsProvider(null);
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
