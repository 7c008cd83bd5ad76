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
 * directory), {@code cgi-timeout} in seconds (default {@value #DEFAULT_TIMEOUT_SECS}) and
 * {@code cgi-max-processes}, the programs of the mount that may run at once (default
 * {@value #DEFAULT_MAX_PROCESSES}; past it a request is answered 503 with Retry-After).
 */
final class CgiProtocol extends ProtocolAdapter {
    /** Seconds a program may run when the mount sets no positive {@code cgi-timeout}. */
    static final int DEFAULT_TIMEOUT_SECS = 60;
    /** Programs of one mount running at once when the mount sets no positive {@code cgi-max-processes}. */
    static final int DEFAULT_MAX_PROCESSES = 32;

    private final int maxProcesses;
    /** Programs of this mount running now (any service thread starts one; each ends on a worker). */
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();

    private final Mount mount;
    private final Path program;
    private final int timeoutSeconds;
    private final CgiRuntime runtime;

    CgiProtocol(Mount mount, CgiRuntime runtime) {
        this.mount = mount;
        this.program = Path.of(mount.originPath()).toAbsolutePath().normalize();
        this.timeoutSeconds = positive(mount.options().get("cgi-timeout"), DEFAULT_TIMEOUT_SECS);
        this.maxProcesses = positive(mount.options().get("cgi-max-processes"), DEFAULT_MAX_PROCESSES);
        this.runtime = runtime;
    }

    static int timeout(String option) {
        return positive(option, DEFAULT_TIMEOUT_SECS);
    }

    private static int positive(String option, int fallback) {
        if (option == null) {
            return fallback;
        }
        try {
            int t = Integer.parseInt(option.trim());
            return t > 0 ? t : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Takes a place for one more program; false when {@code cgi-max-processes} run already (503). */
    boolean admit() {
        if (running.incrementAndGet() > maxProcesses) {
            running.decrementAndGet();
            return false;
        }
        return true;
    }

    /** A program admitted by {@link #admit()} is gone. */
    void release() {
        running.decrementAndGet();
    }

    int maxProcesses() {
        return maxProcesses;
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
        log.notice("vhost %s: cgi mount %s runs %s (cgi-timeout %d s, cgi-max-processes %d)", binding.vhost().name(),
                mount.mountpoint(), program, timeoutSeconds, maxProcesses);
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
