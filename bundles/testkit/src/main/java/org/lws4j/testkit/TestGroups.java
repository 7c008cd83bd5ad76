package org.lws4j.testkit;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.lws4j.api.Connection;
import org.lws4j.api.GroupListener;
import org.lws4j.api.GroupMember;
import org.lws4j.api.GroupMessage;
import org.lws4j.api.GroupSubscription;
import org.lws4j.api.Groups;

/**
 * The broadcast groups of one protocol on a {@link TestVhost}, as the core keeps them: a ring of
 * {@link Groups#RING} messages per group, members woken for WRITEABLE (through
 * {@link Connection#execute}, so in the loop's next turn), writers held with their rx paused while
 * the slowest member has not written the oldest message, and released when it has. Kept by the
 * vhost, so a protocol's next version ({@link TestVhost#handOff}) finds them as they were. There is
 * no broker: {@link #publishFromOtherNode} plays one, for a protocol's own tests.
 */
public final class TestGroups implements Groups {
    private final String vhost;
    private final String scope;
    private final Map<String, G> byName = new LinkedHashMap<>();

    TestGroups(String vhost, String scope) {
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
    public synchronized GroupMember join(Connection wsi, String group) {
        if (!(wsi instanceof TestConnection c)) {
            throw new IllegalArgumentException("not a connection of the test kit: " + wsi);
        }
        for (M m : c.groupMembers) {
            if (m.g.name.equals(group) && m.g.owner == this && !m.left) {
                m.rearm();
                return m;
            }
        }
        M m = byName.computeIfAbsent(group, G::new).join(c);
        c.groupMembers.add(m);
        return m;
    }

    @Override
    public synchronized GroupSubscription subscribe(String group, GroupListener listener) {
        G g = byName.computeIfAbsent(group, G::new);
        g.listeners.add(listener);
        return new GroupSubscription() {
            @Override
            public String group() {
                return group;
            }

            @Override
            public void cancel() {
                synchronized (TestGroups.this) {
                    g.listeners.remove(listener);
                    g.dropIfEmpty();
                }
            }
        };
    }

    @Override
    public synchronized boolean publish(String group, ByteBuffer payload, boolean binary) {
        G g = byName.get(group);
        if (g == null) {
            return true; // the other nodes only: there are none here
        }
        if (g.full()) {
            return false;
        }
        g.append(new GroupMessage(payload, binary));
        return true;
    }

    /** Delivers a message as if another node had published it (no back-pressure; appended even when full). */
    public synchronized void publishFromOtherNode(String group, ByteBuffer payload, boolean binary) {
        G g = byName.get(group);
        if (g != null) {
            g.append(new GroupMessage(payload, binary));
        }
    }

    @Override
    public synchronized List<GroupInfo> groups() {
        List<GroupInfo> out = new ArrayList<>();
        for (G g : byName.values()) {
            out.add(new GroupInfo(g.name, g.members.size(), g.listeners.size(), g.published, g.held.size(), 0));
        }
        return out;
    }

    /** One group. */
    private final class G {
        final TestGroups owner = TestGroups.this;
        final String name;
        final List<GroupMessage> ring = new ArrayList<>();
        long head;
        long published;
        final List<M> members = new ArrayList<>();
        final ArrayDeque<M> held = new ArrayDeque<>();
        final List<GroupListener> listeners = new CopyOnWriteArrayList<>();

        G(String name) {
            this.name = name;
            for (int i = 0; i < RING; i++) {
                ring.add(null);
            }
        }

        M join(TestConnection c) {
            M m = new M(this, c);
            m.next = head;
            members.add(m);
            return m;
        }

        boolean full() {
            for (M m : members) {
                if (head - m.next >= RING) {
                    return true;
                }
            }
            return false;
        }

        void append(GroupMessage msg) {
            ring.set((int) (head % RING), msg);
            head++;
            published++;
            for (GroupListener l : listeners) {
                l.message(name, msg.payload(), msg.binary());
            }
            for (M m : members) {
                m.c.execute(m.c::requestWriteable);
            }
        }

        void release() {
            while (!full() && !held.isEmpty()) {
                M m = held.poll();
                append(m.heldMsg);
                m.heldMsg = null;
                if (!m.left) {
                    m.c.execute(() -> m.c.rxFlowControl(true));
                }
            }
        }

        void dropIfEmpty() {
            if (members.isEmpty() && listeners.isEmpty() && held.isEmpty()) {
                byName.remove(name, this);
            }
        }
    }

    /** A connection's membership. */
    final class M implements GroupMember {
        final G g;
        final TestConnection c;
        long next;
        GroupMessage heldMsg;
        boolean left;

        M(G g, TestConnection c) {
            this.g = g;
            this.c = c;
        }

        @Override
        public String group() {
            return g.name;
        }

        @Override
        public boolean publish(ByteBuffer payload, boolean binary) {
            GroupMessage msg = new GroupMessage(payload, binary);
            synchronized (TestGroups.this) {
                if (left) {
                    throw new IllegalStateException("not a member of group " + g.name + " any more");
                }
                if (heldMsg != null) {
                    throw new IllegalStateException("a message of this member waits for room in group " + g.name);
                }
                if (!g.full()) {
                    g.append(msg);
                    return true;
                }
                heldMsg = msg;
                g.held.add(this);
            }
            c.rxFlowControl(false);
            return false;
        }

        @Override
        public GroupMessage peek() {
            synchronized (TestGroups.this) {
                return !left && next < g.head ? g.ring.get((int) (next % RING)) : null;
            }
        }

        @Override
        public boolean advance() {
            synchronized (TestGroups.this) {
                if (left || next >= g.head) {
                    return false;
                }
                next++;
                g.release();
                return next < g.head;
            }
        }

        @Override
        public boolean isHeld() {
            synchronized (TestGroups.this) {
                return heldMsg != null;
            }
        }

        @Override
        public void leave() {
            synchronized (TestGroups.this) {
                c.groupMembers.remove(this);
                leaveNow();
            }
        }

        void leaveNow() {
            if (left) {
                return;
            }
            left = true;
            g.members.remove(this);
            g.release();
            g.dropIfEmpty();
        }

        void rearm() {
            if (heldMsg != null) {
                c.rxFlowControl(false);
            }
            if (next < g.head) {
                c.requestWriteable();
            }
        }
    }
}
