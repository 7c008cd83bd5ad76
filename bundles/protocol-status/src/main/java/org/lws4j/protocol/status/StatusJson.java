package org.lws4j.protocol.status;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import org.lws4j.api.ConnectionInfo;
import org.lws4j.api.Context;
import org.lws4j.api.Vhost;

/**
 * The JSON {@code lws-status} pushes. It starts with the members libwebsockets' plugin sends, so
 * lws's own test page reads it: {@code version}, {@code wss_over_h2} ("1" for a viewer over HTTP/2), {@code hostname},
 * {@code wsi} (how many watch, as a string) and {@code conns} (the watchers: {@code peer},
 * {@code time} in epoch seconds as a string, {@code ua}). Then what lws4j adds: {@code server}
 * (name, version, start, uptime, threads, the limits in force, vhosts with ports, connection counts, traffic totals)
 * and {@code connections} (every connection of the context: id, vhost, protocol, role, peer,
 * start, age, bytes and WebSocket messages in and out), at most {@value #MAX_LISTED} of them, oldest first, with the
 * number left out in {@code omitted}.
 *
 * <p>Written with Jackson's streaming generator, every non-ASCII character escaped, so a peer's
 * User-Agent can never break the JSON or the UTF-8 of the text message it goes out in.
 */
final class StatusJson {
    static final int MAX_LISTED = 200;
    /** {@code wss_over_h2} as written, and as a viewer whose WebSocket runs over HTTP/2 gets it (lws's test page shows it). */
    static final String NOT_OVER_H2 = "\"wss_over_h2\":\"0\"";
    static final String OVER_H2 = "\"wss_over_h2\":\"1\"";
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private StatusJson() {
    }

    /** What all connections moved since the first viewer came (bytes, WebSocket data messages). */
    record Traffic(long bytesIn, long bytesOut, long messagesIn, long messagesOut) {
    }

    static String render(Context ctx, String version, String hostname, List<StatusBoard.Viewer> viewers,
                         List<ConnectionInfo> conns, Traffic traffic, long now) {
        StringWriter out = new StringWriter(512 + 220 * Math.min(conns.size(), MAX_LISTED) + 160 * viewers.size());
        try (JsonGenerator w = JSON.createGenerator(out)) {
            w.writeStartObject();
            w.writeStringField("version", "lws4j " + version);
            w.writeStringField("wss_over_h2", "0");
            w.writeStringField("hostname", hostname);
            w.writeStringField("wsi", Integer.toString(viewers.size()));
            w.writeArrayFieldStart("conns");
            for (StatusBoard.Viewer v : viewers) {
                w.writeStartObject();
                w.writeStringField("peer", v.peer());
                w.writeStringField("time", Long.toString(v.sinceMillis() / 1000));
                w.writeStringField("ua", v.userAgent());
                w.writeEndObject();
            }
            w.writeEndArray();
            server(w, ctx, version, hostname, conns, traffic, now);
            List<ConnectionInfo> sorted = new ArrayList<>(conns);
            sorted.sort(Comparator.comparingLong(ConnectionInfo::id));
            int listed = Math.min(sorted.size(), MAX_LISTED);
            w.writeArrayFieldStart("connections");
            for (ConnectionInfo c : sorted.subList(0, listed)) {
                w.writeStartObject();
                w.writeNumberField("id", c.id());
                w.writeStringField("vhost", c.vhost());
                w.writeStringField("protocol", c.protocol());
                w.writeStringField("role", role(c));
                w.writeBooleanField("client", c.client());
                w.writeBooleanField("tls", c.secure());
                w.writeStringField("peer", c.peer());
                w.writeNumberField("since", c.createdMillis());
                w.writeNumberField("age_ms", Math.max(0, now - c.createdMillis()));
                w.writeNumberField("bytes_in", c.bytesIn());
                w.writeNumberField("bytes_out", c.bytesOut());
                w.writeNumberField("messages_in", c.messagesIn());
                w.writeNumberField("messages_out", c.messagesOut());
                w.writeEndObject();
            }
            w.writeEndArray();
            w.writeNumberField("omitted", sorted.size() - listed);
            w.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return out.toString();
    }

    private static void server(JsonGenerator w, Context ctx, String version, String hostname, List<ConnectionInfo> conns,
                               Traffic traffic, long now) throws IOException {
        long started = ctx.startMillis();
        w.writeObjectFieldStart("server");
        w.writeStringField("name", ctx.serverString());
        w.writeStringField("version", version);
        w.writeStringField("hostname", hostname);
        w.writeNumberField("started", started);
        w.writeNumberField("now", now);
        w.writeNumberField("uptime_ms", Math.max(0, now - started));
        w.writeNumberField("threads", ctx.serviceThreads());
        w.writeObjectFieldStart("limits");
        for (Map.Entry<String, Long> e : ctx.limits().entrySet()) {
            w.writeNumberField(e.getKey(), e.getValue());
        }
        w.writeEndObject();
        w.writeArrayFieldStart("vhosts");
        for (Vhost v : ctx.vhosts()) {
            w.writeStartObject();
            w.writeStringField("name", v.name());
            w.writeNumberField("port", v.port());
            w.writeStringField("interface", v.iface());
            w.writeBooleanField("tls", v.isSecure());
            w.writeArrayFieldStart("protocols");
            for (String p : v.protocolNames()) {
                w.writeString(p);
            }
            w.writeEndArray();
            w.writeNumberField("mounts", v.mounts().size());
            w.writeEndObject();
        }
        w.writeEndArray();
        Map<String, Integer> byRole = new TreeMap<>();
        Map<String, Integer> byProtocol = new TreeMap<>();
        for (ConnectionInfo c : conns) {
            byRole.merge(role(c), 1, Integer::sum);
            if (c.protocol() != null) {
                byProtocol.merge(c.protocol(), 1, Integer::sum);
            }
        }
        w.writeObjectFieldStart("connections");
        w.writeNumberField("total", conns.size());
        counts(w, "by_role", byRole);
        counts(w, "by_protocol", byProtocol);
        // parked over an update of their protocol (handoff): a short pause, not in the list above
        Map<String, Integer> parked = ctx.parkedConnections();
        w.writeBooleanField("handoff_in_progress", !parked.isEmpty());
        counts(w, "parked", new TreeMap<>(parked));
        w.writeEndObject();
        // the group broker carrying broadcast groups to other nodes: "none" (this node only), or its state
        w.writeObjectFieldStart("group_broker");
        w.writeStringField("state", ctx.groupBrokerState());
        w.writeStringField("detail", ctx.groupBroker());
        w.writeEndObject();
        w.writeObjectFieldStart("traffic");
        w.writeNumberField("bytes_in", traffic.bytesIn());
        w.writeNumberField("bytes_out", traffic.bytesOut());
        w.writeNumberField("messages_in", traffic.messagesIn());
        w.writeNumberField("messages_out", traffic.messagesOut());
        w.writeEndObject();
        w.writeEndObject();
    }

    private static void counts(JsonGenerator w, String name, Map<String, Integer> counts) throws IOException {
        w.writeObjectFieldStart(name);
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            w.writeNumberField(e.getKey(), e.getValue());
        }
        w.writeEndObject();
    }

    private static String role(ConnectionInfo c) {
        return c.role() == null ? "unknown" : c.role().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
