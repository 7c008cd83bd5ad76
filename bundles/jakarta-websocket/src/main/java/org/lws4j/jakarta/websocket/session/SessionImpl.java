package org.lws4j.jakarta.websocket.session;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import org.lws4j.api.Connection;
import org.lws4j.jakarta.websocket.endpoint.Coders;
import org.lws4j.jakarta.websocket.endpoint.TypeArgs;

/**
 * A Jakarta WebSocket session on one lws4j connection. Made by the handshake (on the service
 * thread, with its endpoint instance and its own copy of the endpoint config), opened at
 * ESTABLISHED; from then on every callback of the endpoint runs on the connection's service
 * thread ({@link SessionEvents} drives it). The application may call the Session and its remotes
 * from any thread: getters read immutable or volatile state, sends go through the
 * {@link Sender}'s queue, and closing queues the Close behind what was sent before.
 *
 * <p>The endpoint hears {@code onClose} once: when this side's Close is written, when the peer's
 * Close arrives, or when the connection ends without one (1006); after that the session lets go
 * of the endpoint instance, its coders and handlers, so an endpoint bundle that goes away leaves
 * nothing of itself behind in a connection that is still finishing its close handshake.
 */
public final class SessionImpl implements Session {
    private final String id;
    private final SessionHost host;
    private final boolean secure;
    private final URI uri;
    private final String query;
    private final Map<String, List<String>> parameters;
    private final Map<String, String> pathParameters;
    private final String subprotocol;
    private final Map<String, Object> userProperties = new ConcurrentHashMap<>();
    final Sender sender;
    private final Remotes.Basic basic;
    private final Remotes.Async async;
    final SessionEvents events;

    volatile Endpoint endpoint;
    volatile ServerEndpointConfig config;
    private volatile Coders coders;
    private volatile Connection wsi;
    private volatile Thread serviceThread;
    private volatile boolean open;
    private volatile long maxIdle;
    private volatile int maxText;
    private volatile int maxBinary;
    volatile Handlers.Bound text;
    volatile Handlers.Bound binary;
    volatile Handlers.Bound pong;
    private List<Extension> extensions = List.of();

    /** Made by the handshake; nothing of it is visible to the endpoint before {@link SessionEvents#opened}. */
    public SessionImpl(long id, SessionHost host, Endpoint endpoint, ServerEndpointConfig config, Request request) {
        this.id = Long.toString(id);
        this.host = host;
        this.endpoint = endpoint;
        this.config = config;
        this.secure = request.secure();
        this.uri = request.uri();
        this.query = request.query();
        this.parameters = request.parameters();
        this.pathParameters = request.pathParameters();
        this.subprotocol = request.subprotocol();
        WebSocketContainer c = host.container();
        this.maxIdle = c.getDefaultMaxSessionIdleTimeout();
        this.maxText = c.getDefaultMaxTextMessageBufferSize();
        this.maxBinary = c.getDefaultMaxBinaryMessageBufferSize();
        this.sender = new Sender(this, new SendQueue(host.sendQueueBytes(), host.sendQueueItems()));
        this.basic = new Remotes.Basic(this, sender);
        this.async = new Remotes.Async(this, sender, c.getDefaultAsyncSendTimeout());
        this.events = new SessionEvents(this);
    }

    /** What a session knows of the request that opened it. */
    public record Request(boolean secure, URI uri, String query, Map<String, List<String>> parameters,
                          Map<String, String> pathParameters, String subprotocol) {
    }

    /** Drives this session from the protocol's callbacks. */
    public SessionEvents events() {
        return events;
    }

    SessionHost host() {
        return host;
    }

    Connection connection() {
        return wsi;
    }

    Thread serviceThread() {
        return serviceThread;
    }

    /** ESTABLISHED: binds the connection; the coders are made here, so their init sees an open session's config. */
    void attach(Connection c) {
        this.serviceThread = Thread.currentThread();
        host.serviceThread(serviceThread);
        List<Extension> ext = new ArrayList<>();
        for (String name : c.extensions()) {
            ext.add(new NamedExtension(name));
        }
        this.extensions = List.copyOf(ext);
        this.coders = new Coders(config);
        this.wsi = c;
        try {
            // lws4j's broadcast groups of the Jakarta protocol on this vhost (thread-safe), for
            // endpoints that broadcast across nodes: getUserProperties().get(Groups.class.getName())
            userProperties.put(GROUPS_PROPERTY, c.groups());
        } catch (UnsupportedOperationException older) {
            // a core without groups: the endpoint finds none
        }
        this.open = true;
    }

    /** The user property holding the {@link org.lws4j.api.Groups} of the session's vhost. */
    static final String GROUPS_PROPERTY = "org.lws4j.api.Groups";

    /** The Sender wrote the Close this side queued. Service thread. */
    void closeWritten(int code, String reason) {
        events.closeWritten(wsi, code, reason);
    }

    void markClosing() {
        open = false;
    }

    Coders coders() {
        Coders c = coders;
        if (c == null) {
            throw new IllegalStateException("session " + id + " is closed");
        }
        return c;
    }

    /** Lets go of everything of the endpoint's (after onClose). */
    void release() {
        Coders c = coders;
        if (c != null) {
            c.destroy();
        }
        coders = null;
        text = null;
        binary = null;
        pong = null;
        Endpoint e = endpoint;
        endpoint = null;
        config = null;
        if (e != null) {
            host.release(e);
        }
    }

    /** Arms the connection's timer for the idle timeout and the next send deadline. Service thread. */
    void armTimer() {
        Connection c = wsi;
        if (c == null) {
            return;
        }
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        long idle = maxIdle;
        if (idle > 0 && open) {
            next = events.lastActivity + TimeUnit.MILLISECONDS.toNanos(idle) - now;
        }
        long d = sender.queue.nextDeadline();
        if (d != 0) {
            next = Math.min(next, d - now);
        }
        c.setTimer(next == Long.MAX_VALUE ? -1 : Math.max(next, 1_000_000L), TimeUnit.NANOSECONDS);
    }

    // ---- Session -------------------------------------------------------------------------------

    @Override
    public WebSocketContainer getContainer() {
        return host.container();
    }

    @Override
    public void addMessageHandler(MessageHandler handler) {
        Class<?> type = handler instanceof MessageHandler.Partial
                ? TypeArgs.of(handler.getClass(), MessageHandler.Partial.class)
                : TypeArgs.of(handler.getClass(), MessageHandler.Whole.class);
        if (type == null) {
            throw new IllegalStateException("cannot tell the message type of " + handler.getClass().getName()
                    + " (a lambda?): use addMessageHandler(Class, handler)");
        }
        add(handler instanceof MessageHandler.Partial ? Handlers.partial(this, type, (MessageHandler.Partial<?>) handler)
                : Handlers.whole(this, type, (MessageHandler.Whole<?>) handler));
    }

    @Override
    public <T> void addMessageHandler(Class<T> type, MessageHandler.Whole<T> handler) {
        add(Handlers.whole(this, type, handler));
    }

    @Override
    public <T> void addMessageHandler(Class<T> type, MessageHandler.Partial<T> handler) {
        add(Handlers.partial(this, type, handler));
    }

    private synchronized void add(Handlers.Bound b) {
        Handlers.Bound cur = b.kind() == Handlers.Kind.TEXT ? text : b.kind() == Handlers.Kind.BINARY ? binary : pong;
        if (cur != null) {
            throw new IllegalStateException("session " + id + " has a " + b.kind().name().toLowerCase() + " handler already");
        }
        switch (b.kind()) {
            case TEXT -> text = b;
            case BINARY -> binary = b;
            default -> pong = b;
        }
    }

    @Override
    public synchronized Set<MessageHandler> getMessageHandlers() {
        Set<MessageHandler> s = new HashSet<>();
        for (Handlers.Bound b : new Handlers.Bound[] {text, binary, pong}) {
            if (b != null) {
                s.add(b.handler());
            }
        }
        return s;
    }

    @Override
    public synchronized void removeMessageHandler(MessageHandler handler) {
        if (text != null && text.handler() == handler) {
            text = null;
        } else if (binary != null && binary.handler() == handler) {
            binary = null;
        } else if (pong != null && pong.handler() == handler) {
            pong = null;
        }
    }

    @Override
    public String getProtocolVersion() {
        return "13";
    }

    @Override
    public String getNegotiatedSubprotocol() {
        return subprotocol == null ? "" : subprotocol;
    }

    @Override
    public List<Extension> getNegotiatedExtensions() {
        return extensions;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public long getMaxIdleTimeout() {
        return maxIdle;
    }

    @Override
    public void setMaxIdleTimeout(long millis) {
        this.maxIdle = Math.max(0, millis);
        Connection c = wsi;
        if (c == null) {
            return;
        }
        if (Thread.currentThread() == serviceThread) {
            armTimer();
        } else {
            c.execute(this::armTimer);
        }
    }

    @Override
    public void setMaxBinaryMessageBufferSize(int size) {
        this.maxBinary = size;
    }

    @Override
    public int getMaxBinaryMessageBufferSize() {
        return maxBinary;
    }

    @Override
    public void setMaxTextMessageBufferSize(int size) {
        this.maxText = size;
    }

    @Override
    public int getMaxTextMessageBufferSize() {
        return maxText;
    }

    @Override
    public RemoteEndpoint.Async getAsyncRemote() {
        return async;
    }

    @Override
    public RemoteEndpoint.Basic getBasicRemote() {
        return basic;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public void close() throws IOException {
        close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, ""));
    }

    /** Queues the Close behind what was sent; onClose follows when it is written. Any thread. */
    @Override
    public void close(CloseReason reason) throws IOException {
        if (!open) {
            return;
        }
        open = false;
        events.closeWith(reason);
        sender.sendClose(reason.getCloseCode().getCode(), reason.getReasonPhrase());
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public Map<String, List<String>> getRequestParameterMap() {
        return parameters;
    }

    @Override
    public String getQueryString() {
        return query;
    }

    @Override
    public Map<String, String> getPathParameters() {
        return pathParameters;
    }

    @Override
    public Map<String, Object> getUserProperties() {
        return userProperties;
    }

    @Override
    public Principal getUserPrincipal() {
        return null;
    }

    @Override
    public Set<Session> getOpenSessions() {
        return host.openSessions();
    }

    @Override
    public String toString() {
        return "session " + id + " of " + host.describe();
    }

    /** An extension agreed on the connection, by name (its parameters are the core's business). */
    private record NamedExtension(String getName) implements Extension {
        @Override
        public List<Parameter> getParameters() {
            return List.of();
        }
    }
}
