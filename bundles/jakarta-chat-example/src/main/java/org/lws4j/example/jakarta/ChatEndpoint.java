package org.lws4j.example.jakarta;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * A chat room per path: {@code ws://host/chat/{room}}. Every text message a member sends goes to
 * every member of its room, the sender included, stamped with the room, the sender and the time.
 * The broadcast runs on a thread of this component's own, not on the server's service thread,
 * through each member's async remote (a member whose queue is full misses that message; the
 * others do not wait for it).
 *
 * <p>One instance serves every session (a singleton service); its callbacks for a session run on
 * that session's service thread, the broadcast on its executor. The service property
 * {@code osgi.jakarta.websocket.endpoint.implementor=true} hands it to the lws4j whiteboard.
 */
@Component(service = Object.class, property = "osgi.jakarta.websocket.endpoint.implementor=true")
@ServerEndpoint(value = "/chat/{room}", decoders = ChatCodec.Decode.class, encoders = ChatCodec.Encode.class)
public class ChatEndpoint {
    private ExecutorService broadcaster;

    @Activate
    void activate() {
        broadcaster = Executors.newSingleThreadExecutor(r -> new Thread(r, "jakarta-chat-broadcast"));
    }

    @Deactivate
    void deactivate() {
        broadcaster.shutdownNow();
    }

    @OnOpen
    public void open(Session s, @PathParam("room") String room) {
        s.getUserProperties().put("room", room);
    }

    @OnMessage
    public void message(ChatMessage m, Session from, @PathParam("room") String room) {
        ChatMessage stamped = m.stamped(room, "member-" + from.getId());
        broadcaster.execute(() -> {
            for (Session member : from.getOpenSessions()) {
                if (room.equals(member.getUserProperties().get("room")) && member.isOpen()) {
                    member.getAsyncRemote().sendObject(stamped);
                }
            }
        });
    }

    @OnClose
    public void close(Session s) {
        s.getUserProperties().remove("room");
    }
}
