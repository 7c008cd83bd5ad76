package org.lws4j.core.ws;

import org.lws4j.api.LogLevel;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.http.RequestHead;
import org.lws4j.core.http.UpgradeRole;
import org.lws4j.core.http.Upgrading;

/**
 * The server's WebSocket handshake as an upgrade of the HTTP role: refuse it with a status, wait
 * for a protocol parked over an update, or answer 101 and hand the connection to {@link WsHandler}.
 */
public final class WsServerUpgrade implements UpgradeRole {
    public static final WsServerUpgrade INSTANCE = new WsServerUpgrade();

    private WsServerUpgrade() {
    }

    @Override
    public boolean wants(RequestHead head) {
        return WsUpgrade.isUpgrade(head);
    }

    @Override
    public void upgrade(Upgrading u) {
        ConnectionImpl conn = u.conn();
        WsUpgrade.Decision d = WsUpgrade.decide(u.head(), u.vhost(), u.host(), conn);
        if (d.status() == 503 && !u.waitedForProtocol()
                && u.awaitProtocol(WsUpgrade.unboundOffered(u.head(), u.vhost()), () -> upgrade(u))) {
            return;
        }
        if (!d.accepted()) {
            if (d.status() == 426) {
                u.refuse(426, d.message(), "Sec-WebSocket-Version", "13");
            } else {
                u.refuse(d.status(), d.message());
            }
            return;
        }
        if (d.routed()) {
            conn.bindProtocol(d.binding(), d.session());
        } else {
            conn.bindProtocol(d.binding());
        }
        if (conn.call(Reason.FILTER_PROTOCOL_CONNECTION, null) == Result.CLOSE) {
            conn.unbindProtocol();
            d.extensions().forEach(a -> a.session().close());
            u.refuseAndClose(403, "protocol " + d.binding().name() + " refused the connection");
            return;
        }
        u.accept();
        conn.send(WsUpgrade.response(d, d.extensionsHeader()));
        conn.log(LogLevel.INFO, "%s: WebSocket on %s%s", conn, d.binding().name(),
                d.extensions().isEmpty() ? "" : " with " + d.extensionsHeader());
        conn.setHandler(new WsHandler(conn, u.head(), u.config(), false, d.extensions()));
    }
}
