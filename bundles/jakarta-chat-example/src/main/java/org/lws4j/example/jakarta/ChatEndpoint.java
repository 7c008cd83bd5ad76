package org.lws4j.example.jakarta;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import jakarta.websocket.EncodeException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

import org.lws4j.api.GroupSubscription;
import org.lws4j.api.Groups;
import org.osgi.service.component.annotations.Component;

/**
 * A chat room per path: {@code ws://host/chat/{room}}. Every text message a member sends goes to
 * every member of its room, the sender included, stamped with the room, the sender and the time.
 *
 * <p>A room is one of lws4j's broadcast groups ({@link Groups}, named {@code chat/ROOM}, from the
 * session's user property {@code org.lws4j.api.Groups}), so with a group broker installed a room
 * spans every node behind the load balancer. Each member listens to its room's group and gets
 * each message through its async remote (a member whose send queue is full misses that message;
 * the others do not wait for it); a message is published once, as its JSON text.
 *
 * <p>One instance serves every session (a singleton service); its callbacks for a session run on
 * that session's service thread, the listeners on the thread that published (a service thread, or
 * the group broker's). The service property {@code osgi.jakarta.websocket.endpoint.implementor=true}
 * hands it to the lws4j whiteboard.
 */
@Component(service = Object.class, property = "osgi.jakarta.websocket.endpoint.implementor=true")
@ServerEndpoint(value = "/chat/{room}", decoders = ChatCodec.Decode.class, encoders = ChatCodec.Encode.class)
public class ChatEndpoint {
    private static final String SUBSCRIPTION = "chat.subscription";

    /** The room's group name in the Jakarta protocol's groups. */
    static String group(String room) {
        return "chat/" + room;
    }

    private static Groups groups(Session s) {
        Object g = s.getUserProperties().get(Groups.class.getName());
        if (!(g instanceof Groups groups)) {
            throw new IllegalStateException("this server has no lws4j broadcast groups (lws4j API 1.2 or later)");
        }
        return groups;
    }

    @OnOpen
    public void open(Session s, @PathParam("room") String room) {
        GroupSubscription sub = groups(s).subscribe(group(room), (group, payload, binary) -> {
            if (!binary && s.isOpen()) {
                s.getAsyncRemote().sendText(StandardCharsets.UTF_8.decode(payload).toString());
            }
        });
        s.getUserProperties().put(SUBSCRIPTION, sub);
    }

    @OnMessage
    public void message(ChatMessage m, Session from, @PathParam("room") String room) throws EncodeException {
        String json = new ChatCodec.Encode().encode(m.stamped(room, "member-" + from.getId()));
        // false only when the room is full of slow readers that are connections of this protocol:
        // a chat room has only listeners, which never hold it
        groups(from).publish(group(room), ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), false);
    }

    @OnClose
    public void close(Session s) {
        Object sub = s.getUserProperties().remove(SUBSCRIPTION);
        if (sub instanceof GroupSubscription g) {
            g.cancel();
        }
    }
}
