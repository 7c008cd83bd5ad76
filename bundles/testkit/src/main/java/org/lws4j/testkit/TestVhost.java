package org.lws4j.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lws4j.api.Handoff;
import org.lws4j.api.HandoffState;
import org.lws4j.api.Mount;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Vhost;
import org.lws4j.spi.fileops.FileOps;

/**
 * A vhost of a {@link TestContext}: the protocols it offers (with their pvo) and binds, its
 * mounts, and the connections the test opens on it. Binding calls PROTOCOL_INIT, unbinding ends
 * the binding's connections as the core does when a protocol's bundle goes (WebSockets: CLOSED,
 * then the peer gets 1001; HTTP in flight: CLOSED_HTTP, then 503 or a cut response; raw:
 * RAW_CLOSE), then PROTOCOL_DESTROY. Set up and drive it from the test's thread.
 */
public final class TestVhost implements Vhost {
    private final TestContext ctx;
    private final String name;
    private final int port;
    private final Map<String, Map<String, String>> offered = new LinkedHashMap<>();
    private final Map<String, TestBinding> bound = new LinkedHashMap<>();
    private final Map<String, TestGroups> groups = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<KitMount> mounts = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private volatile FileOps fileOps;
    private final FileOps platform = new PlainFileOps();

    TestVhost(TestContext ctx, String name, int port) {
        this.ctx = ctx;
        this.name = name;
        this.port = port;
    }

    // ---- setting up ----------------------------------------------------------------------------

    /** Offers {@code protocol} with these per-vhost options (pvo), without binding it. */
    public TestVhost offer(String protocol, Map<String, String> pvo) {
        ctx.checkOwner();
        offered.put(protocol, Map.copyOf(pvo));
        return this;
    }

    /** Offers (no pvo) and binds {@code protocol} under {@code name}: see {@link #bind(String, Protocol, Map)}. */
    public TestBinding bind(String name, Protocol protocol) {
        return bind(name, protocol, offered.getOrDefault(name, Map.of()));
    }

    /**
     * Offers {@code name} with {@code pvo} and binds {@code protocol} to it: PROTOCOL_INIT, then
     * the binding is there for handshakes and requests. A binding already there for the name is
     * replaced as in a live update: the new one is installed first, then the old one ends.
     *
     * @throws IllegalStateException when PROTOCOL_INIT returns CLOSE (the core refuses the binding)
     */
    public TestBinding bind(String name, Protocol protocol, Map<String, String> pvo) {
        ctx.checkOwner();
        offered.put(name, Map.copyOf(pvo));
        TestBinding b = new TestBinding(this, name, protocol, offered.get(name));
        Result[] r = new Result[1];
        ctx.turn(() -> r[0] = b.callVhost(Reason.PROTOCOL_INIT, null));
        if (r[0] == Result.CLOSE) {
            b.end();
            throw new IllegalStateException("protocol " + name + " refused to bind on vhost " + this.name
                    + " (PROTOCOL_INIT returned CLOSE)");
        }
        TestBinding old = bound.put(name, b);
        ctx.log().notice("vhost %s: protocol %s bound", this.name, name);
        if (old != null) {
            retire(old);
        }
        return b;
    }

    /**
     * Unbinds the protocol bound under {@code name}, as when its bundle stops: the binding is no
     * longer found, each of its connections ends the way the core ends it, then PROTOCOL_DESTROY.
     */
    public TestVhost unbind(String name) {
        ctx.checkOwner();
        TestBinding b = bound.remove(name);
        if (b == null) {
            throw new IllegalStateException("no protocol " + name + " bound on vhost " + this.name);
        }
        retire(b);
        return this;
    }

    /**
     * Updates the protocol bound under {@code name} to {@code next} as the core does when the old
     * one opts in to handoff ({@link Handoff}), instantly (nothing arrives while the connections
     * are parked): each WebSocket's session is exported ({@code exportSession}; null or an
     * exception ends that connection as {@link #unbind} does), then the binding's
     * ({@code exportVhost}), then the old binding's PROTOCOL_DESTROY; then {@code next}'s
     * PROTOCOL_INIT, {@code importVhost}, and for each kept connection a new session and
     * {@code importSession}, the old version's rx flow control forgotten first (as the core does:
     * the new version stops reading again if it needs to), then what the peer sent meanwhile. A
     * {@code next} that does not opt in or refuses a state (false or an exception) has the refused
     * connections closed with 1001, with no callback.
     *
     * @return the new binding
     */
    public TestBinding handOff(String name, Protocol next) {
        ctx.checkOwner();
        TestBinding old = bound.get(name);
        if (old == null || !(old.protocol() instanceof Handoff h)) {
            throw new IllegalStateException("no protocol " + name + " that opts in to handoff bound on vhost " + this.name);
        }
        bound.remove(name);
        Map<TestConnection, HandoffState> kept = new LinkedHashMap<>();
        for (TestConnection c : old.connections()) {
            HandoffState[] st = new HandoffState[1];
            ctx.turn(() -> st[0] = refusing(() -> h.exportSession(c)));
            if (st[0] == null || !(c instanceof TestWebSocket)) {
                ctx.turn(c::unbound);
            } else {
                c.unbind();
                kept.put(c, st[0]);
            }
        }
        HandoffState[] vs = new HandoffState[1];
        ctx.turn(() -> vs[0] = refusing(() -> h.exportVhost(old)));
        old.end();
        ctx.turn(() -> old.callVhost(Reason.PROTOCOL_DESTROY, null));
        TestBinding b = bind(name, next, offered.getOrDefault(name, Map.of()));
        Handoff hn = next instanceof Handoff n ? n : null;
        Boolean[] ok = {hn != null};
        if (hn != null) {
            ctx.turn(() -> ok[0] = refusing(() -> hn.importVhost(b, vs[0])));
        }
        for (Map.Entry<TestConnection, HandoffState> e : kept.entrySet()) {
            TestConnection c = e.getKey();
            ctx.turn(() -> {
                if (Boolean.TRUE.equals(ok[0])) {
                    c.forgetRxFlowControl();
                    c.bind(b);
                    if (Boolean.TRUE.equals(refusing(() -> hn.importSession(c, e.getValue())))) {
                        if (!c.isRxPaused()) {
                            c.rxFlowControl(true); // what came meanwhile goes to the new version
                        }
                        return;
                    }
                    c.unbind();
                }
                c.unbound(); // unbound already: no CLOSED, the peer gets 1001
            });
        }
        ctx.log().notice("vhost %s: protocol %s handed over %d connection(s)", this.name, name, kept.size());
        return b;
    }

    /** What {@code f} answers; null (a refusal) when it throws, logged. */
    private <T> T refusing(java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (RuntimeException | LinkageError e) {
            ctx.log().err("vhost %s: handoff step failed: %s", name, e);
            return null;
        }
    }

    private void retire(TestBinding b) {
        for (TestConnection c : b.connections()) {
            ctx.turn(c::unbound);
        }
        b.end();
        ctx.turn(() -> b.callVhost(Reason.PROTOCOL_DESTROY, null));
        ctx.log().notice("vhost %s: protocol %s unbound", name, b.name());
    }

    /**
     * The broadcast groups of protocol {@code name} on this vhost (what its bindings'
     * {@code groups()} give, the same over an update).
     */
    public TestGroups groups(String name) {
        return groups.computeIfAbsent(name, n -> new TestGroups(this.name, n));
    }

    /** Adds a mount: {@code callback://PROTOCOL} origins reach that protocol's HTTP callbacks. */
    public TestVhost mount(String mountpoint, String origin) {
        return mount(mountpoint, origin, Map.of());
    }

    /** Adds a mount with options ("default", "protocol", "cache-max-age", ...). */
    public TestVhost mount(String mountpoint, String origin, Map<String, String> options) {
        ctx.checkOwner();
        mounts.add(new KitMount(mountpoint, origin, options));
        return this;
    }

    /** Sets a vhost option, as a key of the vhost's JSON entry would ("fallback-to-raw", ...). */
    public TestVhost option(String key, String value) {
        options.put(key, value);
        return this;
    }

    // ---- opening connections --------------------------------------------------------------------

    /** Opens a WebSocket with a GET of {@code target} naming no protocol: the vhost's default takes it. */
    public TestWebSocket openWebSocket(String target) {
        return openWebSocket(TestRequest.get(target));
    }

    /**
     * Opens a WebSocket with {@code request} as its handshake. The protocol is picked as the core
     * picks it: the first name of Sec-WebSocket-Protocol ({@link TestRequest#protocols}) the vhost
     * offers and has bound; with none, its default (pvo {@code "default": "1"}, else the first
     * offered). A name offered but not bound gets 503, names not offered 400, and a
     * FILTER_PROTOCOL_CONNECTION that returns CLOSE 403: see {@link TestWebSocket#handshakeStatus()}.
     */
    public TestWebSocket openWebSocket(TestRequest request) {
        ctx.checkOwner();
        TestWebSocket ws = new TestWebSocket(this, request);
        ctx.turn(ws::handshake);
        return ws;
    }

    /**
     * Sends {@code request} as an HTTP request. The mount with the longest mountpoint that
     * matches the path picks what serves it: a {@code callback://} mount calls its protocol
     * (503 while it is not bound); no mount is a 404. A body given with
     * {@link TestRequest#body(byte[])} follows the HTTP callback at once; otherwise send it with
     * {@link TestExchange#sendBody}.
     */
    public TestExchange http(TestRequest request) {
        ctx.checkOwner();
        TestExchange x = new TestExchange(this, request);
        ctx.turn(x::begin);
        x.sendDeclaredBody();
        return x;
    }

    /**
     * A connection that does not speak HTTP, on a vhost with fallback to raw: it becomes raw on
     * the first bound protocol whose pvo has {@code "raw": "1"} (RAW_ADOPT), as the core does.
     *
     * @throws IllegalStateException when no bound protocol has that pvo
     */
    public TestRaw openRaw() {
        ctx.checkOwner();
        for (String p : offered.keySet()) {
            String raw = offered.get(p).get("raw");
            TestBinding b = bound.get(p);
            if (b != null && raw != null && isTrue(raw)) {
                return b.adoptRawSocket();
            }
        }
        throw new IllegalStateException("no protocol with pvo \"raw\": \"1\" is bound on vhost " + name);
    }

    // ---- Vhost ---------------------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String iface() {
        return "127.0.0.1";
    }

    @Override
    public TestContext context() {
        return ctx;
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public List<Mount> mounts() {
        return List.copyOf(mounts);
    }

    @Override
    public List<String> protocolNames() {
        return List.copyOf(offered.keySet());
    }

    @Override
    public TestBinding protocol(String protocolName) {
        return bound.get(protocolName);
    }

    @Override
    public void requestWriteableAll(String protocol) {
        TestBinding b = bound.get(protocol);
        if (b != null) {
            b.requestWriteableAll();
        }
    }

    /** A {@link PlainFileOps} on the platform's files, unless {@link #setFileOps} put others there. */
    @Override
    public FileOps fileOps() {
        FileOps f = fileOps;
        return f != null ? f : platform;
    }

    @Override
    public void setFileOps(FileOps ops) {
        fileOps = ops;
    }

    @Override
    public String toString() {
        return "vhost " + name + ":" + port;
    }

    // ---- for the kit ---------------------------------------------------------------------------

    List<TestBinding> bindings() {
        return List.copyOf(bound.values());
    }

    Map<String, String> pvo(String protocol) {
        return offered.getOrDefault(protocol, Map.of());
    }

    String option(String key) {
        return options.get(key);
    }

    /** The mount for {@code path}: the longest mountpoint that matches on whole segments. */
    KitMount mountFor(String path) {
        KitMount best = null;
        for (KitMount m : mounts) {
            if (m.matches(path) && (best == null || m.length() > best.length())) {
                best = m;
            }
        }
        return best;
    }

    /** The vhost's default WebSocket protocol: pvo "default" set, else the first offered; or null. */
    String defaultProtocol() {
        for (Map.Entry<String, Map<String, String>> e : offered.entrySet()) {
            String d = e.getValue().get("default");
            if (d != null && isTrue(d)) {
                return e.getKey();
            }
        }
        return offered.isEmpty() ? null : offered.keySet().iterator().next();
    }

    static boolean isTrue(String v) {
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        return t.equals("1") || t.equals("true") || t.equals("yes") || t.equals("on");
    }
}
