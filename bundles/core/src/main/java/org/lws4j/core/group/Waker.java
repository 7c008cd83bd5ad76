package org.lws4j.core.group;

import java.util.List;

import org.lws4j.api.Connection;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.ServiceThread;

/**
 * Reaches member connections from whatever thread a group message came on, each on its own
 * thread: a member on the caller's own thread is asked for WRITEABLE at once; the others are
 * woken with one task per service thread for all of its members, not one per member.
 */
final class Waker {
    private final List<ServiceThread> threads;

    Waker(List<ServiceThread> threads) {
        this.threads = threads;
    }

    /** Asks every member in {@code members} (null: none) for a WRITEABLE. */
    void writeable(List<Group.Member> members) {
        if (members == null || members.isEmpty()) {
            return;
        }
        if (members.size() == 1) {
            wakeOne(members.get(0).wsi);
            return;
        }
        @SuppressWarnings("unchecked")
        List<ConnectionImpl>[] perThread = new List[threads.size()];
        for (Group.Member m : members) {
            if (m.wsi instanceof ConnectionImpl c && !c.isClosed()) {
                ServiceThread pt = c.thread();
                if (pt.isOwner()) {
                    c.requestWriteable();
                } else {
                    int i = pt.index();
                    if (perThread[i] == null) {
                        perThread[i] = new java.util.ArrayList<>();
                    }
                    perThread[i].add(c);
                }
            } else if (!(m.wsi instanceof ConnectionImpl)) {
                Connection w = m.wsi;
                w.execute(w::requestWriteable);
            }
        }
        for (int i = 0; i < perThread.length; i++) {
            List<ConnectionImpl> l = perThread[i];
            if (l != null) {
                threads.get(i).execute(() -> {
                    for (ConnectionImpl c : l) {
                        if (!c.isClosed()) {
                            c.requestWriteable();
                        }
                    }
                });
            }
        }
    }

    private static void wakeOne(Connection w) {
        if (w instanceof ConnectionImpl c) {
            if (c.isClosed()) {
                return;
            }
            if (c.thread().isOwner()) {
                c.requestWriteable();
                return;
            }
        }
        w.execute(w::requestWriteable);
    }

    /** The member's held message went out: it reads again. */
    void resumeRx(Connection w) {
        w.execute(() -> w.rxFlowControl(true));
    }

    /** A member too slow for messages from other nodes is closed. */
    void close(Connection w, int code, String reason) {
        w.execute(() -> w.close(code, reason));
    }
}
