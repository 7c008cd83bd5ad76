package org.lws4j.core.ws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import org.lws4j.core.LoopProbe;

/**
 * The kernel's tables of TCP sockets (Linux /proc/net/tcp6, where a dual-stack JVM's sockets are,
 * and /proc/net/tcp), for tests that must know that a FIN or a reset has reached the server's
 * socket before they ask the server what it did with it: the server may not read (rx off), so it
 * cannot tell them.
 */
final class TcpTable {
    /** A socket that has sent its FIN and received the peer's. */
    static final String TIME_WAIT = "06";

    private TcpTable() {
    }

    /** The state (two hex digits) of the socket from local port {@code local} to peer port {@code peer}; null when not listed. */
    static String state(int local, int peer) {
        String l = String.format(Locale.ROOT, ":%04X", local);
        String p = String.format(Locale.ROOT, ":%04X", peer);
        for (String table : List.of("/proc/net/tcp6", "/proc/net/tcp")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(l) && f[2].endsWith(p)) {
                    return f[3];
                }
            }
        }
        return null;
    }

    /** Fails unless the socket from local port {@code local} to peer port {@code peer} is listed (so a wait for it to go means something). */
    static void assertListed(int local, int peer) {
        if (state(local, peer) == null) {
            throw new AssertionError("no socket from port " + local + " to port " + peer + " in /proc/net/tcp6 or /proc/net/tcp");
        }
    }

    /** Waits until the state of that socket (null: gone) satisfies {@code p}; fails saying {@code what}. */
    static void await(String what, int local, int peer, Predicate<String> p) {
        LoopProbe.until(what + " (socket " + local + " to " + peer + ")", () -> p.test(state(local, peer)));
    }
}
