package org.lws4j.core.osgi;

import java.util.List;
import java.util.Map;

import org.lws4j.api.Context;
import org.lws4j.api.Log;
import org.lws4j.core.config.ConfigProblem;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * A vhost from a ConfigAdmin factory configuration of PID {@value VhostConfiguration#PID} (in
 * Karaf, a file {@code etc/org.lws4j.vhost-NAME.cfg}; in the standalone runtime,
 * {@code deploy/org.lws4j.vhost-NAME.cfg}): one component per configuration, keys as
 * {@link FlatVhostConfig} reads them.
 *
 * <p>A configuration with any problem is not applied: every problem is logged with the file and
 * key, and the vhost keeps the last good configuration it had (a new one is not served until it is
 * fixed). A good change re-applies the vhost live as one swap ({@link ContextImpl#replaceVhost}):
 * the listen socket stays when the address does, HTTP connections go on, WebSockets of the old
 * vhost get 1001; if the new one cannot be served (its port is taken, another vhost has its name
 * and port, its TLS setup fails) the old one keeps serving, untouched. An unchanged configuration
 * (a file touched) changes nothing. Deleting the configuration removes the vhost.
 *
 * <p>DS calls activate, modified and deactivate of one instance one at a time, so no lock.
 */
@Component(configurationPid = VhostConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = VhostConfiguration.class, factory = true)
public final class ConfiguredVhost {
    /** FileInstall's key holding the file a configuration came from. */
    static final String FILE_KEY = "felix.fileinstall.filename";
    private static final String FILE_PREFIX = VhostConfiguration.PID + "-";

    private final ContextImpl ctx;
    private final Log log;
    private final FlatVhostConfig reader = new FlatVhostConfig();
    /** The configuration being served; null while none is. */
    private VhostConfig applied;

    @Activate
    public ConfiguredVhost(@Reference Context context, Map<String, Object> props) {
        this.ctx = context instanceof ContextImpl c ? c : null;
        this.log = context.log();
        if (ctx == null) {
            log.err("%s: the Context service is not lws4j core's; vhost not served", source(props));
            return;
        }
        apply(props);
    }

    @Modified
    void modified(Map<String, Object> props) {
        if (ctx != null) {
            apply(props);
        }
    }

    @Deactivate
    void deactivate() {
        if (ctx != null && applied != null) {
            ctx.removeVhost(applied.name(), applied.port());
            applied = null;
        }
    }

    private void apply(Map<String, Object> props) {
        String source = source(props);
        FlatVhostConfig.Result r = reader.read(source, props, defaultName(props));
        List<VhostConfig> vhosts = r.loaded().vhosts();
        if (!r.problems().isEmpty() || vhosts.size() != 1) {
            for (ConfigProblem p : r.problems()) {
                log.err("config: %s", p);
            }
            log.err("%s: not applied; %s", source, applied == null
                    ? "the vhost is not served until the configuration is fixed"
                    : "vhost " + applied.name() + " on port " + applied.port() + " keeps its last good configuration");
            return;
        }
        VhostConfig next = vhosts.get(0);
        if (next.equals(applied)) {
            return;
        }
        if (applied == null) {
            if (ctx.addVhost(next) != null) {
                applied = next;
                log.notice("%s: vhost %s on port %d added", source, next.name(), next.port());
            } else {
                log.err("%s: vhost %s on port %d could not be added (see above)", source, next.name(), next.port());
            }
            return;
        }
        String err = ctx.replaceVhost(applied, next);
        if (err == null) {
            applied = next;
            log.notice("%s: vhost %s on port %d re-applied", source, next.name(), next.port());
        } else {
            log.err("%s: the new configuration could not be applied: %s; vhost %s on port %d keeps its last good"
                    + " configuration", source, err, applied.name(), applied.port());
        }
    }

    /** "etc/org.lws4j.vhost-site.cfg" for a file FileInstall read, else the configuration's PID. */
    static String source(Map<String, ?> props) {
        Object file = props.get(FILE_KEY);
        if (file != null) {
            String f = file.toString().replace('\\', '/');
            int last = f.lastIndexOf('/');
            int dir = last > 0 ? f.lastIndexOf('/', last - 1) : -1;
            return f.substring(dir + 1);
        }
        Object pid = props.get("service.pid");
        return "configuration " + (pid == null ? VhostConfiguration.PID : pid);
    }

    /** NAME of org.lws4j.vhost-NAME.cfg, or of the PID org.lws4j.vhost~NAME; null when neither says. */
    static String defaultName(Map<String, ?> props) {
        Object file = props.get(FILE_KEY);
        if (file != null) {
            String f = file.toString().replace('\\', '/');
            String base = f.substring(f.lastIndexOf('/') + 1);
            int dot = base.lastIndexOf('.');
            base = dot > 0 ? base.substring(0, dot) : base;
            if (base.startsWith(FILE_PREFIX) && base.length() > FILE_PREFIX.length()) {
                return base.substring(FILE_PREFIX.length());
            }
        }
        Object pid = props.get("service.pid");
        if (pid != null) {
            String p = pid.toString();
            int tilde = p.indexOf('~');
            if (tilde > 0 && tilde < p.length() - 1) {
                return p.substring(tilde + 1);
            }
        }
        return null;
    }
}
