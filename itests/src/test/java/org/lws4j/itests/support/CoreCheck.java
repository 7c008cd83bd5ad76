package org.lws4j.itests.support;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.lws4j.api.Context;
import org.lws4j.api.Mount;
import org.lws4j.api.Vhost;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Probe side: what the core made of the itest config, read from its {@code org.lws4j.api.Context}
 * service. Kept out of the test classes so that they load even when org.lws4j.api is missing.
 */
public final class CoreCheck {
    private CoreCheck() {
    }

    /**
     * Waits (bounded) for the Context service and describes the itest vhost as
     * "name port iface threads=N mounts=[mountpoint kind origin-or-protocol, ...]".
     */
    public static String describeItestVhost(BundleContext context, Duration max) throws InterruptedException {
        ServiceTracker<Context, Context> tracker = new ServiceTracker<>(context.getBundle(0).getBundleContext(),
                Context.class, null);
        tracker.open(true);
        try {
            Context ctx = tracker.waitForService(max.toMillis());
            if (ctx == null) {
                throw new AssertionError("no org.lws4j.api.Context service after " + max.toSeconds() + " s\n"
                        + Bundles.report(context));
            }
            Vhost v = ctx.vhost("localhost");
            if (v == null) {
                throw new AssertionError("no vhost 'localhost'; vhosts: "
                        + ctx.vhosts().stream().map(Vhost::name).collect(Collectors.toList()));
            }
            List<String> mounts = v.mounts().stream().map(CoreCheck::describe).collect(Collectors.toList());
            return v.name() + " " + v.port() + " " + v.iface() + " threads=" + ctx.serviceThreads() + " mounts=" + mounts;
        } finally {
            tracker.close();
        }
    }

    /**
     * Waits (bounded by {@code max}) until the itest vhost has a binding for each of
     * {@code protocols}; fails naming the ones still unbound.
     */
    public static void awaitBound(BundleContext context, Duration max, String... protocols) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        ServiceTracker<Context, Context> tracker = new ServiceTracker<>(context.getBundle(0).getBundleContext(),
                Context.class, null);
        tracker.open(true);
        try {
            Context ctx = tracker.waitForService(max.toMillis());
            if (ctx == null) {
                throw new AssertionError("no org.lws4j.api.Context service after " + max.toSeconds() + " s\n"
                        + Bundles.report(context));
            }
            while (true) {
                Vhost v = ctx.vhost("localhost");
                List<String> missing = new java.util.ArrayList<>();
                for (String p : protocols) {
                    if (v == null || v.protocol(p) == null) {
                        missing.add(p);
                    }
                }
                if (missing.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("vhost localhost has no binding for " + missing + " after "
                            + max.toSeconds() + " s (offers " + (v == null ? "?" : v.protocolNames()) + ")\n"
                            + Bundles.report(context));
                }
                Thread.sleep(50);
            }
        } finally {
            tracker.close();
        }
    }

    private static String describe(Mount m) {
        return m.mountpoint() + " " + m.kind() + " "
                + (m.kind() == Mount.Kind.CALLBACK ? m.protocol() : m.originPath())
                + (m.defaultDocument() == null ? "" : " default=" + m.defaultDocument());
    }
}
