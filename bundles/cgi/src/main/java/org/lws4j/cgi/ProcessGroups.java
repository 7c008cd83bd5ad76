package org.lws4j.cgi;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts CGI programs each in a process group of its own, and ends whole groups. The JDK can
 * only signal one process, and a CGI program's children (a shell's pipelines, a {@code sleep},
 * anything it forks) must go with it: so the program is started through util-linux
 * {@code setsid}, which makes it the leader of a new session and process group whose id is its
 * pid, and the group is signalled with {@code kill -s SIG -- -PGID}.
 *
 * <p>Without setsid or kill on the PATH, programs run in the server's group and only the
 * program and its live descendants are signalled (what {@link ProcessHandle} can reach).
 *
 * <p>Every method here may block (it starts {@code kill}, or waits for exits): call it from a
 * worker thread, never from a service thread. Thread-safe.
 */
final class ProcessGroups {
    private final String setsid;
    private final String kill;

    ProcessGroups(String setsid, String kill) {
        this.setsid = setsid;
        this.kill = kill;
    }

    /** Finds setsid and kill on {@code path} (a PATH value). */
    static ProcessGroups find(String path) {
        return new ProcessGroups(which("setsid", path), which("kill", path));
    }

    /** True when programs get a process group of their own. */
    boolean ownGroups() {
        return setsid != null && kill != null;
    }

    /** The command that runs {@code program} as the leader of a new session and group. */
    List<String> command(Path program) {
        List<String> cmd = new ArrayList<>(3);
        if (ownGroups()) {
            // -w: should setsid have to fork (it does when it is a group leader already, which a
            // child of the JVM is not), it waits and passes the program's exit status on
            cmd.add(setsid);
            cmd.add("-w");
        }
        cmd.add(program.toString());
        return cmd;
    }

    /**
     * Ends {@code p} and every process of its group: SIGTERM to the group, up to {@code graceMillis}
     * for the leader to exit, then SIGKILL to whatever is left. Blocks for at most about
     * {@code graceMillis} plus two runs of kill.
     */
    void terminate(Process p, long graceMillis) {
        // an interrupt (a pool shutting down) must not cut the killing short: note it, finish, restore it
        boolean interrupted = Thread.interrupted();
        List<ProcessHandle> descendants = ownGroups() ? List.of() : p.descendants().toList();
        signal(p, "TERM", descendants);
        try {
            p.waitFor(graceMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        // the leader may be gone while children that ignore SIGTERM are not: KILL the group anyway
        signal(p, "KILL", descendants);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal(Process p, String sig, List<ProcessHandle> descendants) {
        // Process.destroy* never signals a pid the JDK has already reaped (and so maybe reused)
        if (sig.equals("KILL")) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        if (ownGroups()) {
            // the group id is the leader's pid; Linux does not hand out a pid still used as a
            // group id, so this reaches the program's group or no one
            run(kill, "-s", sig, "--", "-" + p.pid());
        } else {
            for (ProcessHandle h : descendants) {
                if (sig.equals("KILL")) {
                    h.destroyForcibly();
                } else {
                    h.destroy();
                }
            }
        }
    }

    /** True while any process of the group led by {@code pgid} exists. */
    boolean groupAlive(long pgid) {
        return ownGroups() && run(kill, "-s", "0", "--", "-" + pgid) == 0;
    }

    private static int run(String... cmd) {
        try {
            Process k = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!k.waitFor(5, TimeUnit.SECONDS)) {
                k.destroyForcibly();
                return -1;
            }
            return k.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String which(String name, String path) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
