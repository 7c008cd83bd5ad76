package org.lws4j.example.jakarta;

/**
 * One chat message: the room, who sent it (the sender's session id, or the name it gave), the
 * text and when the server took it (epoch milliseconds). Immutable.
 */
public record ChatMessage(String room, String from, String text, long time) {
    /** The same message, stamped by the server with its room, sender and time. */
    ChatMessage stamped(String room, String from) {
        return new ChatMessage(room, this.from != null && !this.from.isBlank() ? this.from : from, text,
                System.currentTimeMillis());
    }
}
