package org.lws4j.core.log;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.lws4j.spi.log.LogEmitter;
import org.lws4j.api.LogLevel;

/** lws's default emitter: {@code [2026/11/24 23:30:01:123] N: line} on stderr. */
public final class StderrEmitter implements LogEmitter {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss:SSS").withZone(ZoneId.systemDefault());
    private final PrintStream out;

    public StderrEmitter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void emit(LogLevel level, long timestampMillis, String line) {
        out.println("[" + STAMP.format(Instant.ofEpochMilli(timestampMillis)) + "] " + level.tag() + ": " + line);
    }
}
