package org.lws4j.spi.log;

import org.lws4j.api.Log;
import org.lws4j.api.LogLevel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where log lines go: lws's emit function. Register one as an OSGi service and the core sends
 * it every line that passes the level mask, next to the console and the OSGi Log Service.
 *
 * <p>Called on whichever thread logged (service threads included), so it must be thread-safe
 * and must not block for long: a slow emitter slows the loop.
 */
@ConsumerType
public interface LogEmitter {
    /**
     * One log line.
     *
     * @param level the line's level
     * @param timestampMillis when it was logged, epoch milliseconds
     * @param line the message, without level tag or timestamp
     */
    void emit(LogLevel level, long timestampMillis, String line);
}
