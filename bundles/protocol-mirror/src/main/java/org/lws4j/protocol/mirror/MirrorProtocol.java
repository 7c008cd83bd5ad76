package org.lws4j.protocol.mirror;

import java.nio.ByteBuffer;

import org.lws4j.api.CloseStatus;
import org.lws4j.api.Connection;
import org.lws4j.api.GroupMember;
import org.lws4j.api.GroupMessage;
import org.lws4j.api.Handoff;
import org.lws4j.api.HandoffState;
import org.lws4j.api.Protocol;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.ProtocolName;
import org.lws4j.api.Result;
import org.lws4j.api.VhostProtocol;
import org.osgi.service.component.annotations.Component;

/**
 * {@code lws-mirror-protocol}, wire-compatible with libwebsockets' test plugin: every message is
 * re-sent to every connection in the same {@code ?mirror=} group, the sender included, whole and
 * in order. The group name is read in ESTABLISHED (headers are gone afterwards); no argument is
 * the group "". Messages are gathered whole before they are mirrored, up to {@link #MAX_MESSAGE}
 * bytes (larger ones close the connection with 1009).
 *
 * <p>A group is one of the server's broadcast groups ({@link org.lws4j.api.Groups}), so it has
 * their back-pressure (a slow reader holds the writers back, nothing is dropped) and, with a group
 * broker installed, spans every node behind the load balancer.
 *
 * <p>An update keeps the connections ({@link Handoff}, see {@link MirrorHandoff}): the groups stay
 * in the server meanwhile; each connection goes over with its group's name and a message half
 * received, and joins again.
 */
@Component(service = Protocol.class)
@ProtocolName(MirrorProtocol.NAME)
public final class MirrorProtocol extends ProtocolAdapter implements Handoff {
    public static final String NAME = "lws-mirror-protocol";
    static final int MAX_MESSAGE = 64 * 1024;

    /** Per connection. */
    static final class Session {
        GroupMember member;
        ByteBuffer partial;
        boolean partialBinary;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new Session();
    }

    @Override
    protected Result onEstablished(Connection wsi, ByteBuffer in) {
        String name = wsi.request().urlArg("mirror");
        Session s = wsi.session();
        s.member = wsi.groups().join(wsi, name == null ? "" : name);
        return Result.CONTINUE;
    }

    @Override
    protected Result onReceive(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        if (wsi.isFirstFragment()) {
            s.partial = null;
            s.partialBinary = wsi.isBinary();
        }
        boolean whole = wsi.isFirstFragment() && wsi.isFinalFragment();
        ByteBuffer msg;
        if (whole) {
            msg = ByteBuffer.allocate(in.remaining()).put(in).flip();
        } else {
            int have = s.partial == null ? 0 : s.partial.position();
            if (have + in.remaining() > MAX_MESSAGE) {
                wsi.close(CloseStatus.MESSAGE_TOO_LARGE, "mirror messages are at most " + MAX_MESSAGE + " bytes");
                return Result.CLOSE;
            }
            if (s.partial == null || s.partial.remaining() < in.remaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.min(MAX_MESSAGE, Math.max(4096, 2 * (have + in.remaining()))));
                if (s.partial != null) {
                    s.partial.flip();
                    bigger.put(s.partial);
                }
                s.partial = bigger;
            }
            s.partial.put(in);
            if (!wsi.isFinalFragment()) {
                return Result.CONTINUE;
            }
            msg = s.partial.flip();
            s.partial = null;
        }
        if (msg.remaining() > MAX_MESSAGE) {
            wsi.close(CloseStatus.MESSAGE_TOO_LARGE, "mirror messages are at most " + MAX_MESSAGE + " bytes");
            return Result.CLOSE;
        }
        // false: the group is full; the server holds the message and reads no more from this
        // writer until the slowest reader catches up
        s.member.publish(msg, s.partialBinary);
        return Result.CONTINUE;
    }

    @Override
    protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        if (s.member == null) {
            return Result.CONTINUE;
        }
        GroupMessage m = s.member.peek();
        if (m == null) {
            return Result.CONTINUE;
        }
        if (!wsi.write(m.payload(), m.mode())) {
            return Result.CLOSE;
        }
        if (s.member.advance()) {
            wsi.requestWriteable();
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onClosed(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        if (s != null && s.member != null) {
            s.member.leave();
            s.member = null;
        }
        return Result.CONTINUE;
    }

    @Override
    public HandoffState exportSession(Connection wsi) {
        return MirrorHandoff.exportSession(wsi.session());
    }

    @Override
    public HandoffState exportVhost(VhostProtocol binding) {
        return HandoffState.of(MirrorHandoff.VHOST); // the groups stay in the server
    }

    @Override
    public boolean importVhost(VhostProtocol binding, HandoffState state) {
        return MirrorHandoff.importVhost(state);
    }

    @Override
    public boolean importSession(Connection wsi, HandoffState state) {
        return MirrorHandoff.importSession(wsi, wsi.session(), state);
    }
}
