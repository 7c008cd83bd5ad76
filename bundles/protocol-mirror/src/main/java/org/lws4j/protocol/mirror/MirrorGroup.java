package org.lws4j.protocol.mirror;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.lws4j.api.Connection;

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
        final Connection wsi;
        long next;
        /** A message this member sent that did not fit; it waits here with the member's rx off. */
        ByteBuffer held;
        boolean heldBinary;

        Member(Connection wsi) {
            this.wsi = wsi;
        }
    }

    record Message(ByteBuffer data, boolean binary) {
    }

    final String name;
    private final Message[] ring = new Message[RING];
    private long head;
    private final List<Member> members = new ArrayList<>();

    MirrorGroup(String name) {
        this.name = name;
    }

    synchronized Member join(Connection wsi) {
        Member m = new Member(wsi);
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
        for (Member t : targets) {
            t.wsi.execute(t.wsi::requestWriteable);
        }
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
            m.wsi.execute(() -> m.wsi.rxFlowControl(true));
        }
        for (Member t : all) {
            t.wsi.execute(t.wsi::requestWriteable);
        }
    }
}
