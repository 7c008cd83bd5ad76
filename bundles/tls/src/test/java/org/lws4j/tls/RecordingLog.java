package org.lws4j.tls;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.lws4j.api.Log;
import org.lws4j.api.LogLevel;

/** A Log that keeps its lines ("N: text") for tests to look at; ERR to INFO enabled unless told. */
final class RecordingLog implements Log {
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final LogLevel max;

    RecordingLog() {
        this(LogLevel.INFO);
    }

    /** Levels up to {@code max} enabled. */
    RecordingLog(LogLevel max) {
        this.max = max;
    }

    @Override
    public boolean enabled(LogLevel level) {
        return level.bit() <= max.bit();
    }

    @Override
    public void log(LogLevel level, String format, Object... args) {
        if (enabled(level)) {
            lines.add(level.tag() + ": " + String.format(format, args));
        }
    }

    boolean has(String part) {
        return lines.stream().anyMatch(l -> l.contains(part));
    }
}
