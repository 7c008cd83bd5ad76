package org.lws4j.protocol.mirror;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

import org.lws4j.api.CloseStatus;
import org.lws4j.api.Connection;
import org.lws4j.api.Handoff;
import org.lws4j.api.HandoffState;
import org.lws4j.api.Protocol;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.ProtocolName;
import org.lws4j.api.Result;
import org.lws4j.api.VhostProtocol;
import org.lws4j.api.WriteMode;
import org.osgi.service.component.annotations.Component;

import java.util.concurrent.TimeUnit;

/**
 * {@code lws-mirror-protocol}, wire-compatible with libwebsockets' test plugin: every message is
 * re-sent to every connection in the same {@code ?mirror=} group, the sender included, whole and
 * in order. The group name is read in ESTABLISHED (headers are gone afterwards); no argument is
 * the group "". Messages are gathered whole before they are mirrored, up to {@link #MAX_MESSAGE}
 * bytes (larger ones close the connection with 1009).
 *
 * <p>An update keeps the connections ({@link Handoff}, see {@link MirrorHandoff}): each group
 * goes over with its ring (messages not yet written to every member included), each member's
 * place in it and held message, each connection with its group and a message half received.
 */
@Component(service = Protocol.class)
@ProtocolName(MirrorProtocol.NAME)
public final class MirrorProtocol extends ProtocolAdapter implements Handoff {
    public static final String NAME = "lws-mirror-protocol";
    static final int MAX_MESSAGE = 64 * 1024;

    /** Per vhost: the groups, by name. */
    static final class Groups {
        final Map<String, MirrorGroup> byName = new HashMap<>();
        /** The members whose sessions went to the next version, by group (while it updates). */
        final Map<MirrorGroup, Set<Long>> exported = new HashMap<>();

        synchronized void exported(MirrorGroup g, long id) {
            exported.computeIfAbsent(g, k -> new HashSet<>()).add(id);
        }

        synchronized Map<MirrorGroup, Set<Long>> takeExported() {
            Map<MirrorGroup, Set<Long>> m = new HashMap<>(exported);
            exported.clear();
            return m;
        }

        synchronized List<MirrorGroup> all() {
            return new ArrayList<>(byName.values());
        }

        synchronized MirrorGroup get(String name) {
            return byName.computeIfAbsent(name, MirrorGroup::new);
        }

        synchronized void dropIfEmpty(MirrorGroup g, boolean empty) {
            if (empty) {
                byName.remove(g.name, g);
            }
        }
    }

    /** Per connection. */
    static final class Session {
        Groups groups;
        MirrorGroup group;
        MirrorGroup.Member member;
        ByteBuffer partial;
        boolean partialBinary;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new Session();
    }

    @Override
    protected Result onProtocolInit(VhostProtocol binding) {
        binding.setData(new Groups());
        return Result.CONTINUE;
    }

    @Override
    protected Result onEstablished(Connection wsi, ByteBuffer in) {
        String name = wsi.request().urlArg("mirror");
        Session s = wsi.session();
        s.groups = wsi.protocolBinding().data();
        s.group = s.groups.get(name == null ? "" : name);
        s.member = s.group.join(wsi);
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
        if (!s.group.send(s.member, msg, s.partialBinary)) {
            // the ring is full: stop reading from this writer until the slowest reader catches up
            wsi.rxFlowControl(false);
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        if (s.member == null) {
            return Result.CONTINUE;
        }
        MirrorGroup.Message m = s.group.peek(s.member);
        if (m == null) {
            return Result.CONTINUE;
        }
        if (!wsi.write(m.data().duplicate(), m.binary() ? WriteMode.BINARY : WriteMode.TEXT) || s.member == null) {
            return Result.CLOSE;
        }
        s.group.advance(s.member);
        if (s.group.hasMore(s.member)) {
            wsi.requestWriteable();
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onClosed(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        if (s != null && s.member != null) {
            s.groups.dropIfEmpty(s.group, s.group.leave(s.member));
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
        return MirrorHandoff.exportVhost(binding.data());
    }

    @Override
    public boolean importVhost(VhostProtocol binding, HandoffState state) {
        if (!MirrorHandoff.importVhost(binding.data(), state)) {
            return false;
        }
        binding.timedCallback(MirrorHandoff.CLAIM_DEADLINE, MirrorHandoff.CLAIM_DEADLINE_MS, TimeUnit.MILLISECONDS);
        return true;
    }

    @Override
    public boolean importSession(Connection wsi, HandoffState state) {
        return MirrorHandoff.importSession(wsi, wsi.session(), wsi.protocolBinding().data(), state);
    }

    @Override
    protected void onTimedCallback(VhostProtocol binding, Object tag) {
        if (tag == MirrorHandoff.CLAIM_DEADLINE) {
            Groups gs = binding.data();
            for (MirrorGroup g : gs.all()) {
                gs.dropIfEmpty(g, g.dropUnclaimed());
            }
        }
    }
}
