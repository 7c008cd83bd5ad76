package org.lws4j.jakarta.websocket.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

import org.lws4j.api.CloseStatus;
import org.lws4j.api.Connection;
import org.lws4j.api.LogLevel;
import org.lws4j.jakarta.websocket.endpoint.PojoEndpoint;

/**
 * The service-thread side of a {@link SessionImpl}: the protocol's callbacks for its connection
 * become the endpoint's events (onOpen, messages through its handlers, onError, onClose). Every
 * method runs on the connection's service thread, except {@link #closeWith}, which only records
 * the reason. Exceptions from the endpoint never leave: one not handled by its onError is logged
 * and closes the session with 1011. Reading stops while more than {@value #HIGH} bytes wait to be
 * sent and resumes under {@value #LOW}: an echo to a peer that does not read cannot fill memory.
 */
public final class SessionEvents {
    static final long HIGH = 1 << 20;
    static final long LOW = 256 << 10;

    private final SessionImpl s;
    private final boolean handlesErrors;
    long lastActivity = System.nanoTime();
    private boolean rxPaused;
    private volatile CloseReason closeReason;
    private volatile boolean delivered;
    private volatile Runnable whenDelivered;

    SessionEvents(SessionImpl s) {
        this.s = s;
        Endpoint e = s.endpoint;
        this.handlesErrors = e instanceof PojoEndpoint ? ((PojoEndpoint) e).handlesErrors() : overridesOnError(e.getClass());
    }

    private static boolean overridesOnError(Class<?> c) {
        try {
            return c.getMethod("onError", Session.class, Throwable.class).getDeclaringClass() != Endpoint.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** ESTABLISHED. */
    public void opened(Connection wsi) {
        try {
            s.attach(wsi);
        } catch (RuntimeException e) {
            log(wsi, LogLevel.ERR, "%s: cannot open: %s", s, e.getMessage());
            delivered = true;
            s.host().closed(s);
            s.release();
            wsi.close(CloseStatus.UNEXPECTED_CONDITION, "endpoint configuration failed");
            return;
        }
        lastActivity = System.nanoTime();
        if (!s.host().opened(s)) {
            delivered = true;
            s.host().closed(s);
            s.release();
            wsi.close(CloseStatus.GOING_AWAY, "endpoint going away");
            return;
        }
        if (s.getMaxIdleTimeout() > 0) {
            s.armTimer();
        }
        try {
            s.endpoint.onOpen(s, s.config);
        } catch (Throwable t) {
            error(wsi, t, true);
        }
        wsi.requestWriteable();
    }

    /** RECEIVE: a piece of a message. */
    public void received(Connection wsi, ByteBuffer in, boolean first, boolean last, boolean binary) {
        lastActivity = System.nanoTime();
        Handlers.Bound b = binary ? s.binary : s.text;
        if (b == null) {
            if (first && s.isOpen()) {
                closeFor(CloseReason.CloseCodes.CANNOT_ACCEPT, "no handler for " + (binary ? "binary" : "text") + " messages");
            }
            return;
        }
        try {
            b.receiver().piece(in, first, last);
        } catch (Receivers.TooBig e) {
            log(wsi, LogLevel.INFO, "%s: %s", s, e.getMessage());
            closeFor(CloseReason.CloseCodes.TOO_BIG, "message too big");
        } catch (Throwable t) {
            error(wsi, t, false);
        }
        if (!rxPaused && s.sender.queue.bytes() > HIGH) {
            rxPaused = true;
            wsi.rxFlowControl(false);
        }
    }

    /** RECEIVE_PONG. */
    public void pong(Connection wsi, ByteBuffer in) {
        lastActivity = System.nanoTime();
        Handlers.Bound b = s.pong;
        if (b != null) {
            ByteBuffer data = ByteBuffer.allocate(in.remaining()).put(in).flip();
            try {
                b.pong().accept((PongMessage) () -> data);
            } catch (Throwable t) {
                error(wsi, t, false);
            }
        }
    }

    /** SERVER_WRITEABLE: false when the connection took nothing more (it is closing). */
    public boolean writeable(Connection wsi) {
        lastActivity = System.nanoTime();
        boolean ok = s.sender.writeable(wsi);
        if (rxPaused && s.sender.queue.bytes() < LOW) {
            rxPaused = false;
            wsi.rxFlowControl(true);
        }
        return ok;
    }

    /** WS_PEER_INITIATED_CLOSE: the endpoint hears the peer's code and reason. */
    public void peerClosed(Connection wsi, ByteBuffer payload) {
        s.markClosing();
        int code = CloseStatus.NO_STATUS;
        String reason = "";
        if (payload.remaining() >= 2) {
            ByteBuffer p = payload.duplicate();
            code = p.getShort() & 0xffff;
            reason = StandardCharsets.UTF_8.decode(p).toString();
        }
        closeWith(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        failQueued("the peer closed the session");
        deliver(wsi);
    }

    /** TIMER: the idle timeout and the send timeouts. */
    public void timer(Connection wsi) {
        s.sender.failExpired();
        long idle = s.getMaxIdleTimeout();
        if (idle > 0 && s.isOpen() && System.nanoTime() - lastActivity >= idle * 1_000_000L) {
            log(wsi, LogLevel.INFO, "%s: idle for %d ms: closing", s, idle);
            closeFor(CloseReason.CloseCodes.GOING_AWAY, "idle timeout");
            return;
        }
        s.armTimer();
    }

    /** CLOSED: the connection is gone. */
    public void closed(Connection wsi) {
        s.markClosing();
        failQueued("the connection closed");
        closeWith(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "connection closed without a Close"));
        deliver(wsi);
    }

    /** The endpoint goes away: 1001 to the peer now, onClose now. */
    public void goAway(Connection wsi, String reason) {
        if (delivered) {
            Runnable r = whenDelivered;
            if (r != null) {
                r.run();
            }
            return;
        }
        s.markClosing();
        closeWith(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, reason));
        wsi.close(CloseStatus.GOING_AWAY, reason);
        failQueued("the endpoint went away");
        deliver(wsi);
    }

    /**
     * The endpoint goes away, from another thread: {@link #goAway} on the session's thread, then
     * {@code done} (also when the connection closes first).
     *
     * @return false when there is nothing to wait for (never opened, or already closed)
     */
    public boolean goAwayLater(String reason, Runnable done) {
        Connection c = s.connection();
        if (c == null || delivered) {
            return false;
        }
        whenDelivered = done;
        if (delivered) {
            return false;
        }
        return c.execute(() -> goAway(c, reason));
    }

    /** The Close this side queued is written now. */
    void closeWritten(Connection wsi, int code, String reason) {
        wsi.close(CloseStatus.isSendable(code) ? code : CloseStatus.NORMAL, clip(reason));
        failQueued("the session closed");
        deliver(wsi);
    }

    /** Records why the session closes, first reason wins. Any thread. */
    void closeWith(CloseReason r) {
        synchronized (this) {
            if (closeReason == null) {
                closeReason = r;
            }
        }
    }

    private void closeFor(CloseReason.CloseCode code, String reason) {
        try {
            s.close(new CloseReason(code, reason));
        } catch (java.io.IOException ignored) {
            // queuing a Close does not fail
        }
    }

    private void failQueued(String why) {
        java.io.IOException e = new java.io.IOException("session " + s.getId() + ": " + why);
        for (Outgoing o : s.sender.queue.close(why)) {
            o.complete(e);
        }
    }

    private void deliver(Connection wsi) {
        if (delivered) {
            return;
        }
        delivered = true;
        s.host().closed(s);
        Endpoint e = s.endpoint;
        if (e != null) {
            try {
                e.onClose(s, closeReason);
            } catch (Throwable t) {
                log(wsi, LogLevel.WARN, "%s: onClose threw %s", s, t);
            }
        }
        s.release();
        Runnable r = whenDelivered;
        if (r != null) {
            r.run();
        }
    }

    /** An exception from the endpoint: its onError hears it; if it has none (or that throws), 1011. */
    private void error(Connection wsi, Throwable t, boolean opening) {
        Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null ? t.getCause() : t;
        Endpoint e = s.endpoint;
        boolean handled = false;
        if (handlesErrors && e != null) {
            try {
                e.onError(s, cause);
                handled = true;
            } catch (Throwable t2) {
                log(wsi, LogLevel.WARN, "%s: onError threw %s", s, t2);
            }
        }
        if (!handled || opening) {
            log(wsi, LogLevel.WARN, "%s: the endpoint threw %s; closing with 1011", s, cause);
            closeFor(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "endpoint error");
        }
    }

    private static String clip(String reason) {
        if (reason == null) {
            return "";
        }
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 123) {
            return reason;
        }
        String r = reason;
        while (r.getBytes(StandardCharsets.UTF_8).length > 123) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    private static void log(Connection wsi, LogLevel level, String fmt, Object... args) {
        wsi.context().log().log(level, fmt, args);
    }
}
