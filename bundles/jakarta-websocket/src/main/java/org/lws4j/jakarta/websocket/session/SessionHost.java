package org.lws4j.jakarta.websocket.session;

import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;

/**
 * What a session needs from the endpoint registration that made it: its siblings (for
 * {@code getOpenSessions}), the container and its defaults, the service threads (so that no
 * service thread is ever made to wait), and where to give back the endpoint instance. Implemented
 * by the server side; thread-safe.
 */
public interface SessionHost {
    /** The container: defaults for new sessions (idle timeout, buffer sizes, send timeout). */
    WebSocketContainer container();

    /** The most bytes one session's send queue holds before senders wait (or fail, if async). */
    long sendQueueBytes();

    /** The most items one session's send queue holds. */
    int sendQueueItems();

    /**
     * The session opened (ESTABLISHED; its service thread).
     *
     * @return false when the endpoint is going away: the session is closed with 1001 at once
     */
    boolean opened(SessionImpl s);

    /** The session closed for good (its endpoint was told); called once, on its service thread. */
    void closed(SessionImpl s);

    /** The open sessions of this endpoint, a snapshot. */
    java.util.Set<Session> openSessions();

    /** True when {@code t} is a service thread of the server (where nothing may block). */
    boolean isServiceThread(Thread t);

    /** Remembers {@code t} as a service thread. */
    void serviceThread(Thread t);

    /** Gives back an endpoint instance the session no longer uses (a prototype service's, say). */
    void release(Object endpoint);

    /** A name for log lines: the endpoint's path and where it came from. */
    String describe();
}
