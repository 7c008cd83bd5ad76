package org.lws4j.core.group;

import java.util.ArrayList;
import java.util.List;

import org.lws4j.core.conn.ConnectionImpl;

/**
 * The groups one connection is a member of, kept on the connection (touched on its thread only):
 * a second join of the same group finds its membership (an update's next version joins again),
 * and the connection's close leaves them all.
 */
final class Memberships implements Runnable {
    private final List<Group.Member> list = new ArrayList<>(2);

    /** The list of {@code c}, made on its first join. */
    static Memberships of(ConnectionImpl c) {
        Runnable r = c.groupHook();
        if (r instanceof Memberships ms) {
            return ms;
        }
        Memberships ms = new Memberships();
        c.setGroupHook(ms);
        return ms;
    }

    Group.Member find(Scope scope, String group) {
        for (Group.Member m : list) {
            if (!m.left && m.owner().scope == scope && m.owner().name.equals(group)) {
                return m;
            }
        }
        return null;
    }

    void add(Group.Member m) {
        list.removeIf(x -> x.left); // kicked meanwhile
        list.add(m);
    }

    void remove(Group.Member m) {
        list.remove(m);
    }

    /** The connection closed: it leaves every group. */
    @Override
    public void run() {
        List<Group.Member> all = new ArrayList<>(list);
        list.clear();
        for (Group.Member m : all) {
            m.owner().scope.leaveOnly(m);
        }
    }
}
