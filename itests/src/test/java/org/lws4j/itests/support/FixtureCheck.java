package org.lws4j.itests.support;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import org.lws4j.api.Connection;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Probe side: calls the greeting fixture's protocol service directly, with a stand-in connection,
 * to check the fixture bundle on its own (independent of the core's HTTP). Kept out of the test
 * classes so that they load even when org.lws4j.api is missing.
 */
public final class FixtureCheck {
    private FixtureCheck() {
    }

    /**
     * Finds the {@code test-greeting} protocol registered by {@code bundle}, calls it with
     * {@link Reason#HTTP} and returns "status content-type body" of what it responded.
     */
    public static String answer(BundleContext context, Bundle bundle) throws Exception {
        BundleContext system = context.getBundle(0).getBundleContext();
        ServiceReference<?> found = null;
        ServiceReference<?>[] refs;
        try {
            refs = system.getAllServiceReferences(Protocol.class.getName(), "(" + Protocol.NAME + "=test-greeting)");
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
            if (r.getBundle() != null && r.getBundle().getBundleId() == bundle.getBundleId()) {
                found = r;
            }
        }
        if (found == null) {
            throw new AssertionError("bundle " + bundle.getSymbolicName() + " registered no test-greeting protocol\n"
                    + Bundles.report(context));
        }
        Protocol protocol = (Protocol) system.getService(found);
        try {
            AtomicReference<Object[]> responded = new AtomicReference<>();
            Connection wsi = (Connection) Proxy.newProxyInstance(FixtureCheck.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "respond":
                                responded.set(args);
                                return null;
                            case "toString":
                                return "stand-in connection";
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "equals":
                                return proxy == args[0];
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
            Result result = protocol.callback(wsi, Reason.HTTP, ByteBuffer.allocate(0));
            if (result != Result.CONTINUE || responded.get() == null) {
                throw new AssertionError("fixture returned " + result + " and responded " + responded.get());
            }
            HttpResponse response = (HttpResponse) responded.get()[0];
            ByteBuffer body = ((ByteBuffer) responded.get()[1]).duplicate();
            byte[] bytes = new byte[body.remaining()];
            body.get(bytes);
            return response.status() + " " + response.contentType() + " " + new String(bytes, StandardCharsets.UTF_8);
        } finally {
            system.ungetService(found);
        }
    }
}
