package org.lws4j.jakarta.websocket.server;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import org.lws4j.api.CloseStatus;
import org.lws4j.api.Connection;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.Log;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.VhostProtocol;
import org.lws4j.api.WsRoute;
import org.lws4j.api.WsRouter;
import org.lws4j.jakarta.websocket.session.SessionEvents;
import org.lws4j.jakarta.websocket.session.SessionImpl;

/**
 * The lws4j protocol {@code jakarta-websocket}: a {@link WsRouter}, so the core binds it on every
 * vhost and asks it first at each upgrade. It takes the paths its {@link EndpointTable} matches
 * (on the vhosts each endpoint names) and leaves the others to the usual choice by name. Each
 * connection it takes carries a {@link SessionImpl}; its callbacks become the session's events,
 * all on the connection's service thread. Endpoints come and go in the table without touching
 * this binding: only their own sessions are closed.
 */
public final class JakartaProtocol implements Protocol, WsRouter {
    /** The lws4j protocol name. */
    public static final String NAME = "jakarta-websocket";
    private static final int RX = 64 * 1024;

    private final EndpointTable table = new EndpointTable();
    private final ContainerImpl container;
    private volatile Log log;

    /** @param report where deployment news go until a vhost binds the protocol (then the context's log too) */
    public JakartaProtocol(Consumer<String> report) {
        this.container = new ContainerImpl(table, line -> {
            Log l = log;
            if (l != null) {
                l.notice("%s", line);
            } else {
                System.err.println("lws4j: " + line);
            }
            report.accept(line);
        });
    }

    public ContainerImpl container() {
        return container;
    }

    @Override
    public WsRoute route(Connection wsi, HttpRequest request) {
        EndpointTable.Match m = table.match(request.path(), wsi.vhost().name());
        return m == null ? null : Handshake.accept(wsi, request, m);
    }

    @Override
    public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
        SessionImpl s = wsi.session();
        if (s == null) {
            // chosen by name (a vhost offering jakarta-websocket), not by a path of ours
            if (reason == Reason.ESTABLISHED) {
                wsi.close(CloseStatus.POLICY_VIOLATION, "no Jakarta endpoint at this path");
                return Result.CLOSE;
            }
            return Result.CONTINUE;
        }
        SessionEvents e = s.events();
        switch (reason) {
            case ESTABLISHED -> e.opened(wsi);
            case RECEIVE -> e.received(wsi, in, wsi.isFirstFragment(), wsi.isFinalFragment(), wsi.isBinary());
            case RECEIVE_PONG -> e.pong(wsi, in);
            case SERVER_WRITEABLE -> {
                return e.writeable(wsi) ? Result.CONTINUE : Result.CLOSE;
            }
            case WS_PEER_INITIATED_CLOSE -> e.peerClosed(wsi, in);
            case TIMER -> e.timer(wsi);
            case CLOSED -> e.closed(wsi);
            default -> {
                // nothing else concerns a session
            }
        }
        return Result.CONTINUE;
    }

    @Override
    public Result vhostCallback(VhostProtocol binding, Reason reason, Object arg) {
        if (reason == Reason.PROTOCOL_INIT) {
            log = binding.vhost().context().log();
        }
        return Result.CONTINUE;
    }

    @Override
    public int rxBufferSize() {
        return RX;
    }

    /** Every endpoint goes: each open session closed with 1001. */
    public void shutdown(String why) {
        for (Registration r : table.all()) {
            container.withdraw(r, why);
        }
    }
}
