package org.lws4j.protocol.mirror;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.lws4j.api.Connection;
import org.lws4j.api.HandoffState;

/**
 * lws-mirror-protocol's state over an update, as plain data. A session goes over as
 * {@value #SESSION} (its group, its member id, a message half received); the vhost as
 * {@value #VHOST}: for each group that had members handed over, the ring's messages (so none sent
 * before the update is lost, written or not), the next place, and each member's place and held
 * message. The new version rebuilds the groups first, each member a placeholder holding its place
 * (so the ring never overwrites what it has not written), then each connection claims its own.
 * Placeholders whose connection never comes back (closed meanwhile) are dropped after
 * {@value #CLAIM_DEADLINE_MS} ms.
 */
final class MirrorHandoff {
    static final String SESSION = "lws-mirror/1";
    static final String VHOST = "lws-mirror-vhost/1";
    /** The tag of the timed callback that drops unclaimed placeholders. */
    static final Object CLAIM_DEADLINE = "claim-deadline";
    static final long CLAIM_DEADLINE_MS = 10_000;

    private MirrorHandoff() {
    }

    /** On the connection's thread: the old version's last call for it. */
    static HandoffState exportSession(MirrorProtocol.Session s) {
        if (s == null || s.member == null) {
            return null; // not in a group (yet): nothing to keep
        }
        HandoffState st = HandoffState.of(SESSION).put("group", s.group.name).put("member", s.member.id)
                .put("partialBinary", s.partialBinary);
        if (s.partial != null) {
            ByteBuffer p = s.partial.duplicate().flip();
            byte[] b = new byte[p.remaining()];
            p.get(b);
            st.put("partial", b);
        }
        s.groups.exported(s.group, s.member.id);
        return st;
    }

    /** After every session's export: the groups of the members that go over. */
    static HandoffState exportVhost(MirrorProtocol.Groups gs) {
        List<HandoffState> groups = new ArrayList<>();
        for (Map.Entry<MirrorGroup, Set<Long>> e : gs.takeExported().entrySet()) {
            groups.add(e.getKey().export(e.getValue()));
        }
        return HandoffState.of(VHOST).put("groups", groups);
    }

    /** The new version's binding takes the groups; false for a state it does not read. */
    static boolean importVhost(MirrorProtocol.Groups gs, HandoffState state) {
        if (state == null) {
            return true;
        }
        if (!VHOST.equals(state.format())) {
            return false;
        }
        for (Object o : state.getList("groups")) {
            HandoffState g = (HandoffState) o;
            if (!gs.get(g.getString("name")).restore(g)) {
                return false;
            }
        }
        return true;
    }

    /** A connection back: its group and place, the message it was receiving. */
    static boolean importSession(Connection wsi, MirrorProtocol.Session s, MirrorProtocol.Groups gs, HandoffState st) {
        if (!SESSION.equals(st.format()) || st.getString("group") == null) {
            return false;
        }
        s.groups = gs;
        s.group = gs.get(st.getString("group"));
        s.member = s.group.claim(st.getLong("member", -1), wsi);
        if (s.member == null) {
            s.member = s.group.join(wsi); // its group's state did not come: it reads from now on
        }
        s.partialBinary = st.getBoolean("partialBinary", false);
        byte[] partial = st.getBytes("partial");
        if (partial != null) {
            s.partial = ByteBuffer.allocate(Math.min(MirrorProtocol.MAX_MESSAGE, Math.max(4096, 2 * partial.length)))
                    .put(partial);
        }
        return true;
    }
}
