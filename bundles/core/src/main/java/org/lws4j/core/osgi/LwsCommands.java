package org.lws4j.core.osgi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.lws4j.api.ConnectionInfo;
import org.lws4j.api.Context;
import org.lws4j.api.Protocol;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.loop.HeaderPool;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.vhost.VhostImpl;
import org.lws4j.core.vhost.VhostProtocolImpl;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code lws:} shell commands, as plain Gogo command functions (service properties
 * {@code osgi.command.scope} and {@code osgi.command.function}): the Felix Gogo shell of the
 * standalone runtime and the Karaf shell both call the public methods by name, converting
 * arguments. Nothing of Gogo is imported, so core runs without a shell.
 *
 * <ul>
 *   <li>{@code lws:vhosts}: the context's limits, then each vhost: port, TLS, listener, source,
 *       keep-alive, mounts (and whether what serves them is there), protocols bound and missing;
 *   <li>{@code lws:protocols}: each protocol service (name, bundle, version, ranking,
 *       connections, vhosts it is bound on) and each protocol offered that no service provides;
 *   <li>{@code lws:connections [VHOST|PROTOCOL]}: open connections by vhost and protocol, with
 *       peer, role, age and bytes each way;
 *   <li>{@code lws:close ID [CODE [REASON]]}: closes one (a WebSocket with CODE, default 1000);
 *   <li>{@code lws:groups}: the group broker (none, or its address and state) and each broadcast
 *       group with members: vhost, protocol, name, connections, listeners, messages published,
 *       writers held, messages from other nodes waiting.
 * </ul>
 *
 * They live in core because they show what only core knows (limits, bindings, header pools);
 * output is printed to the session's standard output, which both shells redirect per session.
 */
@Component(service = LwsCommands.class, property = {
    "osgi.command.scope=lws",
    "osgi.command.function=vhosts",
    "osgi.command.function=protocols",
    "osgi.command.function=connections",
    "osgi.command.function=close",
    "osgi.command.function=groups"})
public final class LwsCommands {
    private final Context context;
    private final BundleContext bc;

    @Activate
    public LwsCommands(@Reference Context context, BundleContext bc) {
        this.context = context;
        this.bc = bc;
    }

    public void vhosts() {
        System.out.print(vhostsText());
    }

    public void protocols() {
        System.out.print(protocolsText());
    }

    public void connections() {
        System.out.print(connectionsText(null));
    }

    public void connections(String vhostOrProtocol) {
        System.out.print(connectionsText(vhostOrProtocol));
    }

    public void close(long id) {
        close(id, 1000, "closed by the administrator");
    }

    public void close(long id, int code) {
        close(id, code, "closed by the administrator");
    }

    public void close(long id, int code, String reason) {
        System.out.println(context.closeConnection(id, code, reason)
                ? "connection " + id + ": closing (" + code + " " + reason + ")"
                : "connection " + id + ": no such connection open");
    }

    public void groups() {
        System.out.print(groupsText());
    }

    // ---- text --------------------------------------------------------------------------------

    String groupsText() {
        if (!(context instanceof ContextImpl ctx)) {
            return "the Context service is not lws4j core's\n";
        }
        org.lws4j.core.group.GroupTable gt = ctx.groups();
        StringBuilder out = new StringBuilder();
        String line = gt.brokerLine();
        out.append("group broker: ").append(line.equals("none") ? "none (groups deliver on this node only)" : line)
                .append('\n');
        List<org.lws4j.core.group.GroupTable.Row> rows = gt.rows();
        TextTable t = new TextTable("");
        t.row("VHOST", "PROTOCOL", "GROUP", "CONNECTIONS", "LISTENERS", "PUBLISHED", "HELD", "BACKLOG");
        for (org.lws4j.core.group.GroupTable.Row r : rows) {
            t.row(r.vhost(), r.scope(), r.info().name().isEmpty() ? "\"\"" : r.info().name(), r.info().connections(),
                    r.info().listeners(), r.info().published(), r.info().held(), r.info().backlog());
        }
        t.appendTo(out);
        out.append(rows.size()).append(rows.size() == 1 ? " group" : " groups").append('\n');
        return out.toString();
    }

    String vhostsText() {
        StringBuilder out = new StringBuilder();
        if (!(context instanceof ContextImpl ctx)) {
            out.append("the Context service is not lws4j core's\n");
            return out.toString();
        }
        ContextConfig c = ctx.config();
        List<ServiceThread> threads = ctx.threads();
        int poolUsed = 0;
        int poolSize = 0;
        int bufferSize = c.maxHttpHeaderData();
        for (ServiceThread pt : threads) {
            HeaderPool hp = pt.headerPool();
            poolUsed += hp.inUse();
            poolSize += hp.capacity();
            bufferSize = hp.bufferSize();
        }
        out.append(String.format(Locale.ROOT, "context: %d service thread(s), %d of %d connections open,"
                        + " header pool %d of %d in use (%s each)%n", threads.size(), ctx.openConnections(),
                ctx.maxConnections(), poolUsed, poolSize, TextTable.size(bufferSize)));
        out.append(String.format(Locale.ROOT, "  limits: request head %s, request body %s, ws frame %s,"
                        + " ws message %s%n", TextTable.size(c.maxHttpHeaderData()), TextTable.size(c.maxHttpBody()),
                TextTable.size(c.wsMaxFrameSize()), TextTable.size(c.wsMaxMessageSize())));
        out.append(String.format(Locale.ROOT, "  timeouts: request head %d s, ws ping %s, tcp keepalive %s%n",
                c.timeoutSecs(), c.wsPingPongSecs() == 0 ? "off" : c.wsPingPongSecs() + " s",
                c.kaTime() == 0 ? "off" : c.kaTime() + " s"));
        out.append(String.format(Locale.ROOT, "  listening: %s%n", String.join(", ", ctx.listening())));
        for (VhostImpl v : ctx.vhostImpls()) {
            appendVhost(ctx, v, out);
        }
        if (ctx.vhostImpls().isEmpty()) {
            out.append("no vhosts\n");
        }
        return out.toString();
    }

    private void appendVhost(ContextImpl ctx, VhostImpl v, StringBuilder out) {
        int bound = ctx.boundPort(v);
        String tls = v.isSecure() ? (ctx.tlsProvider() == null ? "yes (no TLS provider installed)" : "yes") : "no";
        out.append(String.format(Locale.ROOT, "vhost %s port %d%s: tls %s, keepalive %d s%s%n", v.name(), v.port(),
                v.port() == 0 ? " (no listener)" : bound < 0 ? " (not listening)" : "", tls,
                v.config().keepaliveTimeout(),
                v.config().flagOption("fallback-to-raw", false) ? ", fallback to raw after "
                        + v.config().options().getOrDefault("raw-fallback-timeout-ms", "2000") + " ms" : ""));
        out.append("  from ").append(v.config().source()).append('\n');
        TextTable mounts = new TextTable("    ");
        for (MountConfig m : v.config().mounts()) {
            mounts.row(m.mountpoint(), m.origin(), mountState(ctx, v, m));
        }
        if (!mounts.isEmpty()) {
            out.append("  mounts:\n");
            mounts.appendTo(out);
        }
        TextTable protocols = new TextTable("    ");
        for (String name : v.protocolNames()) {
            VhostProtocolImpl b = v.binding(name);
            if (b == null) {
                protocols.row(name, "missing");
            } else {
                Bundle owner = FrameworkUtil.getBundle(b.protocol().getClass());
                protocols.row(name, "bound", owner == null ? "-" : owner.getSymbolicName() + " " + owner.getVersion(),
                        "rx " + rx(b.rxBufferSize()));
            }
        }
        if (!protocols.isEmpty()) {
            out.append("  protocols:\n");
            protocols.appendTo(out);
        }
    }

    /** A protocol's receive piece: 0 takes the core's default, 4096 (see Protocol.rxBufferSize). */
    private static String rx(int size) {
        return size > 0 ? TextTable.size(size) : "4 KiB (default)";
    }

    private static String mountState(ContextImpl ctx, VhostImpl v, MountConfig m) {
        String extra = m.defaultDocument() == null ? "" : " (default " + m.defaultDocument() + ")";
        switch (m.kind()) {
            case CALLBACK:
                return (v.binding(m.protocol()) == null ? "protocol missing: 503" : "protocol bound") + extra;
            case PLUGIN:
                return (ctx.mountOrigin(m.scheme()) == null ? "no " + m.scheme() + ":// provider: 503"
                        : m.scheme() + ":// provider installed") + extra;
            case REDIR_HTTP:
            case REDIR_HTTPS:
                return "redirect";
            default:
                return "files" + extra;
        }
    }

    String protocolsText() {
        Map<String, Integer> connections = new TreeMap<>();
        for (ConnectionInfo ci : context.connections()) { // WebSockets and callback requests over HTTP/2 included
            if (ci.protocol() != null) {
                connections.merge(ci.protocol(), 1, Integer::sum);
            }
        }
        Map<String, List<String>> offeredBy = new LinkedHashMap<>();
        List<VhostImpl> vhosts = context instanceof ContextImpl ctx ? ctx.vhostImpls() : List.of();
        for (VhostImpl v : vhosts) {
            for (String name : v.protocolNames()) {
                offeredBy.computeIfAbsent(name, x -> new ArrayList<>()).add(v.name() + ":" + v.port());
            }
        }
        TextTable t = new TextTable("");
        t.row("NAME", "BUNDLE", "VERSION", "RANK", "CONNS", "BOUND ON");
        Set<String> provided = new LinkedHashSet<>();
        for (ServiceReference<Protocol> ref : protocolRefs()) {
            Object n = ref.getProperty(Protocol.NAME);
            String name = n == null ? "(no " + Protocol.NAME + ")" : n.toString();
            provided.add(name);
            Bundle b = ref.getBundle();
            Object rank = ref.getProperty(Constants.SERVICE_RANKING);
            List<String> on = new ArrayList<>();
            Protocol p = bc.getService(ref);
            try {
                for (VhostImpl v : vhosts) {
                    VhostProtocolImpl binding = v.binding(name);
                    if (binding != null && binding.protocol() == p) {
                        on.add(v.name() + ":" + v.port());
                    }
                }
            } finally {
                if (p != null) {
                    bc.ungetService(ref);
                }
            }
            t.row(name, b == null ? "-" : b.getSymbolicName() + " [" + b.getBundleId() + "]",
                    b == null ? "-" : b.getVersion(), rank instanceof Integer ? rank : 0,
                    connections.getOrDefault(name, 0),
                    on.isEmpty() ? (offeredBy.containsKey(name) ? "standby (a higher-ranked service is bound)"
                            : "offered by no vhost") : String.join(", ", on));
        }
        Map<String, Integer> parked = context instanceof ContextImpl ctx ? ctx.parkedConnections() : Map.of();
        offeredBy.forEach((name, on) -> {
            if (!provided.contains(name)) {
                Integer p = parked.get(name);
                t.row(name, p != null ? "parked" : "missing", "-", "-", p != null ? p : connections.getOrDefault(name, 0),
                        (p != null ? "waiting for its next version; " : "") + "offered by " + String.join(", ", on));
            }
        });
        StringBuilder out = new StringBuilder();
        t.appendTo(out);
        return out.toString();
    }

    private List<ServiceReference<Protocol>> protocolRefs() {
        try {
            List<ServiceReference<Protocol>> refs = new ArrayList<>(bc.getServiceReferences(Protocol.class, null));
            refs.sort(Comparator.comparing((ServiceReference<Protocol> r) -> String.valueOf(r.getProperty(Protocol.NAME)))
                    .thenComparing(Comparator.reverseOrder()));
            return refs;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // a null filter is always valid
        }
    }

    /** A stream's id is its socket's id shifted past the 31 bits of the HTTP/2 stream id. */
    private static final long STREAM_ID_MASK = 0x7fffffffL;

    public String connectionsText(String filter) {
        List<ConnectionInfo> all = new ArrayList<>(context.connections()); // HTTP/2 streams included
        all.removeIf(ci -> filter != null && !filter.equals(ci.vhost()) && !filter.equals(ci.protocol()));
        all.sort(Comparator.comparing((ConnectionInfo ci) -> String.valueOf(ci.vhost()))
                .thenComparing(ci -> String.valueOf(ci.protocol()))
                .thenComparingLong(ConnectionInfo::id));
        long now = System.currentTimeMillis();
        TextTable t = new TextTable("");
        t.row("ID", "VHOST", "PROTOCOL", "ROLE", "PEER", "AGE", "IN", "OUT");
        for (ConnectionInfo ci : all) {
            String role = ci.role().name().toLowerCase(Locale.ROOT) + (ci.secure() ? "+tls" : "")
                    + (ci.client() ? " client" : "") + (ci.id() > STREAM_ID_MASK
                    ? " h2 stream " + (ci.id() & STREAM_ID_MASK) + " of " + (ci.id() >>> 31) : "");
            t.row(ci.id(), ci.vhost(), ci.protocol(), role, ci.peer(), TextTable.age(now - ci.createdMillis()),
                    ci.bytesIn(), ci.bytesOut());
        }
        StringBuilder out = new StringBuilder();
        t.appendTo(out);
        long streams = all.stream().filter(ci -> ci.id() > STREAM_ID_MASK).count();
        out.append(all.size() - streams).append(all.size() - streams == 1 ? " connection" : " connections")
                .append(streams == 0 ? "" : " and " + streams + (streams == 1 ? " HTTP/2 stream" : " HTTP/2 streams"))
                .append(filter == null ? "" : " of " + filter).append('\n');
        return out.toString();
    }
}
