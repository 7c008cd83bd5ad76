package org.lws4j.api;

import java.nio.ByteBuffer;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Broadcast groups: named sets of connections (and listeners) that each get every message
 * published to the group, whole and in the order it was published. What a protocol reaches with
 * {@link VhostProtocol#groups()} (or {@link Connection#groups()}) are the groups of that protocol
 * on that vhost: two protocols on one vhost, or one protocol on two vhosts, never share a group
 * even when the names are the same. The groups belong to the server, not to the protocol's
 * instance: a new version of the protocol (an update, {@link Handoff}) finds them as the old one
 * left them.
 *
 * <p><b>Delivery.</b> A connection member writes from its own WRITEABLE: the server asks for one
 * when a message arrives for a member that had written everything; the protocol then
 * {@link GroupMember#peek() peeks} at the next message, writes it and
 * {@link GroupMember#advance() advances}, asking for WRITEABLE again while {@code advance} says
 * more are waiting. Listener members ({@link #subscribe}) are called as each message is published.
 *
 * <p><b>Back-pressure.</b> A group holds the last {@link #RING} messages. When its slowest
 * connection member has not written the oldest yet, the group is full: a member's
 * {@link GroupMember#publish} is held (kept for later, nothing is dropped) and the server stops
 * reading from that member (rx flow control) until the slowest catches up or leaves; the held
 * message is then published and reading resumes. So one slow reader slows its group's writers
 * down to its own pace, and memory stays bounded.
 *
 * <p><b>Other nodes.</b> With a group broker installed ({@link org.lws4j.spi.group.GroupBroker}),
 * every message published here also goes to the same group on the other nodes, and theirs come
 * here, each once and in the order each sender sent them. A message from another node cannot be
 * held: when the group is full it waits in a bounded backlog of {@link #REMOTE_BACKLOG} messages;
 * when that is full too, the slowest connection members are closed with 1008 (policy) and
 * "too slow for group ...", so that the others go on.
 *
 * <p><b>Threads.</b> {@link #join} and the methods of {@link GroupMember} are called on the
 * member connection's service thread; {@link #subscribe}, {@link #publish} and
 * {@link #members} from any thread.
 *
 * @since 1.2
 */
@ProviderType
public interface Groups {
    /** The messages a group holds for its slowest connection member before its writers are held. */
    int RING = 64;

    /** The messages from other nodes a full group keeps waiting before it closes its slowest members. */
    int REMOTE_BACKLOG = 64;

    /** The vhost whose groups these are. */
    String vhost();

    /** The name the groups are kept under on the vhost: the protocol's name. */
    String scope();

    /**
     * Makes {@code wsi} a member of {@code group} (created on the first member, dropped with the
     * last): it gets the messages published from now on, through its WRITEABLE. Already a member
     * (as after an update, when the new version's session joins again): its membership as it was,
     * its place and held message kept, and WRITEABLE asked for when messages wait (rx paused again
     * while a held message waits). A member leaves with {@link GroupMember#leave()} or when its
     * connection closes. On {@code wsi}'s service thread.
     */
    GroupMember join(Connection wsi, String group);

    /**
     * Adds a listener member to {@code group}, for members that are not connections of this
     * protocol (a Jakarta WebSocket session, a log, a bridge). It is called on the thread that
     * published each message (a service thread, or a group broker's), outside any lock, so it must
     * not block; it does not count for back-pressure (it cannot be waited for). Thread-safe.
     */
    GroupSubscription subscribe(String group, GroupListener listener);

    /**
     * Publishes a whole message to {@code group} from outside its connection members (a timer, a
     * listener member's own sender): false when the group is full and nothing was published (try
     * again later, or drop it: the caller decides, as it cannot be held). A group without members
     * here publishes to the other nodes only. The payload is read from its position to its limit
     * and must not change afterwards. Thread-safe.
     */
    boolean publish(String group, ByteBuffer payload, boolean binary);

    /** The groups with members now (local ones: connections and listeners), for tools. Thread-safe. */
    List<GroupInfo> groups();

    /** One group as the status tools show it. */
    record GroupInfo(String name, int connections, int listeners, long published, int held, int backlog) {
    }
}
