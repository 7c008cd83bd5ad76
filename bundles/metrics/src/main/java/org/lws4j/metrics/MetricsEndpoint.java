package org.lws4j.metrics;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.lws4j.api.Connection;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;

/**
 * What a {@code metrics://} mount serves: GET (or HEAD) of the mountpoint itself answers the
 * exposition, rendered off the service thread and sent from HTTP_WRITEABLE; a client outside the
 * allow-list gets 403, another method 405, a path below the mount 404. One per mount.
 */
final class MetricsEndpoint implements Protocol {
    private final Lws4jMetrics metrics;
    private final AllowList allow;

    /** One scrape on its way: rendered on the scrape thread, sent on the connection's. */
    private static final class Scrape {
        Lws4jMetrics.Exposition ready;
    }

    MetricsEndpoint(Lws4jMetrics metrics, AllowList allow) {
        this.metrics = metrics;
        this.allow = allow;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new Scrape();
    }

    @Override
    public Result callback(Connection wsi, Reason reason, java.nio.ByteBuffer in) {
        switch (reason) {
            case HTTP -> http(wsi);
            case HTTP_WRITEABLE -> {
                Scrape s = wsi.session();
                if (s != null && s.ready != null) {
                    Lws4jMetrics.Exposition e = s.ready;
                    s.ready = null;
                    wsi.respond(HttpResponse.of(e.status()).contentType(e.contentType()).header("Cache-Control", "no-store"),
                            ByteBuffer.wrap(e.body()));
                }
            }
            default -> {
            }
        }
        return Result.CONTINUE;
    }

    private void http(Connection wsi) {
        InetSocketAddress peer = wsi.peerAddress();
        if (peer == null || !allow.allows(peer.getAddress())) {
            wsi.respondStatus(403, "Metrics are served to the addresses of the mount's allow-list only.");
            return;
        }
        String m = wsi.request().method();
        if (!m.equals("GET") && !m.equals("HEAD")) {
            wsi.respond(HttpResponse.of(405).header("Allow", "GET, HEAD").contentType("text/plain"),
                    ByteBuffer.wrap("use GET\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            return;
        }
        String rest = wsi.request().pathInMount();
        if (rest != null && !rest.isEmpty() && !rest.equals("/")) {
            wsi.respondStatus(404, "The metrics are at the mountpoint itself.");
            return;
        }
        Scrape s = wsi.session();
        String accept = wsi.request().header("accept");
        boolean queued = metrics.scrapeLater(accept, e -> wsi.execute(() -> {
            s.ready = e;
            wsi.requestWriteable();
        }));
        if (!queued) {
            wsi.respondStatus(503, "Too many scrapes at once.");
        }
    }
}
