package org.lws4j.core.log;

/**
 * The log levels compiled into core's hot paths (a line per request, per connection, per
 * WebSocket close), fixed when core is built: the Maven property {@code lws4j.log.compiled}, a
 * level mask as {@code -d} takes it. This project builds with every level (4095); a release build
 * can pass {@code -Dlws4j.log.compiled=15} (ERR, WARN, NOTICE, INFO) or 7, as libwebsockets
 * compiles out the levels below NOTICE unless built with DEBUG.
 *
 * <p>A hot-path line tests its flag before anything else:
 * <pre>{@code
 * if (LogBuild.INFO && conn.host().log().enabled(LogLevel.INFO)) {
 *     conn.log(LogLevel.INFO, "closed %s: %s", conn, why);
 * }
 * }</pre>
 * The flags are compile-time constants, so javac leaves a line whose level is not compiled in out
 * of the bytecode altogether (no call, no varargs array, no boxing); a level compiled in but off in
 * the runtime mask costs one volatile read and a branch. Lines off the hot paths (start, stop,
 * errors) need no guard.
 *
 * <p>Generated from {@code src/main/java-templates}: edit the template, not the copy under target.
 */
public final class LogBuild {
    /** The compiled-in levels, as a mask of {@link org.lws4j.api.LogLevel} bits. */
    public static final int COMPILED_MASK = ${lws4j.log.compiled};

    public static final boolean ERR = (COMPILED_MASK & 1) != 0;
    public static final boolean WARN = (COMPILED_MASK & 1 << 1) != 0;
    public static final boolean NOTICE = (COMPILED_MASK & 1 << 2) != 0;
    public static final boolean INFO = (COMPILED_MASK & 1 << 3) != 0;
    public static final boolean DEBUG = (COMPILED_MASK & 1 << 4) != 0;
    public static final boolean PARSER = (COMPILED_MASK & 1 << 5) != 0;
    public static final boolean HEADER = (COMPILED_MASK & 1 << 6) != 0;
    public static final boolean EXT = (COMPILED_MASK & 1 << 7) != 0;
    public static final boolean CLIENT = (COMPILED_MASK & 1 << 8) != 0;
    public static final boolean LATENCY = (COMPILED_MASK & 1 << 9) != 0;
    public static final boolean USER = (COMPILED_MASK & 1 << 10) != 0;
    public static final boolean THREAD = (COMPILED_MASK & 1 << 11) != 0;

    private LogBuild() {
    }
}
