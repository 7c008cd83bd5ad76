package org.lws4j.protocol.status;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.lws4j.api.ConnectionInfo;
import org.lws4j.api.Context;

/**
 * What one {@code lws-status} binding (one vhost) knows: who is watching, and the latest JSON
 * made for them ({@link Snapshot}, immutable, replaced whole).
 *
 * <p>{@link #tick} runs from the binding's timed callback every 100 ms: it takes the context's
 * connection snapshot, adds up the traffic since the last tick, and makes a new JSON only when a
 * cheap fingerprint of the connections changed (ids, roles, protocols, bytes in and out). The
 * bytes of {@code lws-status} connections themselves are left out of the fingerprint, or every
 * push would cause the next. Viewers join and leave from their own service threads; WRITEABLE
 * callbacks read {@link #latest()} from theirs; so the viewer map is concurrent, the snapshot
 * volatile, and the tick's own state guarded by this object.
 */
final class StatusBoard {
    /** A connection watching: lws's per-session data (peer, when, User-Agent). */
    record Viewer(long id, String peer, long sinceMillis, String userAgent) {
    }

    /** One JSON document, numbered so a viewer knows whether it has sent it. */
    /** The JSON as sent to a viewer over HTTP/1.1, and as sent to one over HTTP/2 ({@code wss_over_h2} "1"). */
    record Snapshot(long version, byte[] json, byte[] jsonOverH2) {
    }

    private final Context context;
    private final String version;
    private final String hostname;
    private final Map<Long, Viewer> viewers = new ConcurrentHashMap<>();
    private volatile Snapshot latest;

    private long version0;
    private long fingerprint;
    private boolean counting;
    private Map<Long, long[]> lastBytes = new HashMap<>();
    private long bytesIn;
    private long bytesOut;
    private long messagesIn;
    private long messagesOut;

    StatusBoard(Context context, String version, String hostname) {
        this.context = context;
        this.version = version;
        this.hostname = hostname;
    }

    void join(Viewer v) {
        viewers.put(v.id(), v);
    }

    void leave(long id) {
        viewers.remove(id);
    }

    int viewerCount() {
        return viewers.size();
    }

    /** The latest JSON, or null before the first tick with viewers. */
    Snapshot latest() {
        return latest;
    }

    /** Called every 100 ms; true when a new snapshot was made and the viewers should get it. */
    synchronized boolean tick(long nowMillis) {
        if (viewers.isEmpty()) {
            lastBytes.clear();
            counting = false;
            latest = null;
            return false;
        }
        List<ConnectionInfo> conns = context.connections();
        account(conns);
        long fp = fingerprint(conns);
        if (latest != null && fp == fingerprint) {
            return false;
        }
        fingerprint = fp;
        List<Viewer> watching = new ArrayList<>(viewers.values());
        watching.sort((a, b) -> Long.compare(a.id(), b.id()));
        StatusJson.Traffic traffic = new StatusJson.Traffic(bytesIn, bytesOut, messagesIn, messagesOut);
        String json = StatusJson.render(context, version, hostname, watching, conns, traffic, nowMillis);
        latest = new Snapshot(++version0, json.getBytes(StandardCharsets.US_ASCII),
                json.replaceFirst(StatusJson.NOT_OVER_H2, StatusJson.OVER_H2).getBytes(StandardCharsets.US_ASCII));
        return true;
    }

    /**
     * Adds what each connection read and wrote (bytes, WebSocket messages) since the last tick. A connection that closed
     * between two ticks takes its last bytes with it: the totals are a rate gauge, not a ledger.
     */
    private void account(List<ConnectionInfo> conns) {
        Map<Long, long[]> next = new HashMap<>(conns.size() * 2);
        for (ConnectionInfo c : conns) {
            long[] prev = lastBytes.get(c.id());
            if (prev != null) {
                bytesIn += Math.max(0, c.bytesIn() - prev[0]);
                bytesOut += Math.max(0, c.bytesOut() - prev[1]);
                messagesIn += Math.max(0, c.messagesIn() - prev[2]);
                messagesOut += Math.max(0, c.messagesOut() - prev[3]);
            } else if (counting) {
                bytesIn += c.bytesIn();
                bytesOut += c.bytesOut();
                messagesIn += c.messagesIn();
                messagesOut += c.messagesOut();
            }
            next.put(c.id(), new long[] {c.bytesIn(), c.bytesOut(), c.messagesIn(), c.messagesOut()});
        }
        lastBytes = next;
        counting = true;
    }

    /** Order-independent: a sum of mixed per-connection values. */
    private long fingerprint(List<ConnectionInfo> conns) {
        long h = mix(viewers.size() + 0x51ed27L);
        for (ConnectionInfo c : conns) {
            long x = c.id() * 0x9e3779b97f4a7c15L + (c.role() == null ? 0 : c.role().ordinal() + 1);
            x = x * 31 + (c.protocol() == null ? 0 : c.protocol().hashCode());
            if (!StatusProtocol.NAME.equals(c.protocol())) {
                x = x * 0x9e3779b97f4a7c15L + c.bytesIn();
                x = x * 0x9e3779b97f4a7c15L + c.bytesOut();
            }
            h += mix(x);
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
