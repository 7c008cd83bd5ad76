package org.lws4j.core.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.lws4j.api.Connection;
import org.lws4j.api.GroupListener;
import org.lws4j.api.GroupMember;
import org.lws4j.api.GroupMessage;
import org.lws4j.api.GroupSubscription;
import org.lws4j.api.Groups;
import org.lws4j.core.conn.ConnectionImpl;

/**
 * The groups of one protocol name on one vhost: what {@code VhostProtocol.groups()} gives, the
 * same object for every binding of the name (so an update's next version finds the groups as the
 * old one left them). Groups are made by their first member and dropped with the last, under this
 * object's lock (then the group's), so a join never lands in a group being dropped; publishing
 * and deliveries from other nodes only look the group up.
 */
final class Scope implements Groups {
    final GroupTable table;
    private final String vhost;
    private final String scope;
    private final ConcurrentHashMap<String, Group> byName = new ConcurrentHashMap<>();

    Scope(GroupTable table, String vhost, String scope) {
        this.table = table;
        this.vhost = vhost;
        this.scope = scope;
    }

    @Override
    public String vhost() {
        return vhost;
    }

    @Override
    public String scope() {
        return scope;
    }

    @Override
    public GroupMember join(Connection wsi, String group) {
        if (!(wsi instanceof ConnectionImpl c)) {
            throw new IllegalArgumentException("not a connection of this server: " + wsi);
        }
        if (group == null) {
            throw new IllegalArgumentException("a group needs a name (\"\" is one)");
        }
        if (!c.thread().isOwner()) {
            throw new IllegalStateException("connection " + c.id() + " joined a group off its service thread ("
                    + Thread.currentThread().getName() + "); use execute()");
        }
        Memberships ms = Memberships.of(c);
        Group.Member m = ms.find(this, group);
        if (m != null) {
            m.rearm();
            return m;
        }
        synchronized (this) {
            m = byName.computeIfAbsent(group, n -> new Group(this, n)).join(wsi);
        }
        ms.add(m);
        return m;
    }

    /** {@code m} leaves (on its connection's thread): out of its connection's list and its group. */
    void leave(Group.Member m) {
        if (m.wsi instanceof ConnectionImpl c) {
            Memberships.of(c).remove(m);
        }
        leaveOnly(m);
    }

    /** {@code m} leaves its group (its connection's list is the caller's). */
    void leaveOnly(Group.Member m) {
        Group g = m.owner();
        Object released;
        synchronized (this) {
            released = m.leaveLocked();
            dropIfEmpty(g);
        }
        m.afterLeave(released);
    }

    @Override
    public GroupSubscription subscribe(String group, GroupListener listener) {
        if (group == null || listener == null) {
            throw new IllegalArgumentException("subscribe needs a group name and a listener");
        }
        synchronized (this) {
            return byName.computeIfAbsent(group, n -> new Group(this, n)).subscribe(listener);
        }
    }

    void unsubscribe(Group g, GroupListener l) {
        synchronized (this) {
            if (g.unsubscribe(l)) {
                dropIfEmpty(g);
            }
        }
    }

    /** Under this lock: an empty group leaves the table (a later join makes a new one). */
    private void dropIfEmpty(Group g) {
        synchronized (g) {
            if (!g.dead && g.isEmpty()) {
                g.dead = true;
                byName.remove(g.name, g);
            }
        }
    }

    @Override
    public boolean publish(String group, ByteBuffer payload, boolean binary) {
        GroupMessage msg = new GroupMessage(payload, binary);
        Group g = byName.get(group);
        if (g != null && g.publishFree(msg)) {
            return true;
        }
        if (g != null && !g.dead) {
            return false; // full
        }
        table.toBroker(vhost, scope + "/" + group, msg); // nobody here: the other nodes only
        return true;
    }

    /** A message from another node: to the group here, if there is one. */
    void deliverRemote(String group, GroupMessage msg) {
        Group g = byName.get(group);
        if (g != null) {
            g.deliverRemote(msg);
        }
    }

    @Override
    public List<GroupInfo> groups() {
        List<GroupInfo> out = new ArrayList<>();
        for (Group g : byName.values()) {
            out.add(g.info());
        }
        out.sort(java.util.Comparator.comparing(GroupInfo::name));
        return out;
    }

    boolean isEmpty() {
        return byName.isEmpty();
    }

    @Override
    public String toString() {
        return scope + "@" + vhost;
    }
}
