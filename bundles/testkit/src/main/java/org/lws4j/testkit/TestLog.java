package org.lws4j.testkit;

import java.util.ArrayList;
import java.util.List;

import org.lws4j.api.Log;
import org.lws4j.api.LogLevel;

/**
 * The test context's log: every level is on, and every line is kept, in order, for the test to
 * read. A line reads as lws prints it, its level's letter first: {@code "N: vhost x: ..."}.
 * Thread-safe.
 */
public final class TestLog implements Log {
    /** One line: its level and its text (formatted). */
    public record Line(LogLevel level, String text) {
        @Override
        public String toString() {
            return level.tag() + ": " + text;
        }
    }

    private final List<Line> lines = new ArrayList<>();
    private volatile boolean echo;

    TestLog() {
    }

    @Override
    public boolean enabled(LogLevel level) {
        return true;
    }

    @Override
    public void log(LogLevel level, String format, Object... args) {
        String text = args == null || args.length == 0 ? format : String.format(format, args);
        Line l = new Line(level, text);
        synchronized (lines) {
            lines.add(l);
        }
        if (echo) {
            System.out.println(l);
        }
    }

    /** Every line so far. */
    public List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The text of every line of {@code level} so far. */
    public List<String> lines(LogLevel level) {
        List<String> out = new ArrayList<>();
        for (Line l : lines()) {
            if (l.level() == level) {
                out.add(l.text());
            }
        }
        return out;
    }

    /** The first line containing {@code text}, or null. */
    public Line find(String text) {
        for (Line l : lines()) {
            if (l.text().contains(text)) {
                return l;
            }
        }
        return null;
    }

    /** True when a line contains {@code text}. */
    public boolean contains(String text) {
        return find(text) != null;
    }

    /** Forgets the lines so far. */
    public void clear() {
        synchronized (lines) {
            lines.clear();
        }
    }

    /** Also prints each line to standard output as it comes (off by default). */
    public void echo(boolean on) {
        echo = on;
    }
}
