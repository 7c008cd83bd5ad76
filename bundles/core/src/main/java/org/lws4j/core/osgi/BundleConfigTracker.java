package org.lws4j.core.osgi;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;

import org.lws4j.api.Log;
import org.lws4j.core.config.ConfigLoader;
import org.lws4j.core.config.ConfigProblem;
import org.lws4j.core.config.LoadedConfig;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.vhost.VhostImpl;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.util.tracker.BundleTracker;

/**
 * Vhosts carried by bundles: a bundle whose manifest has {@value #HEADER} names a JSON file in it
 * (lwsws style). While the bundle is ACTIVE its vhosts are served; a mount origin
 * {@code bundle://dir} means the folder {@code dir/} inside that bundle, copied out into core's
 * data area so it is served as plain files ({@code bundle://site/book.zip} names one file, e.g.
 * a zip a FILE mount serves through the zip file ops). When the bundle stops, its vhosts go away.
 */
final class BundleConfigTracker extends BundleTracker<BundleConfigTracker.Contribution> {
    /** The manifest header naming a bundle's vhost config. */
    static final String HEADER = "Lws4j-Config";
    static final String BUNDLE_SCHEME = "bundle://";

    record Contribution(List<VhostImpl> vhosts, Path content) {
    }

    private final BundleContext core;
    private final ContextImpl ctx;
    private final Log log;
    private final ConfigLoader loader;

    BundleConfigTracker(BundleContext core, ContextImpl ctx, Log log, ConfigLoader loader) {
        super(core, Bundle.ACTIVE, null);
        this.core = core;
        this.ctx = ctx;
        this.log = log;
        this.loader = loader;
    }

    @Override
    public Contribution addingBundle(Bundle bundle, BundleEvent event) {
        String header = bundle.getHeaders("").get(HEADER);
        if (header == null) {
            return null;
        }
        String source = "bundle " + bundle.getSymbolicName() + " (" + header.trim() + ")";
        URL url = bundle.getEntry(header.trim());
        if (url == null) {
            log.err("%s: %s names a file the bundle does not have", source, HEADER);
            return new Contribution(List.of(), null);
        }
        String json;
        try (InputStream in = url.openStream()) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.err("%s: cannot read: %s", source, e);
            return new Contribution(List.of(), null);
        }
        LoadedConfig cfg = loader.load(List.of(new ConfigLoader.Source(ConfigLoader.Source.BUNDLE_PREFIX
                + bundle.getSymbolicName() + " (" + header.trim() + ")", json)));
        for (ConfigProblem p : cfg.problems()) {
            log.err("config: %s", p);
        }
        File data = core.getDataFile("content/" + bundle.getBundleId() + "-" + bundle.getLastModified());
        Path content = data == null ? null : data.toPath();
        List<VhostImpl> added = new ArrayList<>();
        for (VhostConfig vc : cfg.vhosts()) {
            VhostConfig resolved = resolveBundleOrigins(bundle, vc, content);
            if (resolved == null) {
                continue;
            }
            VhostImpl v = ctx.addVhost(resolved);
            if (v != null) {
                added.add(v);
            }
        }
        return new Contribution(added, content);
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, Contribution c) {
        for (VhostImpl v : c.vhosts()) {
            ctx.removeVhost(v.name(), v.port());
        }
        if (c.content() != null) {
            deleteTree(c.content());
        }
    }

    /** Rewrites bundle:// origins to the folders copied out of the bundle; null if one cannot be. */
    private VhostConfig resolveBundleOrigins(Bundle bundle, VhostConfig vc, Path content) {
        List<MountConfig> mounts = new ArrayList<>();
        for (MountConfig m : vc.mounts()) {
            if (!m.origin().startsWith(BUNDLE_SCHEME)) {
                mounts.add(m);
                continue;
            }
            String dir = m.origin().substring(BUNDLE_SCHEME.length()).replaceAll("^/+|/+$", "");
            try {
                if (content == null) {
                    throw new IOException("the framework gives core no data area");
                }
                Path target = extract(bundle, dir, content);
                mounts.add(new MountConfig(m.mountpoint(), "file://" + target, m.defaultDocument(), m.options(),
                        m.extraMimeTypes(), m.cgiEnv(), m.pmo()));
            } catch (IOException e) {
                log.err("%s: vhost %s: mount %s: cannot copy out %s: %s", vc.source(), vc.name(), m.mountpoint(),
                        m.origin(), e.getMessage());
            }
        }
        return new VhostConfig(vc.source(), vc.name(), vc.port(), vc.iface(), vc.keepaliveTimeout(), mounts,
                vc.wsProtocols(), vc.headers(), vc.options());
    }

    /**
     * Copies the bundle's folder (or single file, e.g. a zip) {@code dir} under {@code content};
     * done once per bundle version.
     */
    private static Path extract(Bundle bundle, String dir, Path content) throws IOException {
        Path target = content.resolve(dir.isEmpty() ? "root" : dir).normalize();
        if (!target.startsWith(content)) {
            throw new IOException("folder outside the bundle: " + dir);
        }
        URL single = dir.isEmpty() ? null : bundle.getEntry(dir);
        if (single != null && !single.getPath().endsWith("/") && bundle.getEntry(dir + "/") == null) {
            if (!Files.exists(target)) {
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling(target.getFileName() + ".part");
                try (InputStream in = single.openStream()) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        }
        Path done = target.resolve(".lws4j-complete");
        if (Files.exists(done)) {
            return target;
        }
        Files.createDirectories(target);
        Enumeration<URL> entries = bundle.findEntries(dir.isEmpty() ? "/" : dir, "*", true);
        int prefix = ("/" + dir + (dir.isEmpty() ? "" : "/")).length();
        while (entries != null && entries.hasMoreElements()) {
            URL u = entries.nextElement();
            String path = u.getPath();
            if (path.endsWith("/") || path.length() <= prefix) {
                continue;
            }
            Path out = target.resolve(path.substring(prefix)).normalize();
            if (!out.startsWith(target)) {
                continue; // never write outside the folder
            }
            Files.createDirectories(out.getParent());
            try (InputStream in = u.openStream()) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.createFile(done);
        return target;
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // leftovers are harmless and replaced on the next start
        }
    }
}
