package org.lws4j.itests.support;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Supplier;

import org.junit.rules.TestRule;
import org.junit.runner.Description;
import org.junit.runners.model.Statement;
import org.lws4j.spi.log.LogEmitter;
import org.lws4j.api.LogLevel;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Probe side: a rule that listens to the core's log (as an {@code org.lws4j.spi.log.LogEmitter}
 * service) while a test runs, and fails a test that otherwise passed if the core logged an error
 * meanwhile. A server that answers correctly but fails a connection behind the client's back
 * (an exception on a service thread after the response went out) shows here.
 */
public final class CoreLog implements TestRule {
    private final Supplier<BundleContext> context;
    private final List<String> errors = new ArrayList<>();

    public CoreLog(Supplier<BundleContext> context) {
        this.context = context;
    }

    /** The ERR lines logged so far in this test. */
    public synchronized List<String> errors() {
        return new ArrayList<>(errors);
    }

    private synchronized void add(String line) {
        if (errors.size() < 100) {
            errors.add(line);
        }
    }

    @Override
    public Statement apply(Statement base, Description description) {
        return new Statement() {
            @Override
            public void evaluate() throws Throwable {
                BundleContext bc = context.get();
                LogEmitter emitter = (level, timestamp, line) -> {
                    if (level == LogLevel.ERR) {
                        add(line);
                    }
                };
                Dictionary<String, Object> properties = new Hashtable<>();
                properties.put("lws4j.itest", description.getDisplayName());
                ServiceRegistration<LogEmitter> registration = bc.registerService(LogEmitter.class, emitter, properties);
                try {
                    base.evaluate();
                } finally {
                    registration.unregister();
                }
                List<String> logged = errors();
                if (!logged.isEmpty()) {
                    throw new AssertionError("the core logged " + logged.size() + " error(s) during "
                            + description.getMethodName() + ", first: " + logged.subList(0, Math.min(5, logged.size())));
                }
            }
        };
    }
}
