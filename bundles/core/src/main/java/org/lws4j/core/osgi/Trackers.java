package org.lws4j.core.osgi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.lws4j.api.Log;
import org.lws4j.api.Protocol;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.spi.extension.Extension;
import org.lws4j.spi.fileops.FileOps;
import org.lws4j.spi.origin.MountOrigin;
import org.osgi.framework.BundleContext;

/** One tracker per plug-in kind the context uses, opened and closed together. */
final class Trackers {
    private final List<ServiceKindTracker<?>> all = new ArrayList<>();

    Trackers(BundleContext bc, ContextImpl ctx, Log log) {
        all.add(new ProtocolTracker(bc, ctx, log));
        all.add(new ExtensionTracker(bc, ctx, log));
        all.add(new FileOpsTracker(bc, ctx, log));
        all.add(new OriginTracker(bc, ctx, log));
        all.add(new GroupBrokerTracker(bc, ctx, log));
        all.add(new MetricsTracker(bc, ctx, log));
        all.add(new TlsTracker(bc, ctx, log));
    }

    /** The TLS provider first, so TLS ports can serve before the rest arrives; then metrics, to count it all. */
    void open() {
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).open();
        }
    }

    void close() {
        for (ServiceKindTracker<?> t : all) {
            t.close();
        }
    }

    /** Protocols, by {@link Protocol#NAME}: bound on every vhost that offers the name. */
    static final class ProtocolTracker extends ServiceKindTracker<Protocol> {
        private final ContextImpl ctx;

        ProtocolTracker(BundleContext bc, ContextImpl ctx, Log log) {
            super(bc, Protocol.class, log);
            this.ctx = ctx;
        }

        @Override
        protected boolean add(Protocol p, Map<String, Object> props) {
            String name = name(props, Protocol.NAME);
            if (name == null) {
                log.warn("protocol service %s has no %s property; ignored", p.getClass().getName(), Protocol.NAME);
                return false;
            }
            ctx.addProtocol(name, p, ranking(props), serviceId(props));
            return true;
        }

        @Override
        protected void remove(Protocol p, Map<String, Object> props) {
            ctx.removeProtocol(name(props, Protocol.NAME), p);
        }

        @Override
        protected String kind() {
            return "protocol";
        }
    }

    /** WebSocket extensions, by {@link Extension#NAME}: offered to the next handshakes. */
    static final class ExtensionTracker extends ServiceKindTracker<Extension> {
        private final ContextImpl ctx;

        ExtensionTracker(BundleContext bc, ContextImpl ctx, Log log) {
            super(bc, Extension.class, log);
            this.ctx = ctx;
        }

        @Override
        protected boolean add(Extension e, Map<String, Object> props) {
            String name = name(props, Extension.NAME);
            if (name == null) {
                log.warn("extension service %s has no %s property; ignored", e.getClass().getName(), Extension.NAME);
                return false;
            }
            ctx.addExtension(name, e, ranking(props), serviceId(props));
            return true;
        }

        @Override
        protected void remove(Extension e, Map<String, Object> props) {
            ctx.removeExtension(name(props, Extension.NAME), e);
        }

        @Override
        protected String kind() {
            return "extension";
        }
    }

    /** File-ops layers, by {@link FileOps#SIGNATURE} (".zip/"). */
    static final class FileOpsTracker extends ServiceKindTracker<FileOps> {
        private final ContextImpl ctx;

        FileOpsTracker(BundleContext bc, ContextImpl ctx, Log log) {
            super(bc, FileOps.class, log);
            this.ctx = ctx;
        }

        @Override
        protected boolean add(FileOps ops, Map<String, Object> props) {
            String sig = name(props, FileOps.SIGNATURE);
            if (sig == null) {
                log.warn("file ops service %s has no %s property; ignored", ops.getClass().getName(), FileOps.SIGNATURE);
                return false;
            }
            ctx.addFileOps(sig, ops, ranking(props), serviceId(props));
            return true;
        }

        @Override
        protected void remove(FileOps ops, Map<String, Object> props) {
            ctx.removeFileOps(ops);
        }

        @Override
        protected String kind() {
            return "file ops";
        }
    }

    /** Mount origins, by {@link MountOrigin#SCHEME} ("cgi"). */
    static final class OriginTracker extends ServiceKindTracker<MountOrigin> {
        private final ContextImpl ctx;

        OriginTracker(BundleContext bc, ContextImpl ctx, Log log) {
            super(bc, MountOrigin.class, log);
            this.ctx = ctx;
        }

        @Override
        protected boolean add(MountOrigin o, Map<String, Object> props) {
            String scheme = name(props, MountOrigin.SCHEME);
            if (scheme == null) {
                log.warn("mount origin service %s has no %s property; ignored", o.getClass().getName(), MountOrigin.SCHEME);
                return false;
            }
            ctx.addOrigin(scheme, o, ranking(props), serviceId(props));
            return true;
        }

        @Override
        protected void remove(MountOrigin o, Map<String, Object> props) {
            ctx.removeOrigin(name(props, MountOrigin.SCHEME), o);
        }

        @Override
        protected String kind() {
            return "mount origin";
        }
    }
}
