package org.lws4j.cgi;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.lws4j.api.Connection;
import org.lws4j.api.Log;
import org.lws4j.api.Mount;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;
import org.lws4j.api.VhostProtocol;

/**
 * The protocol that serves one {@code cgi://} mount: the core drives it like a CALLBACK mount's
 * protocol, and each HTTP transaction gets a {@link CgiExchange} as its session, which does the
 * work. The mount's settings are read once, here: the program (the origin's path, lwsws style:
 * {@code cgi:///usr/lib/cgi-bin/test.sh}; a relative one is taken from the server's working
 * directory) and {@code cgi-timeout} in seconds (default {@value #DEFAULT_TIMEOUT_SECS}).
 */
final class CgiProtocol extends ProtocolAdapter {
    /** Seconds a program may run when the mount sets no positive {@code cgi-timeout}. */
    static final int DEFAULT_TIMEOUT_SECS = 60;

    private final Mount mount;
    private final Path program;
    private final int timeoutSeconds;
    private final CgiRuntime runtime;

    CgiProtocol(Mount mount, CgiRuntime runtime) {
        this.mount = mount;
        this.program = Path.of(mount.originPath()).toAbsolutePath().normalize();
        this.timeoutSeconds = timeout(mount.options().get("cgi-timeout"));
        this.runtime = runtime;
    }

    static int timeout(String option) {
        if (option == null) {
            return DEFAULT_TIMEOUT_SECS;
        }
        try {
            int t = Integer.parseInt(option.trim());
            return t > 0 ? t : DEFAULT_TIMEOUT_SECS;
        } catch (NumberFormatException e) {
            return DEFAULT_TIMEOUT_SECS;
        }
    }

    Mount mount() {
        return mount;
    }

    Path program() {
        return program;
    }

    int timeoutSeconds() {
        return timeoutSeconds;
    }

    CgiRuntime runtime() {
        return runtime;
    }

    @Override
    protected Result onProtocolInit(VhostProtocol binding) {
        Log log = binding.vhost().context().log();
        log.notice("vhost %s: cgi mount %s runs %s (cgi-timeout %d s)", binding.vhost().name(),
                mount.mountpoint(), program, timeoutSeconds);
        if (!runtime.groups().ownGroups()) {
            log.warn("cgi: setsid or kill is not on the PATH: programs share the server's process group, "
                    + "and a timeout or a client gone ends only a program and its live children");
        }
        return Result.CONTINUE;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new CgiExchange(wsi, this);
    }

    @Override
    protected Result onHttp(Connection wsi, ByteBuffer in) {
        return exchange(wsi).begin();
    }

    @Override
    protected Result onHttpBody(Connection wsi, ByteBuffer in) {
        return exchange(wsi).body(in);
    }

    @Override
    protected Result onHttpBodyCompletion(Connection wsi, ByteBuffer in) {
        return exchange(wsi).bodyComplete();
    }

    @Override
    protected Result onHttpWriteable(Connection wsi, ByteBuffer in) {
        return exchange(wsi).writeable();
    }

    @Override
    protected Result onHttpDropProtocol(Connection wsi, ByteBuffer in) {
        return exchange(wsi).dropped();
    }

    @Override
    protected Result onClosedHttp(Connection wsi, ByteBuffer in) {
        return exchange(wsi).closed();
    }

    private static CgiExchange exchange(Connection wsi) {
        return wsi.session();
    }

    @Override
    public String toString() {
        return "cgi://" + program + " at " + mount.mountpoint();
    }
}
