package org.lws4j.core.log;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.lws4j.api.Log;
import org.lws4j.spi.log.LogEmitter;
import org.lws4j.api.LogLevel;

/**
 * The context's log: a level mask and the emitters lines go to. A disabled level costs one
 * volatile read and a bit test; arguments are formatted only for lines that are emitted.
 * Thread-safe. An emitter that throws is skipped for that line, never breaks the caller.
 */
public final class LogImpl implements Log {
    private volatile int mask;
    private final List<LogEmitter> emitters = new CopyOnWriteArrayList<>();

    public LogImpl(int mask) {
        this.mask = mask;
    }

    public int mask() {
        return mask;
    }

    public void setMask(int mask) {
        this.mask = mask;
    }

    public void addEmitter(LogEmitter e) {
        emitters.add(e);
    }

    public void removeEmitter(LogEmitter e) {
        emitters.remove(e);
    }

    @Override
    public boolean enabled(LogLevel level) {
        return (mask & level.bit()) != 0;
    }

    @Override
    public void log(LogLevel level, String format, Object... args) {
        if ((mask & level.bit()) == 0) {
            return;
        }
        String line;
        try {
            line = args.length == 0 ? format : String.format(format, args);
        } catch (RuntimeException bad) {
            line = format + " (log format error: " + bad + ")";
        }
        long now = System.currentTimeMillis();
        for (LogEmitter e : emitters) {
            try {
                e.emit(level, now, line);
            } catch (RuntimeException ignored) {
                // an emitter's failure must not reach the service loop
            }
        }
    }
}
