package org.lws4j.protocol.mirror;

import java.nio.ByteBuffer;

import org.lws4j.api.Connection;
import org.lws4j.api.HandoffState;

/**
 * lws-mirror-protocol's state over an update, as plain data. The groups are the server's
 * ({@link org.lws4j.api.Groups}): their rings, each member's place and held message stay there
 * while the protocol is replaced, so only a session's own part goes over, as {@value #SESSION}:
 * its group's name and a message half received. The new version joins the group again, which
 * gives the connection its membership back as it was (nothing lost, nothing twice). The vhost's
 * state ({@value #VHOST}) is empty; the formats of the versions that kept the rings themselves
 * ({@code lws-mirror/1}) are refused, so an update from one of those closes its connections with
 * 1001 once.
 */
final class MirrorHandoff {
    static final String SESSION = "lws-mirror/2";
    static final String VHOST = "lws-mirror-vhost/2";

    private MirrorHandoff() {
    }

    /** On the connection's thread: the old version's last call for it. */
    static HandoffState exportSession(MirrorProtocol.Session s) {
        if (s == null || s.member == null) {
            return null; // not in a group (yet): nothing to keep
        }
        HandoffState st = HandoffState.of(SESSION).put("group", s.member.group()).put("partialBinary", s.partialBinary);
        if (s.partial != null) {
            ByteBuffer p = s.partial.duplicate().flip();
            byte[] b = new byte[p.remaining()];
            p.get(b);
            st.put("partial", b);
        }
        return st;
    }

    /** The new version's binding: the old one's vhost state says nothing, but must be of this format. */
    static boolean importVhost(HandoffState state) {
        return state == null || VHOST.equals(state.format());
    }

    /** A connection back: its group membership as the server kept it, the message it was receiving. */
    static boolean importSession(Connection wsi, MirrorProtocol.Session s, HandoffState st) {
        if (!SESSION.equals(st.format()) || st.getString("group") == null) {
            return false;
        }
        s.member = wsi.groups().join(wsi, st.getString("group"));
        s.partialBinary = st.getBoolean("partialBinary", false);
        byte[] partial = st.getBytes("partial");
        if (partial != null) {
            s.partial = ByteBuffer.allocate(Math.min(MirrorProtocol.MAX_MESSAGE, Math.max(4096, 2 * partial.length)))
                    .put(partial);
        }
        return true;
    }
}
