package org.lws4j.cgi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lws4j.api.Log;

/**
 * One run of a CGI program, off the service threads. {@link #start} hands the launch to a worker
 * thread, which checks the program, starts it in its own process group, starts a stdin writer
 * ({@link StdinPump}) and a stderr reader (lines to the log), and then reads stdout itself
 * ({@link StdoutPump}) until it closes, then waits for the exit. {@link #kill} ends the whole
 * group from another worker. Every outcome reaches the exchange through its {@link Listener},
 * called on a worker thread.
 *
 * <p>Thread-safe; the state that the launch and {@link #kill} share is guarded by this object.
 */
final class CgiProcess {
    /** How long SIGTERM has before SIGKILL follows. */
    static final long TERM_GRACE_MILLIS = 1000;
    /** How long a program may still run once its response is complete. */
    static final long EXIT_GRACE_MILLIS = 1000;
    /** The longest stderr line logged; the rest of the line is dropped. */
    static final int MAX_STDERR_LINE = 1024;

    /** Outcomes, told from worker threads; implementations post into the loop. */
    interface Listener extends StdoutPump.Listener {
        /**
         * The run failed before or while reading its output: {@code status} 404 (no such program),
         * 500, or 503 (the bundle is stopping); {@code why} is for the log.
         */
        void failed(int status, String why);

        /** Stdout closed and the program exited with {@code code}. */
        void exited(int code);

        /**
         * Stdout closed after {@code bytes} without a complete header block; the program exited
         * with {@code code}, or -1 if it still runs.
         */
        void endedWithoutHeaders(long bytes, int code);
    }

    private final Path program;
    private final Map<String, String> env;
    private final ProcessGroups groups;
    private final ExecutorService workers;
    private final Log log;
    private final String tag;
    private final StdinPump stdin;
    private final StdoutPump stdout;
    private final Listener listener;
    private final Runnable onGone;

    private final AtomicBoolean over = new AtomicBoolean();
    private Process process;
    private boolean killed;
    private boolean exited;
    private Future<?> main;
    private Future<?> writer;
    private Future<?> errors;

    /**
     * @param onGone called once when the run is over and nothing of it is left (exited and reaped,
     *     or killed), from a worker thread
     */
    CgiProcess(Path program, Map<String, String> env, ProcessGroups groups, ExecutorService workers, Log log,
               StdinPump stdin, StdoutPump stdout, Listener listener, Runnable onGone) {
        this.program = program;
        this.env = env;
        this.groups = groups;
        this.workers = workers;
        this.log = log;
        this.tag = "cgi " + program;
        this.stdin = stdin;
        this.stdout = stdout;
        this.listener = listener;
        this.onGone = onGone;
    }

    /** Launches the program from a worker thread. Never blocks. */
    synchronized void start() {
        try {
            main = workers.submit(this::launchAndRead);
        } catch (RejectedExecutionException e) {
            killed = true;
            listener.failed(503, "the cgi bundle is stopping");
            gone();
        }
    }

    /**
     * Ends the run: the program's whole process group is terminated (on a worker, or here if the
     * workers are gone), the pumps are stopped. Nothing happens if the program has already exited
     * and closed its output. Idempotent; any thread; does not block unless {@code wait} is true,
     * when it returns once the group is ended.
     */
    void kill(String why, boolean wait) {
        Process p;
        synchronized (this) {
            if (killed || exited) {
                return;
            }
            killed = true;
            p = process;
            cancel(main);
            cancel(writer);
            cancel(errors);
        }
        stdin.abandon();
        stdout.discard();
        if (p == null) {
            gone(); // never started, and now never will
            return;
        }
        log.info("%s [%d]: killing its process group: %s", tag, p.pid(), why);
        Runnable end = () -> {
            groups.terminate(p, TERM_GRACE_MILLIS);
            gone();
        };
        if (wait) {
            end.run();
            return;
        }
        try {
            workers.execute(end);
        } catch (RejectedExecutionException e) {
            end.run();
        }
    }

    /**
     * The response is complete: a program that has closed its output is usually exiting, so it
     * gets {@code millis} to do so before its group is killed (lws gives a finished CGI a grace
     * of its own too). Never blocks.
     */
    void endAfter(long millis, ScheduledExecutorService timer) {
        if (isFinished()) {
            return;
        }
        try {
            timer.schedule(() -> kill("still running after its response was complete", false), millis,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            kill("the cgi bundle is stopping", false);
        }
    }

    /** True once {@link #kill} was called. */
    synchronized boolean isKilled() {
        return killed;
    }

    /** True once the run is over: killed, failed to start, or exited after closing its output. */
    synchronized boolean isFinished() {
        return killed || exited;
    }

    // ---- the worker threads ------------------------------------------------------------------

    private void launchAndRead() {
        Process p = launch();
        if (p == null) {
            return;
        }
        try {
            long bare = stdout.run(p.getInputStream(), listener);
            if (bare >= 0) {
                // no header block: tell how the program ended, if it ends soon (the exchange's
                // failure kills it otherwise)
                boolean ended = p.waitFor(EXIT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                synchronized (this) {
                    if (killed) {
                        return;
                    }
                    exited = ended;
                }
                listener.endedWithoutHeaders(bare, ended ? p.exitValue() : -1);
                if (ended) {
                    endLeftovers(p);
                    gone();
                }
                return;
            }
            int code = p.waitFor();
            synchronized (this) {
                if (killed) {
                    return;
                }
                exited = true;
            }
            listener.exited(code);
            endLeftovers(p);
            gone();
        } catch (InterruptedException e) {
            // killed: kill() ends the group
        } catch (IOException e) {
            if (!isKilled()) {
                log.warn("%s [%d]: reading its output failed: %s", tag, p.pid(), e.getMessage());
                listener.failed(500, "reading its output failed");
                kill("its output could not be read", false);
            }
        }
    }

    /** Children that outlive the program (a "sleep &" in a script) go with it. */
    private void endLeftovers(Process p) {
        if (groups.groupAlive(p.pid())) {
            log.info("%s [%d]: exited leaving processes in its group; ending them", tag, p.pid());
            groups.terminate(p, TERM_GRACE_MILLIS);
        }
    }

    /** Starts the program, or tells the listener why not; null when there is nothing to read. */
    private Process launch() {
        String problem = check(program);
        if (problem != null) {
            int status = Files.exists(program) ? 500 : 404;
            log.err("%s: %s", tag, problem);
            synchronized (this) {
                killed = true;
            }
            stdin.abandon();
            listener.failed(status, problem);
            gone();
            return null;
        }
        ProcessBuilder pb = new ProcessBuilder(groups.command(program))
                .directory(program.getParent() == null ? null : program.getParent().toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        synchronized (this) {
            if (killed) {
                return null;
            }
            try {
                p = pb.start();
            } catch (IOException e) {
                killed = true;
                log.err("%s: cannot start it: %s", tag, e.getMessage());
                stdin.abandon();
                listener.failed(500, "cannot start it: " + e.getMessage());
                gone();
                return null;
            }
            process = p;
            stdin.attach(p.getOutputStream());
            Process started = p;
            try {
                writer = workers.submit(stdin);
                errors = workers.submit(() -> logStderr(started));
            } catch (RejectedExecutionException e) {
                p = null; // the bundle is stopping: end it below, outside the lock
            }
        }
        if (p == null) {
            listener.failed(503, "the cgi bundle is stopping");
            kill("the cgi bundle is stopping", false);
            return null;
        }
        log.info("%s [%d]: started", tag, p.pid());
        return p;
    }

    /** Why {@code program} cannot be run, or null if it can. */
    static String check(Path program) {
        if (!Files.exists(program)) {
            return "no such file";
        }
        if (!Files.isRegularFile(program)) {
            return "not a regular file";
        }
        if (!Files.isExecutable(program)) {
            return "not executable";
        }
        return null;
    }

    private void logStderr(Process p) {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8), 4096)) {
            StringBuilder line = new StringBuilder(128);
            int c;
            while ((c = r.read()) >= 0) {
                if (c == '\n') {
                    emit(p, line);
                } else if (line.length() < MAX_STDERR_LINE) {
                    line.append(c < 0x20 && c != '\t' || c == 0x7f ? '?' : (char) c);
                }
            }
            if (line.length() > 0) {
                emit(p, line);
            }
        } catch (IOException e) {
            // the program has gone
        }
    }

    private void emit(Process p, StringBuilder line) {
        log.notice("%s [%d]: stderr: %s", tag, p.pid(), line);
        line.setLength(0);
    }

    private void gone() {
        if (over.compareAndSet(false, true)) {
            onGone.run();
        }
    }

    private static void cancel(Future<?> f) {
        if (f != null) {
            f.cancel(true);
        }
    }
}
