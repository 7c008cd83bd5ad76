package org.lws4j.protocol.mirror;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.lws4j.api.Connection;
import org.lws4j.api.HandoffState;

/**
 * One {@code ?mirror=} group: a bounded ring of messages and the members reading it, each at its
 * own place. A message is appended once and written to every member (sender included) from the
 * member's own WRITEABLE. When the ring is full because the slowest member has not taken its
 * oldest message, the writer is told to stop reading (rx flow control) and is let go again when
 * that member catches up: nothing is dropped and nothing grows without bound.
 *
 * <p>Members of one group may sit on different service threads, so the ring is guarded by this
 * object's lock; connections are only ever touched on their own thread (through
 * {@link Connection#execute}).
 */
final class MirrorGroup {
    /** Messages the ring holds. */
    static final int RING = 64;

    /** A member: its connection and the sequence number of the next message it will write. */
    static final class Member {
        /** Null for a member handed over by the previous version whose connection is not back yet. */
        Connection wsi;
        /** Names the member across an update: its session carries it, the group's state too. */
        final long id;
        long next;
        /** A message this member sent that did not fit; it waits here with the member's rx off. */
        ByteBuffer held;
        boolean heldBinary;

        Member(Connection wsi, long id) {
            this.wsi = wsi;
            this.id = id;
        }
    }

    record Message(ByteBuffer data, boolean binary) {
    }

    final String name;
    private final Message[] ring = new Message[RING];
    private long head;
    private long nextId;
    private final List<Member> members = new ArrayList<>();
    /** Members handed over by the previous version whose connections are not back yet, by id. */
    private final java.util.Map<Long, Member> away = new java.util.HashMap<>();

    MirrorGroup(String name) {
        this.name = name;
    }

    synchronized Member join(Connection wsi) {
        Member m = new Member(wsi, nextId++);
        m.next = head; // a newcomer sees what is sent from now on
        members.add(m);
        return m;
    }

    /** Removes {@code m}; returns true when the group is now empty. */
    boolean leave(Member m) {
        List<Member> release;
        boolean empty;
        synchronized (this) {
            members.remove(m);
            release = takeHeldThatFit();
            empty = members.isEmpty();
        }
        wake(release);
        return empty;
    }

    /**
     * Appends a whole message from {@code from}. Returns false when the ring is full: the message
     * is kept as the member's held message and the caller must stop reading from that member.
     */
    boolean send(Member from, ByteBuffer data, boolean binary) {
        List<Member> targets;
        synchronized (this) {
            if (full()) {
                from.held = data;
                from.heldBinary = binary;
                return false;
            }
            append(data, binary);
            targets = new ArrayList<>(members);
        }
        writeable(targets);
        return true;
    }

    /** The next message for {@code m}, or null when it has everything. */
    synchronized Message peek(Member m) {
        return m.next < head ? ring[(int) (m.next % RING)] : null;
    }

    /** {@code m} wrote its next message; frees ring space and lets held writers go on. */
    void advance(Member m) {
        List<Member> release;
        synchronized (this) {
            m.next++;
            release = takeHeldThatFit();
        }
        wake(release);
    }

    synchronized boolean hasMore(Member m) {
        return m.next < head;
    }

    /**
     * The group as plain data for the next version ({@link MirrorHandoff}): its name, the messages
     * of the ring, the place of the next one, and each member in {@code ids} with its place and
     * held message. Members not in {@code ids} (their connections were not handed over) are left.
     */
    synchronized HandoffState export(java.util.Set<Long> ids) {
        List<HandoffState> ms = new ArrayList<>();
        for (long seq = Math.max(0, head - RING); seq < head; seq++) {
            Message m = ring[(int) (seq % RING)];
            ms.add(HandoffState.of("m").put("data", bytes(m.data())).put("binary", m.binary()));
        }
        List<HandoffState> mbs = new ArrayList<>();
        for (Member m : members) {
            if (ids.contains(m.id)) {
                HandoffState st = HandoffState.of("member").put("id", m.id).put("next", m.next);
                if (m.held != null) {
                    st.put("held", bytes(m.held)).put("heldBinary", m.heldBinary);
                }
                mbs.add(st);
            }
        }
        return HandoffState.of("group").put("name", name).put("head", head).put("messages", ms).put("members", mbs);
    }

    /**
     * Takes a group's state from the previous version into this group, new (or joined in the
     * moment before the state came: its members then start at the restored head). The members come
     * back as placeholders that {@link #claim} gives their connections. False when messages were
     * sent here already (the states cannot be merged).
     */
    synchronized boolean restore(HandoffState st) {
        if (head != 0) {
            return false;
        }
        List<Object> ms = st.getList("messages");
        head = st.getLong("head", 0);
        if (ms.size() > RING || ms.size() > head) {
            return false;
        }
        long seq = head - ms.size();
        for (Object o : ms) {
            HandoffState m = (HandoffState) o;
            ring[(int) (seq++ % RING)] = new Message(ByteBuffer.wrap(m.getBytes("data")), m.getBoolean("binary", false));
        }
        for (Member m : members) {
            m.next = head;
        }
        for (Object o : st.getList("members")) {
            HandoffState ms1 = (HandoffState) o;
            Member m = new Member(null, ms1.getLong("id", -1));
            m.next = Math.max(head - ms.size(), Math.min(head, ms1.getLong("next", head)));
            byte[] held = ms1.getBytes("held");
            if (held != null) {
                m.held = ByteBuffer.wrap(held);
                m.heldBinary = ms1.getBoolean("heldBinary", false);
            }
            members.add(m);
            away.put(m.id, m);
            nextId = Math.max(nextId, m.id + 1);
        }
        return true;
    }

    /**
     * Gives the placeholder {@code id} its connection, back after the update; asks for WRITEABLE
     * when it has messages to write, and stops reading again while its held message waits (the
     * core reads while a connection is parked). Null when there is no such placeholder.
     */
    Member claim(long id, Connection wsi) {
        Member found = null;
        boolean more;
        boolean hold;
        synchronized (this) {
            found = away.remove(id);
            if (found == null) {
                return null;
            }
            found.wsi = wsi;
            more = found.next < head;
            hold = found.held != null;
        }
        if (hold) {
            wsi.rxFlowControl(false);
        }
        if (more) {
            wsi.requestWriteable();
        }
        return found;
    }

    /** Drops the placeholders never claimed (their connections closed during the update). */
    boolean dropUnclaimed() {
        List<Member> gone;
        synchronized (this) {
            gone = new ArrayList<>(away.values());
            away.clear();
        }
        boolean empty = false;
        for (Member m : gone) {
            empty = leave(m);
        }
        return empty;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private boolean full() {
        long oldest = head;
        for (Member m : members) {
            oldest = Math.min(oldest, m.next);
        }
        return head - oldest >= RING;
    }

    private void append(ByteBuffer data, boolean binary) {
        ring[(int) (head % RING)] = new Message(data, binary);
        head++;
    }

    /** Appends held messages while there is room; returns their senders and every member to wake. */
    private List<Member> takeHeldThatFit() {
        List<Member> woken = new ArrayList<>();
        for (Member m : members) {
            if (m.held != null && !full()) {
                append(m.held, m.heldBinary);
                m.held = null;
                woken.add(m);
            }
        }
        return woken;
    }

    private void wake(List<Member> released) {
        if (released.isEmpty()) {
            return;
        }
        List<Member> all;
        synchronized (this) {
            all = new ArrayList<>(members);
        }
        for (Member m : released) {
            Connection c = m.wsi;
            if (c != null) { // one away reads again when it is back (the core reads while parked)
                c.execute(() -> c.rxFlowControl(true));
            }
        }
        writeable(all);
    }

    private static void writeable(List<Member> targets) {
        for (Member t : targets) {
            Connection c = t.wsi;
            if (c != null) {
                c.execute(c::requestWriteable);
            }
        }
    }
}
