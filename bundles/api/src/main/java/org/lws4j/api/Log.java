package org.lws4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The context's logger: lws's {@code lwsl_err()}, {@code lwsl_notice()} and friends. Thread-safe.
 * A line whose level is not in the mask costs one check and nothing else; format arguments
 * are only formatted ({@link String#format}) when the line will be emitted.
 */
@ProviderType
public interface Log {
    /** True if lines of {@code level} are emitted. */
    boolean enabled(LogLevel level);

    /** Logs {@code format} formatted with {@code args}, if {@code level} is enabled. */
    void log(LogLevel level, String format, Object... args);

    default void err(String format, Object... args) {
        log(LogLevel.ERR, format, args);
    }

    default void warn(String format, Object... args) {
        log(LogLevel.WARN, format, args);
    }

    default void notice(String format, Object... args) {
        log(LogLevel.NOTICE, format, args);
    }

    default void info(String format, Object... args) {
        log(LogLevel.INFO, format, args);
    }

    default void debug(String format, Object... args) {
        log(LogLevel.DEBUG, format, args);
    }

    default void user(String format, Object... args) {
        log(LogLevel.USER, format, args);
    }
}
