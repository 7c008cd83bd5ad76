package org.lws4j.core.vhost;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.lws4j.api.Context;
import org.lws4j.api.Mount;
import org.lws4j.api.Vhost;
import org.lws4j.api.VhostProtocol;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.mount.FileOrigin;

/**
 * A vhost made from its config: the mount table, the protocols it offers (the "ws-protocols"
 * names in order, then the protocols of CALLBACK mounts), and which of them are bound now. The
 * bound set is swapped by the binder and read by every service thread.
 */
public final class VhostImpl implements Vhost, VhostMatcher.Named {
    private final VhostContext ctx;
    private final VhostConfig config;
    private final MountTable mountTable;
    private final List<String> offered;
    private final Map<String, VhostProtocolImpl> bound = new ConcurrentHashMap<>();
    private final Map<MountConfig, FileOrigin> fileOrigins = new java.util.IdentityHashMap<>();
    private volatile org.lws4j.spi.fileops.FileOps fileOpsOverride;
    /** Bindings of the protocols mount-origin services gave for this vhost's plug-in mounts. */
    private final Map<MountConfig, OriginBinding> originBindings = new ConcurrentHashMap<>();

    /** A mount origin's protocol bound for one mount. */
    public record OriginBinding(org.lws4j.spi.origin.MountOrigin origin, VhostProtocolImpl binding) {
    }

    public VhostImpl(VhostContext ctx, VhostConfig config) {
        this.ctx = ctx;
        this.config = config;
        this.mountTable = new MountTable(config.mounts());
        List<String> names = new ArrayList<>(config.wsProtocols().keySet());
        for (MountConfig m : config.mounts()) {
            String p = m.protocol();
            if (p != null && !names.contains(p)) {
                names.add(p);
            }
        }
        this.offered = Collections.unmodifiableList(names);
        for (MountConfig m : config.mounts()) {
            if (m.kind() == Mount.Kind.FILE) {
                fileOrigins.put(m, new FileOrigin(java.nio.file.Path.of(m.originPath())));
            }
        }
    }

    /** The directory behind a FILE mount of this vhost. */
    public FileOrigin fileOrigin(MountConfig m) {
        return fileOrigins.get(m);
    }

    public VhostConfig config() {
        return config;
    }

    public MountTable mountTable() {
        return mountTable;
    }

    VhostContext contextImpl() {
        return ctx;
    }

    /** The per-vhost options of {@code protocol} ("ws-protocols"), empty if none. */
    public Map<String, String> pvo(String protocol) {
        return config.wsProtocols().getOrDefault(protocol, Map.of());
    }

    /**
     * The binding serving plug-in mount {@code m} with {@code origin}'s protocol, made (with its
     * PROTOCOL_INIT, on the calling service thread) the first time it is needed. Null when the
     * protocol refused to bind.
     */
    public synchronized VhostProtocolImpl originBinding(MountConfig m, org.lws4j.spi.origin.MountOrigin origin) {
        OriginBinding ob = originBindings.get(m);
        if (ob != null && ob.origin() == origin) {
            return ob.binding();
        }
        VhostProtocolImpl b = new VhostProtocolImpl(this, m.scheme() + "://" + m.mountpoint(), origin.protocolFor(m),
                Map.of(), ctx.threads().size());
        if (b.callVhost(org.lws4j.api.Reason.PROTOCOL_INIT, null) == org.lws4j.api.Result.CLOSE) {
            return null;
        }
        originBindings.put(m, new OriginBinding(origin, b));
        return b;
    }

    /** Removes and returns the bindings made from {@code origin}. */
    public synchronized List<VhostProtocolImpl> dropOrigin(org.lws4j.spi.origin.MountOrigin origin) {
        List<VhostProtocolImpl> gone = new ArrayList<>();
        originBindings.entrySet().removeIf(e -> {
            if (e.getValue().origin() == origin) {
                e.getValue().binding().end();
                gone.add(e.getValue().binding());
                return true;
            }
            return false;
        });
        return gone;
    }

    /** Makes a binding of {@code protocol} under {@code name} (not yet visible). */
    public VhostProtocolImpl newBinding(String name, org.lws4j.api.Protocol protocol) {
        return new VhostProtocolImpl(this, name, protocol, pvo(name), ctx.threads().size());
    }

    /** Makes {@code b} the binding of its name, returning the one it replaces (or null). */
    public VhostProtocolImpl install(VhostProtocolImpl b) {
        VhostProtocolImpl old = bound.put(b.name(), b);
        countBinding(b.name(), true);
        return old;
    }

    /** Removes {@code b} if it is still the binding of its name, and ends it. */
    public boolean uninstall(VhostProtocolImpl b) {
        b.end();
        boolean removed = bound.remove(b.name(), b);
        if (removed) {
            countBinding(b.name(), false);
        }
        return removed;
    }

    private void countBinding(String protocol, boolean bound) {
        org.lws4j.spi.metrics.MetricsSink m = ctx.threads().get(0).metrics();
        if (m != null) {
            m.binding(name(), protocol, bound);
        }
    }

    public VhostProtocolImpl binding(String name) {
        return bound.get(name);
    }

    public List<VhostProtocolImpl> bindings() {
        return new ArrayList<>(bound.values());
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public int port() {
        return config.port();
    }

    @Override
    public String iface() {
        return config.iface();
    }

    @Override
    public Context context() {
        return ctx.context();
    }

    @Override
    public boolean isSecure() {
        return config.options().containsKey("host-ssl-cert");
    }

    @Override
    public List<Mount> mounts() {
        return Collections.unmodifiableList(new ArrayList<>(config.mounts()));
    }

    @Override
    public List<String> protocolNames() {
        return offered;
    }

    @Override
    public VhostProtocol protocol(String name) {
        return bound.get(name);
    }

    @Override
    public org.lws4j.spi.fileops.FileOps fileOps() {
        org.lws4j.spi.fileops.FileOps o = fileOpsOverride;
        return o != null ? o : ctx.fileOpsLayers();
    }

    @Override
    public void setFileOps(org.lws4j.spi.fileops.FileOps ops) {
        fileOpsOverride = ops;
    }

    /**
     * True when the path runs through a container no installed layer opens, and that is for want
     * of a plug-in: the mount's origin is itself the container (a zip mount), or a layer for the
     * path's kind served here before.
     */
    public boolean layerMissing(MountConfig m, java.nio.file.Path container, String path) {
        FileOrigin o = fileOrigins.get(m);
        return (o != null && container.equals(o.root())) || ctx.fileOpsLayers().missingLayer(path);
    }

    /** True when the installed layers (not an override) decide, and none handles {@code path}. */
    public boolean noLayerFor(String path) {
        return fileOpsOverride == null && !ctx.fileOpsLayers().handles(path);
    }

    @Override
    public void requestWriteableAll(String protocol) {
        VhostProtocolImpl b = bound.get(protocol);
        if (b != null) {
            b.requestWriteableAll();
        }
    }

    @Override
    public String toString() {
        return "vhost " + name() + ":" + port();
    }
}
