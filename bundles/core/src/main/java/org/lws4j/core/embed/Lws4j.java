package org.lws4j.core.embed;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.lws4j.api.Context;
import org.lws4j.spi.extension.Extension;
import org.lws4j.spi.fileops.FileOps;
import org.lws4j.spi.log.LogEmitter;
import org.lws4j.spi.origin.MountOrigin;
import org.lws4j.api.Protocol;
import org.lws4j.spi.tls.TlsProvider;
import org.lws4j.core.config.ConfigLoader;
import org.lws4j.core.config.ConfigProblem;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.LoadedConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.log.StderrEmitter;

/**
 * lws4j without OSGi: an application builds a context from lwsws JSON and its own protocol
 * objects, then runs it on threads of its own, on its executor, or from its own loop with
 * {@link Context#service(long)} (count-threads 0: lws's external loop). The api and core jars and
 * jackson on the class path are all it takes.
 *
 * <pre>{@code
 * try (Lws4j.Running lws = Lws4j.builder()
 *         .json("{\"global\": {\"count-threads\": \"0\"}, \"vhosts\": [{\"name\": \"localhost\", \"port\": \"8080\","
 *             + " \"mounts\": [{\"mountpoint\": \"/app\", \"origin\": \"callback://app\"}]}]}")
 *         .protocol("app", new AppProtocol())
 *         .start()) {
 *     while (running) {
 *         lws.context().service(100); // the application's own thread serves
 *     }
 * }
 * }</pre>
 */
public final class Lws4j {
    private Lws4j() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A running context; closing it closes every connection and stops its loops. */
    public static final class Running implements AutoCloseable {
        private final ContextImpl ctx;

        private Running(ContextImpl ctx) {
            this.ctx = ctx;
        }

        public Context context() {
            return ctx;
        }

        /** The port a vhost listens on, or -1. */
        public int port(String vhost) {
            var v = ctx.vhostImpl(vhost);
            return v == null ? -1 : ctx.boundPort(v);
        }

        @Override
        public void close() {
            ctx.stop();
        }
    }

    /** What the context is made of. Not thread-safe; use from one thread. */
    public static final class Builder {
        private final List<ConfigLoader.Source> sources = new ArrayList<>();
        private Path confDir;
        private Integer threads;
        private Integer logMask;
        private final List<LogEmitter> emitters = new ArrayList<>();
        private final Map<String, Protocol> protocols = new LinkedHashMap<>();
        private final Map<String, Extension> extensions = new LinkedHashMap<>();
        private final Map<String, FileOps> fileOps = new LinkedHashMap<>();
        private final Map<String, MountOrigin> origins = new LinkedHashMap<>();
        private TlsProvider tls;
        private Executor executor;
        private org.lws4j.spi.metrics.MetricsSink metrics;
        private org.lws4j.spi.group.GroupBroker groupBroker;

        /** Reads every *.json of {@code dir} and its conf.d/, as the OSGi runtime does. */
        public Builder configDir(Path dir) {
            this.confDir = dir;
            return this;
        }

        /** lwsws-style JSON text ("global" and "vhosts"); may be given several times. */
        public Builder json(String json) {
            sources.add(new ConfigLoader.Source("json#" + (sources.size() + 1), json));
            return this;
        }

        /** Service threads; 0 means the application drives the loop with {@code service()}. */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /** Runs the service loops on {@code ex} instead of threads of their own. */
        public Builder executor(Executor ex) {
            this.executor = ex;
            return this;
        }

        public Builder logLevel(int mask) {
            this.logMask = mask;
            return this;
        }

        /** Where log lines go besides stderr (pass {@code emitterOnly} to replace stderr). */
        public Builder logEmitter(LogEmitter e) {
            emitters.add(e);
            return this;
        }

        public Builder protocol(String name, Protocol p) {
            protocols.put(name, p);
            return this;
        }

        public Builder extension(String name, Extension e) {
            extensions.put(name, e);
            return this;
        }

        public Builder fileOps(String signature, FileOps ops) {
            fileOps.put(signature, ops);
            return this;
        }

        public Builder mountOrigin(String scheme, MountOrigin o) {
            origins.put(scheme, o);
            return this;
        }

        public Builder tls(TlsProvider p) {
            this.tls = p;
            return this;
        }

        /** Where events are counted (the metrics bundle's sink, or one of the application's). */
        public Builder metrics(org.lws4j.spi.metrics.MetricsSink sink) {
            this.metrics = sink;
            return this;
        }

        /**
         * Carries broadcast groups to other nodes (a Redis or NATS broker bundle's
         * {@link org.lws4j.spi.group.GroupBroker}); without one, groups deliver on this node only.
         * The running context can change it: {@code ContextImpl.setGroupBroker}.
         */
        public Builder groupBroker(org.lws4j.spi.group.GroupBroker broker) {
            this.groupBroker = broker;
            return this;
        }

        /**
         * Makes and starts the context.
         *
         * @throws IllegalArgumentException listing every config problem, when there are any
         */
        public Running start() {
            ConfigLoader loader = new ConfigLoader();
            List<ConfigLoader.Source> all = new ArrayList<>(sources);
            LoadedConfig cfg = confDir != null ? loader.loadDirectory(confDir) : loader.load(List.of());
            if (!sources.isEmpty()) {
                LoadedConfig more = loader.load(all);
                List<VhostConfig> vh = new ArrayList<>(cfg.vhosts());
                vh.addAll(more.vhosts());
                List<ConfigProblem> pr = new ArrayList<>(cfg.problems());
                pr.addAll(more.problems());
                cfg = new LoadedConfig(confDir != null && sources.isEmpty() ? cfg.global() : more.global(), vh, pr);
            }
            if (!cfg.problems().isEmpty()) {
                throw new IllegalArgumentException("config problems: " + cfg.problems());
            }
            ContextConfig g = cfg.global();
            if (threads != null || logMask != null) {
                g = new ContextConfig(threads != null ? threads : g.countThreads(), g.serverString(), g.timeoutSecs(),
                        g.kaTime(), g.kaProbes(), g.kaInterval(), g.maxHttpHeaderData(), g.maxHttpHeaderPool(),
                        g.maxHttpBody(), logMask != null ? logMask : g.logLevel(), g.fdLimitPerThread(),
                        g.wsPingPongSecs(), g.wsMaxFrameSize(), g.wsMaxMessageSize(), g.options());
            }
            LogImpl log = new LogImpl(g.logLevel());
            log.addEmitter(new StderrEmitter(new PrintStream(System.err, true)));
            emitters.forEach(log::addEmitter);
            ContextImpl ctx;
            try {
                ctx = new ContextImpl(g, log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (confDir != null) {
                ctx.setConfigDir(confDir);
            }
            if (metrics != null) {
                ctx.setMetrics(metrics);
            }
            if (groupBroker != null) {
                ctx.setGroupBroker(groupBroker);
            }
            if (executor != null) {
                ctx.start(executor);
            } else {
                ctx.start();
            }
            if (tls != null) {
                ctx.setTlsProvider(tls);
            }
            long id = 1;
            for (Map.Entry<String, Extension> e : extensions.entrySet()) {
                ctx.addExtension(e.getKey(), e.getValue(), 0, id++);
            }
            for (Map.Entry<String, FileOps> e : fileOps.entrySet()) {
                ctx.addFileOps(e.getKey(), e.getValue(), 0, id++);
            }
            for (Map.Entry<String, MountOrigin> e : origins.entrySet()) {
                ctx.addOrigin(e.getKey(), e.getValue(), 0, id++);
            }
            for (VhostConfig v : cfg.vhosts()) {
                ctx.addVhost(v);
            }
            for (Map.Entry<String, Protocol> e : protocols.entrySet()) {
                ctx.addProtocol(e.getKey(), e.getValue(), 0, id++);
            }
            return new Running(ctx);
        }
    }
}
