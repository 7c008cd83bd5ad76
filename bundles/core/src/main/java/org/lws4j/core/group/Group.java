package org.lws4j.core.group;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.lws4j.api.CloseStatus;
import org.lws4j.api.Connection;
import org.lws4j.api.GroupListener;
import org.lws4j.api.GroupMember;
import org.lws4j.api.GroupMessage;
import org.lws4j.api.GroupSubscription;
import org.lws4j.api.Groups;
import org.lws4j.spi.group.GroupBroker;

/**
 * One broadcast group on this node: a ring of the last {@link Groups#RING} messages and the
 * members reading it, each at its own place ({@link Groups} says what protocols see).
 *
 * <p>The ring is guarded by this object's lock (members sit on different service threads, a
 * broker calls from its own). Connections are touched on their own threads only: wake-ups go
 * through the {@link Waker}; the publisher pauses its own rx. Under the lock nothing waits.
 *
 * <p>Costs per message are kept off the member count where possible: whether the ring is full is
 * one array read ({@code at} counts connection members by the place they are at; the ring is full
 * when one is at the oldest message), and a message wakes only the members that had written
 * everything ({@code idle}); a member still writing finds it with its next {@link Member#advance}.
 */
final class Group {
    private static final int SLOTS = Groups.RING + 1;
    private static final GroupListener[] NO_LISTENERS = new GroupListener[0];

    final Scope scope;
    final String name;
    /** The group's name for a broker: the scope, '/', the name. */
    final String brokerName;
    private final GroupMessage[] ring = new GroupMessage[Groups.RING];
    private long head;
    /** Connection members by the place they are at, indexed by {@code next % SLOTS}. */
    private final int[] at = new int[SLOTS];
    private final List<Member> members = new ArrayList<>();
    /** Members that wrote everything and wait for a wake-up when a message comes. */
    private List<Member> idle = new ArrayList<>();
    /** Members whose message waits for room, in the order they were held. */
    private final ArrayDeque<Member> held = new ArrayDeque<>();
    /** Messages from other nodes that came while the ring was full. */
    private final ArrayDeque<GroupMessage> backlog = new ArrayDeque<>();
    private volatile GroupListener[] listeners = NO_LISTENERS;
    private long published;
    private long kicked;
    /** Set under the scope's and this lock when the group leaves its scope's table. */
    boolean dead;

    Group(Scope scope, String name) {
        this.scope = scope;
        this.name = name;
        this.brokerName = scope.scope() + "/" + name;
    }

    // ---- members -------------------------------------------------------------------------------

    /** A new connection member; called with the scope's lock held. */
    synchronized Member join(Connection wsi) {
        Member m = new Member(wsi);
        m.next = head; // a newcomer gets what is published from now on
        at[slot(head)]++;
        members.add(m);
        idle.add(m);
        m.idle = true;
        return m;
    }

    /** A listener member; called with the scope's lock held. */
    synchronized GroupSubscription subscribe(GroupListener l) {
        GroupListener[] now = listeners;
        GroupListener[] more = java.util.Arrays.copyOf(now, now.length + 1);
        more[now.length] = l;
        listeners = more;
        return new GroupSubscription() {
            @Override
            public String group() {
                return name;
            }

            @Override
            public void cancel() {
                scope.unsubscribe(Group.this, l);
            }
        };
    }

    /** Removes {@code l} (one registration of it); true when the group is now empty. */
    synchronized boolean unsubscribe(GroupListener l) {
        GroupListener[] now = listeners;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == l) {
                GroupListener[] less = new GroupListener[now.length - 1];
                System.arraycopy(now, 0, less, 0, i);
                System.arraycopy(now, i + 1, less, i, now.length - i - 1);
                listeners = less;
                break;
            }
        }
        return isEmpty();
    }

    /** No members of either kind and nothing held: the group can go (under this lock). */
    boolean isEmpty() {
        return members.isEmpty() && listeners.length == 0 && held.isEmpty();
    }

    // ---- publishing ----------------------------------------------------------------------------

    /** A message from outside the group's connections ({@link Groups#publish}): false when full. */
    boolean publishFree(GroupMessage msg) {
        List<Member> wake;
        synchronized (this) {
            if (dead || full()) {
                return false;
            }
            wake = append(msg);
        }
        scope.table.waker.writeable(wake);
        scope.table.toBroker(this, msg);
        return true;
    }

    /**
     * A message another node published: appended; or, the ring being full, kept in the backlog; or,
     * that being full too, the members holding the ring are closed and the backlog moves on.
     */
    void deliverRemote(GroupMessage msg) {
        List<Member> wake = null;
        List<Member> tooSlow = null;
        Released r = null;
        synchronized (this) {
            if (dead || (members.isEmpty() && listeners.length == 0)) {
                return; // nobody here to read it
            }
            if (!backlog.isEmpty() || full()) {
                if (backlog.size() < Groups.REMOTE_BACKLOG) {
                    backlog.add(msg);
                    return;
                }
                tooSlow = dropSlowest();
                backlog.add(msg);
                r = drain(); // room now: the backlog first, then held writers
            } else {
                wake = append(msg);
            }
        }
        if (tooSlow != null) {
            scope.table.slowMembersClosed(this, tooSlow.size());
            for (Member m : tooSlow) {
                scope.table.waker.close(m.wsi, CloseStatus.POLICY_VIOLATION,
                        "too slow for group " + name + ": " + (Groups.RING + Groups.REMOTE_BACKLOG) + " messages behind");
            }
        }
        if (r != null) {
            released(r);
        }
        scope.table.waker.writeable(wake);
    }

    /** Members at the oldest place (the ones holding the ring), removed; under this lock. */
    private List<Member> dropSlowest() {
        List<Member> out = new ArrayList<>();
        long oldest = head - Groups.RING;
        for (int i = members.size() - 1; i >= 0; i--) {
            Member m = members.get(i);
            if (m.next == oldest) {
                out.add(m);
                remove(m);
            }
        }
        kicked += out.size();
        return out;
    }

    /** Appends {@code msg} (the ring has room); returns the idle members to wake. Under this lock. */
    private List<Member> append(GroupMessage msg) {
        ring[(int) (head % Groups.RING)] = msg;
        head++;
        published++;
        for (GroupListener l : listeners) {
            try {
                l.message(name, msg.payload(), msg.binary());
            } catch (RuntimeException e) {
                scope.table.listenerFailed(this, l, e);
            }
        }
        if (idle.isEmpty()) {
            return null;
        }
        List<Member> wake = idle;
        idle = new ArrayList<>();
        for (Member m : wake) {
            m.idle = false;
        }
        return wake;
    }

    private boolean full() {
        return head >= Groups.RING && at[slot(head - Groups.RING)] > 0;
    }

    private static int slot(long seq) {
        return (int) (seq % SLOTS);
    }

    /** What freed room let go: messages appended (their senders, null for other nodes'), members to wake. */
    private static final class Released {
        final List<GroupMessage> msgs = new ArrayList<>();
        final List<Member> senders = new ArrayList<>();
        List<Member> wake;
    }

    /** Appends from the backlog, then held messages, while there is room; null when nothing moved. */
    private Released drain() {
        Released r = null;
        while (!full() && (!backlog.isEmpty() || !held.isEmpty())) {
            if (r == null) {
                r = new Released();
            }
            GroupMessage msg;
            Member from = null;
            if (!backlog.isEmpty()) {
                msg = backlog.poll();
            } else {
                from = held.poll();
                msg = from.heldMsg;
                from.heldMsg = null;
            }
            List<Member> w = append(msg);
            if (w != null) {
                if (r.wake == null) {
                    r.wake = w;
                } else {
                    r.wake.addAll(w);
                }
            }
            r.msgs.add(msg);
            r.senders.add(from);
        }
        return r;
    }

    /** After the lock: held messages go to the broker before their senders read again (per-sender order). */
    private void released(Released r) {
        for (int i = 0; i < r.msgs.size(); i++) {
            Member from = r.senders.get(i);
            if (from != null) {
                scope.table.toBroker(this, r.msgs.get(i));
                if (!from.left) {
                    scope.table.waker.resumeRx(from.wsi);
                }
            }
        }
        scope.table.waker.writeable(r.wake);
    }

    /** Takes {@code m} out of the reading members (under this lock); its held message stays queued. */
    private void remove(Member m) {
        m.left = true;
        members.remove(m);
        at[slot(m.next)]--;
        if (m.idle) {
            idle.remove(m);
        }
    }

    /** For {@link Groups#groups()} and the shell. */
    synchronized Groups.GroupInfo info() {
        return new Groups.GroupInfo(name, members.size(), listeners.length, published, held.size(), backlog.size());
    }

    synchronized long kicked() {
        return kicked;
    }

    /** A connection's membership; its methods run on that connection's thread. */
    final class Member implements GroupMember {
        final Connection wsi;
        /** The place of the next message it writes. */
        long next;
        /** A message it published that waits for room (its rx is off meanwhile). */
        GroupMessage heldMsg;
        /** In {@code idle}: wrote everything, wants a wake-up for the next message. */
        boolean idle;
        /** Out of the group (left, kicked, or closed). */
        volatile boolean left;

        Member(Connection wsi) {
            this.wsi = wsi;
        }

        Group owner() {
            return Group.this;
        }

        @Override
        public String group() {
            return name;
        }

        @Override
        public boolean publish(ByteBuffer payload, boolean binary) {
            GroupMessage msg = new GroupMessage(payload, binary);
            List<Member> wake = null;
            boolean wasHeld;
            synchronized (Group.this) {
                if (left) {
                    throw new IllegalStateException("not a member of group " + name + " any more");
                }
                if (heldMsg != null) {
                    throw new IllegalStateException("a message of this member waits for room in group " + name);
                }
                wasHeld = full();
                if (wasHeld) {
                    heldMsg = msg;
                    held.add(this);
                } else {
                    wake = append(msg);
                }
            }
            if (wasHeld) {
                // until the slowest member makes room: released() resumes it with a task posted to
                // this connection's thread, so it cannot run before this pause
                wsi.rxFlowControl(false);
                return false;
            }
            scope.table.waker.writeable(wake);
            scope.table.toBroker(Group.this, msg);
            return true;
        }

        @Override
        public GroupMessage peek() {
            synchronized (Group.this) {
                if (left) {
                    return null;
                }
                if (next < head) {
                    return ring[(int) (next % Groups.RING)];
                }
                if (!idle) {
                    idle = true;
                    Group.this.idle.add(this);
                }
                return null;
            }
        }

        @Override
        public boolean advance() {
            Released r;
            boolean more;
            synchronized (Group.this) {
                if (left || next >= head) {
                    return false;
                }
                at[slot(next)]--;
                next++;
                at[slot(next)]++;
                r = drain();
                more = next < head;
                if (!more && !idle) {
                    idle = true;
                    Group.this.idle.add(this);
                }
            }
            if (r != null) {
                released(r);
            }
            return more;
        }

        @Override
        public boolean isHeld() {
            synchronized (Group.this) {
                return heldMsg != null;
            }
        }

        @Override
        public void leave() {
            scope.leave(this);
        }

        /** Out of the ring (its held message is appended when room comes); under the scope's lock. */
        Released leaveLocked() {
            synchronized (Group.this) {
                if (left) {
                    return null;
                }
                remove(this);
                return drain();
            }
        }

        /** After {@link #leaveLocked}, without locks. */
        void afterLeave(Object released) {
            if (released != null) {
                released((Released) released);
            }
        }

        /**
         * Joined again (a new version of the protocol took the connection over): rx paused while a
         * held message waits, WRITEABLE asked for while messages wait (one asked for before the
         * update went to nobody).
         */
        void rearm() {
            boolean hold;
            boolean more;
            synchronized (Group.this) {
                hold = heldMsg != null;
                more = next < head;
                if (more && idle) {
                    idle = false;
                    Group.this.idle.remove(this);
                } else if (!more && !idle) {
                    idle = true;
                    Group.this.idle.add(this);
                }
            }
            if (hold) {
                wsi.rxFlowControl(false);
            }
            if (more) {
                wsi.requestWriteable();
            }
        }
    }
}
