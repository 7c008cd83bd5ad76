package org.lws4j.cgi;

import org.lws4j.spi.origin.MountOrigin;
import org.lws4j.api.Mount;
import org.lws4j.api.Protocol;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The {@code cgi://} mount origin: CGI/1.1 (RFC 3875), lws's LWSMPRO_CGI. For each mount of the
 * scheme the core asks once for a {@link CgiProtocol}; every request on the mount then runs the
 * mount's program in a process group of its own, with the request body on its stdin and its
 * stdout parsed into the response.
 *
 * <p>Stopping the bundle unregisters the service first, so the core ends the exchanges in flight
 * (each gets CLOSED_HTTP, which kills its program) and its mounts answer 503; then
 * {@link #deactivate} kills whatever still runs and waits for it. Starting it again serves the
 * mounts from the next request.
 */
@Component(service = MountOrigin.class, property = MountOrigin.SCHEME + "=" + CgiOrigin.SCHEME)
public final class CgiOrigin implements MountOrigin {
    /** The origin scheme served. */
    public static final String SCHEME = "cgi";

    private CgiRuntime runtime;

    @Activate
    void activate() {
        String path = System.getenv("PATH");
        runtime = new CgiRuntime(ProcessGroups.find(
                path == null ? CgiEnvironment.DEFAULT_PATH : path + ":" + CgiEnvironment.DEFAULT_PATH));
    }

    @Deactivate
    void deactivate() {
        runtime.shutdown();
    }

    @Override
    public Protocol protocolFor(Mount mount) {
        return new CgiProtocol(mount, runtime);
    }
}
