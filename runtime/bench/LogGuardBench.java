/*
 * LogGuardBench (a benchmark, not a test): what a log line whose level is off costs on a hot path,
 * through core's own LogImpl. Each variant is a loop doing a little work (a xorshift step, ~1 ns)
 * and, per iteration, one of the log statements core's hot paths have:
 *
 *   none           no log statement at all (the floor)
 *   compiled-out   if (LogBuild.X && log.enabled(X)) log.log(...) with X not compiled in: javac drops
 *                  the statement, so this is the bytecode of "none" (checked: see log-bench.sh)
 *   guarded-off    the same guard with X compiled in, X off in the runtime mask (-d 7): one volatile
 *                  read and a branch
 *   unguarded-off  log.log(...) with X off in the runtime mask, no guard (core before LogBuild): the
 *                  call, the varargs array, the boxing, unless the JIT removes them
 *   enabled        X on, to an emitter that drops the line: the formatting a line costs, for scale
 *
 * Two argument shapes: "closed" (two objects, as ConnectionImpl's "closed %s: %s") and "boxed" (an
 * int that changes every time and is boxed, as WsHandler's "peer closed with %d").
 *
 *   java -cp api.jar:core.jar runtime/bench/LogGuardBench.java <variant> <shape> [millions]
 *
 * Prints "<variant> <shape> <ns per iteration>" for the best of 7 timed rounds after 3 warm-up
 * rounds. Run each variant in a JVM of its own (log-bench.sh does, three forks each) so that one
 * variant's profile cannot shape another's code.
 */

import org.lws4j.api.LogLevel;
import org.lws4j.core.log.LogImpl;

public class LogGuardBench {
    /** What LogBuild.INFO is in a build that compiles INFO out, and in one that keeps it. */
    static final boolean COMPILED_OUT = false;
    static final boolean COMPILED_IN = true;

    static volatile long sink;

    public static void main(String[] args) {
        String variant = args[0];
        String shape = args[1];
        long n = (args.length > 2 ? Long.parseLong(args[2]) : 200) * 1_000_000L;
        LogImpl log = new LogImpl(variant.equals("enabled") ? 15 : 7);
        long[] emitted = {0};
        log.addEmitter((level, ts, line) -> emitted[0] += line.length());
        Object conn = new Object() {
            @Override
            public String toString() {
                return "wsi 42 (127.0.0.1:50000)";
            }
        };
        if (variant.equals("enabled")) {
            n = Math.max(1, n / 100); // formatting is ~100x dearer; keep rounds short
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            long t0 = System.nanoTime();
            sink = run(variant, shape, log, conn, n);
            double ns = (System.nanoTime() - t0) / (double) n;
            if (round >= 3) {
                best = Math.min(best, ns);
            }
        }
        System.out.printf("%-14s %-7s %8.3f%n", variant, shape, best);
        if (emitted[0] < 0) {
            System.out.println(emitted[0]);
        }
    }

    static long run(String variant, String shape, LogImpl log, Object conn, long n) {
        boolean boxed = shape.equals("boxed");
        switch (variant) {
            case "none":
                return none(n);
            case "compiled-out":
                return boxed ? compiledOutBoxed(log, conn, n) : compiledOut(log, conn, n);
            case "guarded-off":
            case "enabled":
                return boxed ? guardedBoxed(log, conn, n) : guarded(log, conn, n);
            case "unguarded-off":
                return boxed ? unguardedBoxed(log, conn, n) : unguarded(log, conn, n);
            default:
                throw new IllegalArgumentException(variant);
        }
    }

    static long step(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        return x ^ (x << 17);
    }

    static long none(long n) {
        long x = 1;
        for (long i = 0; i < n; i++) {
            x = step(x);
        }
        return x;
    }

    static long compiledOut(LogImpl log, Object conn, long n) {
        long x = 1;
        for (long i = 0; i < n; i++) {
            x = step(x);
            if (COMPILED_OUT && log.enabled(LogLevel.INFO)) {
                log.log(LogLevel.INFO, "closed %s: %s", conn, "peer closed");
            }
        }
        return x;
    }

    static long guarded(LogImpl log, Object conn, long n) {
        long x = 1;
        for (long i = 0; i < n; i++) {
            x = step(x);
            if (COMPILED_IN && log.enabled(LogLevel.INFO)) {
                log.log(LogLevel.INFO, "closed %s: %s", conn, "peer closed");
            }
        }
        return x;
    }

    static long unguarded(LogImpl log, Object conn, long n) {
        long x = 1;
        for (long i = 0; i < n; i++) {
            x = step(x);
            log.log(LogLevel.INFO, "closed %s: %s", conn, "peer closed");
        }
        return x;
    }

    static long compiledOutBoxed(LogImpl log, Object conn, long n) {
        long x = 1;
        for (long i = 0; i < n; i++) {
            x = step(x);
            if (COMPILED_OUT && log.enabled(LogLevel.INFO)) {
                log.log(LogLevel.INFO, "%s: peer closed with %d", conn, (int) x & 0xffff);
            }
        }
        return x;
    }

    static long guardedBoxed(LogImpl log, Object conn, long n) {
        long x = 1;
        for (long i = 0; i < n; i++) {
            x = step(x);
            if (COMPILED_IN && log.enabled(LogLevel.INFO)) {
                log.log(LogLevel.INFO, "%s: peer closed with %d", conn, (int) x & 0xffff);
            }
        }
        return x;
    }

    static long unguardedBoxed(LogImpl log, Object conn, long n) {
        long x = 1;
        for (long i = 0; i < n; i++) {
            x = step(x);
            log.log(LogLevel.INFO, "%s: peer closed with %d", conn, (int) x & 0xffff);
        }
        return x;
    }
}
