package org.lws4j.group.relay;

import java.util.ArrayList;
import java.util.List;

import org.lws4j.api.Log;
import org.lws4j.api.LogLevel;

/** A {@link Log} that keeps its lines (level and text), for tests to read. */
public final class ListLog implements Log {
    private final List<String> lines = new ArrayList<>();

    @Override
    public boolean enabled(LogLevel level) {
        return true;
    }

    @Override
    public synchronized void log(LogLevel level, String format, Object... args) {
        lines.add(level + " " + String.format(format, args));
    }

    /** The lines so far, each "LEVEL text". */
    public synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    /** How many lines contain {@code s}. */
    public synchronized long count(String s) {
        return lines.stream().filter(l -> l.contains(s)).count();
    }
}
