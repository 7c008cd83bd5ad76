package org.lws4j.testclient;

import java.lang.reflect.Constructor;

import org.lws4j.api.Context;
import org.lws4j.spi.extension.Extension;
import org.lws4j.spi.tls.TlsProvider;
import org.lws4j.core.context.ContextImpl;

/**
 * The optional pieces, found by class name on the classpath as OSGi would find their services:
 * the TLS provider of the tls bundle (for wss and https) and the permessage-deflate extension
 * of ext-deflate. Without their jars the client still runs: TLS connections then fail with the
 * core's "no TLS provider" reason, and WebSockets are not compressed.
 */
final class PlugIns {
    static final String TLS_PROVIDER = "org.lws4j.tls.BcTlsProvider";
    static final String DEFLATE = "org.lws4j.ext.deflate.PermessageDeflate";

    private PlugIns() {
    }

    /** Installs the TLS provider if its class is here; true if it was. */
    static boolean installTls(ContextImpl ctx) {
        try {
            Constructor<?> c = Class.forName(TLS_PROVIDER).getConstructor(Context.class);
            ctx.setTlsProvider((TlsProvider) c.newInstance(ctx));
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            ctx.log().warn("no TLS provider (%s is not on the classpath): wss:// and https:// are not available", TLS_PROVIDER);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable t = e.getCause() != null ? e.getCause() : e;
            ctx.log().warn("the TLS provider does not start: %s", t);
        }
        return false;
    }

    /** Installs permessage-deflate if its class is here; true if it was. */
    static boolean installDeflate(ContextImpl ctx) {
        try {
            Extension e = (Extension) Class.forName(DEFLATE).getConstructor().newInstance();
            ctx.addExtension("permessage-deflate", e, 0, -1);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            ctx.log().info("no permessage-deflate (%s is not on the classpath)", DEFLATE);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable t = e.getCause() != null ? e.getCause() : e;
            ctx.log().warn("permessage-deflate does not start: %s", t);
        }
        return false;
    }
}
