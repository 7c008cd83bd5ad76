package org.lws4j.core.http;

import java.util.List;

import org.lws4j.api.HttpResponse;
import org.lws4j.api.LogLevel;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.vhost.VhostImpl;

/**
 * One request asking to switch roles, as an {@link UpgradeRole} sees it: the request, its vhost
 * and connection, and the HTTP answers the role may give instead of switching.
 */
public final class Upgrading {
    private final HttpServerHandler h;
    private final Exchange ex;
    private final VhostImpl vhost;
    private final ConnectionImpl conn;
    private final HttpHost host;

    Upgrading(HttpServerHandler h, Exchange ex, VhostImpl vhost, ConnectionImpl conn, HttpHost host) {
        this.h = h;
        this.ex = ex;
        this.vhost = vhost;
        this.conn = conn;
        this.host = host;
    }

    public RequestHead head() {
        return ex.head;
    }

    public VhostImpl vhost() {
        return vhost;
    }

    public ConnectionImpl conn() {
        return conn;
    }

    public HttpHost host() {
        return host;
    }

    public ContextConfig config() {
        return host.config();
    }

    /**
     * Refuses with {@code status} and an error page saying {@code message}: a 503 carries
     * Retry-After and keeps the connection; any other status closes it after the answer.
     * {@code headers} are name, value pairs added to the response.
     */
    public void refuse(int status, String message, String... headers) {
        countRefused();
        conn.log(LogLevel.INFO, "%s: WebSocket handshake refused: %d %s", conn, status, message);
        HttpResponse r = HttpResponse.of(status).contentType("text/html");
        if (status == 503) {
            r.header("Retry-After", String.valueOf(HttpServerHandler.RETRY_AFTER_SECS));
        } else {
            ex.keepAlive = false;
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        h.respondNow(r, ResponseFraming.errorPage(status, message));
    }

    /** Refuses with {@code status} (the reason logged, not sent) and closes: a protocol said no. */
    public void refuseAndClose(int status, String why) {
        countRefused();
        ex.keepAlive = false;
        h.refuse(status, why);
    }

    private void countRefused() {
        org.lws4j.spi.metrics.MetricsSink m = conn.thread().metrics();
        if (m != null) {
            m.connectionRefused(conn.metricsVhost(), org.lws4j.spi.metrics.Refusal.WS_HANDSHAKE);
        }
    }

    /** The HTTP exchange ends here: the role answers the switch and sets its handler next. */
    public void accept() {
        h.endExchangeForUpgrade();
        conn.setRoleDeadline(0);
    }

    /** True while this request already waited once for a parked protocol (it is not made to wait again). */
    public boolean waitedForProtocol() {
        return ex.waitingForProtocol;
    }

    /**
     * When one of {@code names} is parked over an update (handoff): pauses reading and runs
     * {@code again} on the connection's thread once it is back or given up, and answers true;
     * false when none of them is parked.
     */
    public boolean awaitProtocol(List<String> names, Runnable again) {
        for (String name : names) {
            ex.waitingForProtocol = true;
            if (host.whenProtocolBack(vhost, name, () -> conn.execute(() -> {
                if (h.exchange() == ex && conn.isOpen()) {
                    again.run();
                    ex.waitingForProtocol = false;
                    conn.resumeRx();
                }
            }))) {
                conn.holdRx();
                conn.log(LogLevel.INFO, "%s: WebSocket handshake for %s waits for its next version", conn, name);
                return true;
            }
            ex.waitingForProtocol = false;
        }
        return false;
    }
}
