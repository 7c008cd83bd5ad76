package org.lws4j.core.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.lws4j.api.Connection;
import org.lws4j.api.GroupMember;
import org.lws4j.api.GroupMessage;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;

/**
 * A mirror on the core's groups, for the group tests: joins {@code ?group=} ("" without), publishes
 * every message whole, writes the group's messages from WRITEABLE. A member opened with
 * {@code ?slow=1} does not write until it sends the text "go" (a reader that has stopped reading,
 * without depending on socket buffer sizes); "leave" leaves the group.
 */
class GroupProtocol extends ProtocolAdapter {
    static final String NAME = "group-test";

    static final class Session {
        GroupMember member;
        boolean slow;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new Session();
    }

    @Override
    protected Result onEstablished(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        String g = wsi.request().urlArg("group");
        s.slow = wsi.request().urlArg("slow") != null;
        s.member = wsi.groups().join(wsi, g == null ? "" : g);
        return Result.CONTINUE;
    }

    @Override
    protected Result onReceive(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        ByteBuffer msg = ByteBuffer.allocate(in.remaining()).put(in).flip();
        String text = wsi.isBinary() ? "" : StandardCharsets.UTF_8.decode(msg.duplicate()).toString();
        if (s.slow && text.equals("go")) {
            s.slow = false;
            wsi.requestWriteable();
            return Result.CONTINUE;
        }
        if (text.equals("leave")) {
            s.member.leave();
            return Result.CONTINUE;
        }
        s.member.publish(msg, wsi.isBinary());
        return Result.CONTINUE;
    }

    @Override
    protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        if (s.slow) {
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
}
