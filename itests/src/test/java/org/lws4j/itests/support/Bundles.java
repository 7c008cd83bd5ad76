package org.lws4j.itests.support;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.Supplier;

import org.junit.rules.TestRule;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Probe side: bundle states and protocol services, for assertions and failure reports. */
public final class Bundles {
    /** Symbolic names that every itest Felix must have ACTIVE. */
    public static final String[] REQUIRED = {
        "org.lws4j.api",
        "org.lws4j.core",
        "org.apache.felix.scr",
        "org.osgi.service.component",
        "org.osgi.util.promise",
        "org.osgi.util.function",
        "com.fasterxml.jackson.core.jackson-core",
        "com.fasterxml.jackson.core.jackson-databind",
        "com.fasterxml.jackson.core.jackson-annotations",
    };

    private Bundles() {
    }

    public static String state(int state) {
        switch (state) {
            case Bundle.UNINSTALLED: return "UNINSTALLED";
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return "state " + state;
        }
    }

    public static boolean isFragment(Bundle b) {
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    /** One line per bundle, then the registered lws4j protocol services. */
    public static String report(BundleContext context) {
        BundleContext system = context.getBundle(0).getBundleContext();
        StringBuilder s = new StringBuilder("bundles:\n");
        Bundle[] bundles = system.getBundles();
        Arrays.sort(bundles, Comparator.comparingLong(Bundle::getBundleId));
        for (Bundle b : bundles) {
            s.append(String.format("  %3d %-12s %s %s%s  %s%n", b.getBundleId(), state(b.getState()),
                    b.getSymbolicName(), b.getVersion(), isFragment(b) ? " (fragment)" : "", b.getLocation()));
        }
        s.append("protocol services:\n");
        try {
            ServiceReference<?>[] refs = system.getAllServiceReferences("org.lws4j.api.Protocol", null);
            if (refs == null) {
                s.append("  none\n");
            } else {
                for (ServiceReference<?> r : refs) {
                    s.append("  ").append(r.getProperty("lws.protocol.name")).append(" from bundle ")
                            .append(r.getBundle() == null ? "?" : r.getBundle().getSymbolicName())
                            .append(" ").append(r.getProperty(Constants.SERVICE_ID)).append('\n');
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        return s.toString();
    }

    /** A rule printing {@link #report} to stderr when a test fails. */
    public static TestRule reportOnFailure(Supplier<BundleContext> context) {
        return new TestWatcher() {
            @Override
            protected void failed(Throwable e, Description description) {
                BundleContext c = context.get();
                System.err.println("FAILED " + description.getDisplayName() + ": " + e);
                System.err.println(c == null ? "(no bundle context injected)" : report(c));
            }
        };
    }
}
