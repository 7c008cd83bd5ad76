// The driver of soak.sh: live updates of plug-in bundles through deploy/ and live edits of a
// vhost's .cfg, under load, against a running copy of the runtime; prints a report. JDK only;
// its clients are in SoakClients.java.
//
//   java Soak --pid PID --home DIR --port P --tls-port T --live-port L
//             [--updates N] [--plugin-updates M] [--edits K] [--clients C] [--minutes LIMIT]
//
// Load, running from start to end (every client reconnects when it loses its connection):
//   C WebSocket clients, half dumb-increment-protocol (every counter must go up by exactly one,
//   20 a second), half lws-echo (a message every 250 ms, each answered in order, none lost);
//   HTTP on port P: two keep-alive loops (a static file and a callback mount of lws4j-dynamic),
//   one loop with a new connection per request;
//   and the clients of each plug-in: 10 lws-mirror-protocol clients in one ?mirror= group; TLS
//   (5 wss lws-echo clients, an https keep-alive loop, an https new-connection loop on T); zip
//   (GETs of /ziptest/, keep-alive and new connections); CGI (GETs of /cgi/..., keep-alive and
//   new connections); permessage-deflate (5 lws-echo clients that must negotiate it).
// A client's anomaly (a close, a refused connection, a status other than 200, a wrong body, a
// gap or restart of a counter, a lost or reordered echo, a silence) is counted in the phase it
// happens in: as "own" when that phase updates the client's own plug-in and the anomaly is what
// the plug-in's absence means (its connections closed, a 503 with Retry-After, a TLS handshake
// refused, deflate not negotiated), else as an ERROR. Errors are expected to be 0.
//
// Phases: part 1 updates lws-mirror-protocol's jar N times; part 2 updates the tls, vfs-zip, cgi
// and ext-deflate jars M times each; part 3 edits deploy/org.lws4j.vhost-live.cfg K times while
// a poller GETs / of that vhost on a new connection every 10 ms. An update writes a new revision
// of the jar (the original plus an entry META-INF/lws4j-soak-revision.txt, so content, length and
// time change), staged in DIR/staging and moved over the jar in deploy/ with ATOMIC_MOVE.
// Rebind time: from that move to the first success of a fresh probe of the plug-in (a mirror
// handshake and echo; an https GET; a GET into the zip; a CGI run; a deflate handshake and echo)
// made after the server's log says the new revision is bound; a probe that succeeds before that
// line could still be answered by the old revision.
//
// Leak figures, after a full GC (jcmd GC.class_histogram runs one): the live instances of Felix's
// BundleWiringImpl$BundleClassLoader (one per bundle revision that has loaded a class), of
// BundleRevisionImpl and of BundleImpl; an installed bundle has exactly one current revision, so
// "old revisions alive" = BundleRevisionImpl - BundleImpl: revisions of updated bundles that are
// still reachable (a leaked class loader keeps its revision too). Also the live heap (histogram
// total), heap used and metaspace used (GC.heap_info), loaded classes (PerfCounter), JVM threads
// (/proc/PID/status) and open file descriptors (/proc/PID/fd).
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

public final class Soak {
    enum Kind {
        DUMB("dumb-increment"), ECHO("lws-echo"), HTTP("http"), MIRROR("lws-mirror"), TLS("tls"), ZIP("zip"),
        CGI("cgi"), DEFLATE("deflate"), LIVE("live-vhost");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    // ---- phases and what is counted in them ----------------------------------------------------------

    /** A stretch of the run: what it changes (its involved kind, or none) and what everyone saw meanwhile. */
    static final class Phase {
        final String name;
        final Kind involved;
        final long t0 = System.nanoTime();
        long t1;
        final Map<String, LongAdder> counts = new ConcurrentSkipListMap<>();
        final Map<Kind, LongAdder> ok = new ConcurrentHashMap<>();
        final List<String> samples = new CopyOnWriteArrayList<>();
        final Map<String, LongAdder> serverLog = new ConcurrentSkipListMap<>();
        final List<Long> rebindMs = new ArrayList<>();
        final List<Long> boundMs = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<String> snapshots = new ArrayList<>();
        long lateProbes;
        String lateProbeSample;
        int done;
        String stopped;

        Phase(String name, Kind involved) {
            this.name = name;
            this.involved = involved;
        }

        long errors() {
            return counts.entrySet().stream().filter(e -> e.getKey().startsWith("ERROR")).mapToLong(e -> e.getValue().sum()).sum();
        }
    }

    static volatile Phase phase = new Phase("start-up", null);
    static final List<Phase> phases = new CopyOnWriteArrayList<>();
    static final long T0 = System.nanoTime();
    static volatile boolean running = true;

    static String clock() {
        return String.format(Locale.ROOT, "%7.1fs", (System.nanoTime() - T0) / 1e9);
    }

    /** An anomaly a client saw; allowed (counted as "own") only while its own plug-in is being updated. */
    static void event(Kind k, String what, boolean allowedIfInvolved, String detail) {
        if (!running) {
            return;
        }
        Phase p = phase;
        boolean own = allowedIfInvolved && p.involved == k;
        String key = (own ? "own   " : "ERROR ") + k.label + ": " + what;
        p.counts.computeIfAbsent(key, x -> new LongAdder()).increment();
        if (!own && p.samples.size() < 40) {
            p.samples.add(clock() + " " + key + (detail == null ? "" : " - " + detail));
        }
    }

    static void ok(Kind k) {
        phase.ok.computeIfAbsent(k, x -> new LongAdder()).increment();
    }

    /** What an I/O failure of a client is called, and whether it may be the plug-in's absence. */
    static void ioEvent(Kind k, IOException e, boolean reused) {
        if (e instanceof ConnectException) {
            event(k, "connection refused", false, e.toString());
        } else if (e instanceof SoakClients.TlsRefused) {
            event(k, "TLS handshake refused", true, e.getMessage());
        } else if (e instanceof SocketTimeoutException) {
            event(k, "no answer within " + SoakClients.TIMEOUT_MS / 1000 + " s", false, e.toString());
        } else if (e instanceof SoakClients.ClosedByServer c) {
            event(k, c.beforeAnyByte && reused ? "kept-alive connection closed by the server" : c.getMessage(), true, null);
        } else if (e instanceof SoakClients.HandshakeFailed h) {
            boolean retry = h.status == 503 && h.retryAfter != null;
            event(k, retry ? "handshake 503 with Retry-After" : "handshake answered " + h.status, retry, null);
        } else {
            event(k, "I/O error " + e.getClass().getSimpleName() + ": " + e.getMessage(), true, null);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Thread thread(String name, Runnable r) {
        Thread t = new Thread(null, r, name, 256 * 1024);
        t.setDaemon(true);
        t.start();
        return t;
    }

    // ---- WebSocket clients ------------------------------------------------------------------------

    /** A WebSocket client that keeps itself connected; its own thread connects and ticks. */
    abstract static class WsClient implements SoakClients.WsListener, Runnable {
        final Kind kind;
        final int id;
        final SoakClients.Target target;
        final String path;
        final String protocol;
        final boolean deflate;
        final long tickMs;
        volatile SoakClients.Ws ws;
        volatile boolean up;

        WsClient(Kind kind, int id, SoakClients.Target target, String path, String protocol, boolean deflate, long tickMs) {
            this.kind = kind;
            this.id = id;
            this.target = target;
            this.path = path;
            this.protocol = protocol;
            this.deflate = deflate;
            this.tickMs = tickMs;
        }

        @Override
        public void run() {
            while (running) {
                if (ws == null) {
                    connect();
                } else {
                    tick();
                    sleep(tickMs);
                }
            }
            SoakClients.Ws w = ws;
            if (w != null) {
                w.sendClose();
            }
        }

        private void connect() {
            SoakClients.Ws w;
            try {
                w = SoakClients.Ws.open(target, path, protocol, deflate);
            } catch (IOException e) {
                ioEvent(kind, e, false);
                sleep(50);
                return;
            }
            if (deflate && !w.deflate) {
                event(kind, "permessage-deflate not negotiated", true, null);
                w.sendClose();
                w.close();
                sleep(50);
                return;
            }
            opened();
            ws = w;
            up = true;
            w.start(this, kind.label + "-" + id);
        }

        @Override
        public void closed(SoakClients.Ws w, int code, String reason, IOException error) {
            if (ws != w) {
                return;
            }
            up = false;
            if (running && !(w.isClosing() && error == null)) {
                event(kind, code > 0 ? "closed by the server: " + code + " " + reason
                        : "connection dropped without a Close (" + (error == null ? "EOF" : error.getMessage()) + ")", true, null);
            }
            lost();
            ws = null;
        }

        abstract void opened();

        abstract void tick();

        abstract void lost();
    }

    /** dumb-increment-protocol: the counter must go 0, 1, 2, ... 20 times a second on each connection. */
    static final class DumbClient extends WsClient {
        private long last;
        private volatile long lastAt;

        DumbClient(int id, SoakClients.Target t) {
            super(Kind.DUMB, id, t, "/", "dumb-increment-protocol", false, 500);
        }

        @Override
        void opened() {
            last = -1;
            lastAt = System.nanoTime();
        }

        @Override
        public void message(SoakClients.Ws w, String text, boolean compressed) {
            long v;
            try {
                v = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                event(kind, "not a counter", false, text);
                return;
            }
            if (last >= 0 && v != last + 1) {
                event(kind, v <= last ? "counter restarted" : "counter skipped values", false, last + " then " + v);
            }
            last = v;
            lastAt = System.nanoTime();
            ok(kind);
        }

        @Override
        void tick() {
            if (up && System.nanoTime() - lastAt > TimeUnit.SECONDS.toNanos(5)) {
                event(kind, "no counter for 5 s", false, "id " + id);
                lastAt = System.nanoTime();
            }
        }

        @Override
        void lost() {
        }
    }

    /** lws-echo, lws-mirror-protocol, wss and deflate: numbered messages, each must come back, in order. */
    static final class EchoClient extends WsClient {
        private final String prefix;
        private final String padding;
        private final ArrayDeque<long[]> outstanding = new ArrayDeque<>();
        private long seq;

        EchoClient(Kind kind, int id, SoakClients.Target t, String path, String protocol, boolean deflate, long everyMs) {
            super(kind, id, t, path, protocol, deflate, everyMs);
            this.prefix = kind.label + "-" + id + "-";
            this.padding = deflate ? " {\"soak\":\"" + "permessage-deflate ".repeat(12) + "\"}" : " soak";
        }

        @Override
        void opened() {
            synchronized (outstanding) {
                outstanding.clear();
            }
        }

        @Override
        void tick() {
            SoakClients.Ws w = ws;
            if (w == null || !up) {
                return;
            }
            long now = System.nanoTime();
            synchronized (outstanding) {
                while (!outstanding.isEmpty() && now - outstanding.peekFirst()[1] > TimeUnit.SECONDS.toNanos(10)) {
                    long[] o = outstanding.pollFirst();
                    event(kind, "no echo within 10 s", false, prefix + o[0]);
                }
                seq++;
                outstanding.addLast(new long[] {seq, now});
            }
            try {
                w.send(prefix + seq + padding);
            } catch (IOException e) {
                // the reader sees the end of the connection and reports it
            }
        }

        @Override
        public void message(SoakClients.Ws w, String text, boolean compressed) {
            if (!text.startsWith(prefix)) {
                return; // another mirror client's message
            }
            int sp = text.indexOf(' ');
            long n;
            try {
                n = Long.parseLong(text.substring(prefix.length(), sp < 0 ? text.length() : sp));
            } catch (RuntimeException e) {
                event(kind, "garbled echo", false, text);
                return;
            }
            if (sp < 0 || !text.substring(sp).equals(padding)) {
                event(kind, "garbled echo", false, text);
            }
            if (deflate && !compressed) {
                event(kind, "uncompressed message on a permessage-deflate connection", false, text);
            }
            synchronized (outstanding) {
                while (!outstanding.isEmpty() && outstanding.peekFirst()[0] < n) {
                    event(kind, "echo missing or out of order", false, prefix + outstanding.pollFirst()[0]);
                }
                if (!outstanding.isEmpty() && outstanding.peekFirst()[0] == n) {
                    outstanding.pollFirst();
                    ok(kind);
                } else {
                    event(kind, "unexpected echo", false, text);
                }
            }
        }

        @Override
        void lost() {
            synchronized (outstanding) {
                if (!outstanding.isEmpty()) {
                    event(kind, "messages unanswered when the connection closed", true, outstanding.size() + "");
                    outstanding.clear();
                }
            }
        }
    }

    // ---- HTTP loops -------------------------------------------------------------------------------

    /** GETs in a loop, on one kept-alive connection or a new connection each. */
    static final class HttpLoop implements Runnable {
        final Kind kind;
        final SoakClients.Target target;
        final String[][] requests; // {path, header...}
        final boolean keepAlive;
        final long pauseMs;
        final Predicate<SoakClients.Response> check;

        HttpLoop(Kind kind, SoakClients.Target target, boolean keepAlive, long pauseMs, Predicate<SoakClients.Response> check,
                String[]... requests) {
            this.kind = kind;
            this.target = target;
            this.keepAlive = keepAlive;
            this.pauseMs = pauseMs;
            this.check = check;
            this.requests = requests;
        }

        @Override
        public void run() {
            SoakClients.HttpConn c = null;
            int i = 0;
            while (running) {
                String[] r = requests[i++ % requests.length];
                boolean reused = c != null;
                try {
                    if (c == null) {
                        c = new SoakClients.HttpConn(target);
                    }
                    SoakClients.Response res = c.get(r[0], !keepAlive, java.util.Arrays.copyOfRange(r, 1, r.length));
                    if (res.status() == 200) {
                        if (check.test(res)) {
                            ok(kind);
                        } else {
                            event(kind, "wrong body for " + r[0], false, res.text().substring(0, Math.min(80, res.body().length)));
                        }
                    } else if (res.status() == 503 && res.header("retry-after") != null) {
                        event(kind, "503 with Retry-After", true, r[0]);
                    } else {
                        event(kind, "status " + res.status() + " for " + r[0], false, res.text().substring(0, Math.min(120, res.body().length)));
                    }
                    if (!keepAlive || res.closes()) {
                        c.close();
                        c = null;
                    }
                } catch (IOException e) {
                    ioEvent(kind, e, reused);
                    if (c != null) {
                        c.close();
                        c = null;
                    }
                }
                sleep(pauseMs);
            }
            if (c != null) {
                c.close();
            }
        }
    }

    // ---- the server's log ---------------------------------------------------------------------------

    /** Reads the server's log as it grows: lines kept for the markers, ERR and WARN lines counted per phase. */
    static final class LogWatch implements Runnable {
        final Path file;
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private long pos;
        private final StringBuilder partial = new StringBuilder();

        LogWatch(Path file) {
            this.file = file;
        }

        @Override
        public void run() {
            while (running) {
                poll();
                sleep(5);
            }
        }

        synchronized void poll() {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = f.length();
                if (len <= pos) {
                    return;
                }
                byte[] b = new byte[(int) Math.min(len - pos, 1 << 20)];
                f.seek(pos);
                f.readFully(b);
                pos += b.length;
                partial.append(new String(b, StandardCharsets.UTF_8));
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    String line = partial.substring(0, nl);
                    partial.delete(0, nl + 1);
                    lines.add(line);
                    classify(line);
                }
            } catch (IOException e) {
                // the file is there while the server runs
            }
        }

        private void classify(String line) {
            Matcher m = Pattern.compile("^\\[[^\\]]*\\] ([EW]): (.*)$").matcher(line);
            String what;
            if (m.matches()) {
                what = m.group(1) + ": " + m.group(2).replaceAll("\\d+", "N");
            } else if (line.contains("Exception") || line.contains("ERROR")) {
                what = "other: " + line.replaceAll("\\d+", "N");
            } else {
                return;
            }
            if (what.length() > 160) {
                what = what.substring(0, 160) + "...";
            }
            phase.serverLog.computeIfAbsent(what, x -> new LongAdder()).increment();
        }

        int size() {
            poll();
            return lines.size();
        }

        /** The index of the first line at or after {@code from} containing {@code text}, or -1. */
        int find(int from, String text) {
            synchronized (lines) {
                for (int i = from; i < lines.size(); i++) {
                    if (lines.get(i).contains(text)) {
                        return i;
                    }
                }
            }
            return -1;
        }
    }

    // ---- the run ----------------------------------------------------------------------------------

    final long pid;
    final Path home;
    final SoakClients.Target plain;
    final SoakClients.Target tls;
    final SoakClients.Target live;
    final int updates;
    final int pluginUpdates;
    final int edits;
    final int clients;
    final long deadline;
    final LogWatch log;
    final List<WsClient> wsClients = new ArrayList<>();
    final String index;

    Soak(Map<String, String> a) throws IOException {
        pid = Long.parseLong(a.get("pid"));
        home = Paths.get(a.get("home"));
        plain = new SoakClients.Target(Integer.parseInt(a.get("port")), false);
        tls = new SoakClients.Target(Integer.parseInt(a.get("tls-port")), true);
        live = new SoakClients.Target(Integer.parseInt(a.get("live-port")), false);
        updates = Integer.parseInt(a.getOrDefault("updates", "1000"));
        pluginUpdates = Integer.parseInt(a.getOrDefault("plugin-updates", "200"));
        edits = Integer.parseInt(a.getOrDefault("edits", "1000"));
        clients = Integer.parseInt(a.getOrDefault("clients", "100"));
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(Long.parseLong(a.getOrDefault("minutes", "240")));
        log = new LogWatch(home.resolve("run.log"));
        index = Files.readString(home.resolve("www/index.html"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Soak s = new Soak(a);
        int rc;
        try {
            rc = s.run();
        } finally {
            running = false;
        }
        System.out.flush();
        System.exit(rc);
    }

    int run() throws Exception {
        phases.add(phase);
        thread("log", log);
        startLoad();
        Plugin mirror = plugin(Kind.MIRROR, "org.lws4j.protocol-mirror-", "vhost soak: protocol lws-mirror-protocol bound", this::probeMirror);
        Plugin tlsP = plugin(Kind.TLS, "org.lws4j.tls-", "TLS on /127.0.0.1:" + tls.port() + " for", this::probeTls);
        Plugin zip = plugin(Kind.ZIP, "org.lws4j.vfs-zip-", "file ops for \".zip/\" available", this::probeZip);
        Plugin cgi = plugin(Kind.CGI, "org.lws4j.cgi-", "mount origin cgi:// available", this::probeCgi);
        Plugin deflate = plugin(Kind.DEFLATE, "org.lws4j.ext-deflate-", "extension permessage-deflate available", this::probeDeflate);
        for (Plugin p : List.of(mirror, tlsP, zip, cgi, deflate)) {
            String why = awaitProbe(p, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
            if (why != null) {
                System.out.println("the " + p.kind.label + " plug-in does not answer at the start: " + why);
                return 2;
            }
        }
        awaitClientsUp(null, 60);
        sleep(3000);
        System.out.println(clock() + " load running: " + wsClients.size() + " WebSocket clients up; " + describeLoad());

        updates("part 1: " + updates + " updates of lws-mirror-protocol (protocol-mirror)", mirror, updates);
        updates("part 2: " + pluginUpdates + " updates of tls", tlsP, pluginUpdates);
        updates("part 2: " + pluginUpdates + " updates of vfs-zip", zip, pluginUpdates);
        updates("part 2: " + pluginUpdates + " updates of cgi", cgi, pluginUpdates);
        updates("part 2: " + pluginUpdates + " updates of ext-deflate", deflate, pluginUpdates);
        edits("part 3: " + edits + " edits of deploy/org.lws4j.vhost-live.cfg", edits);
        Phase end = newPhase("wind-down", null);
        sleep(1000);
        running = false;
        end.t1 = System.nanoTime();
        sleep(500);
        return report();
    }

    String describeLoad() {
        long dumb = wsClients.stream().filter(c -> c.kind == Kind.DUMB).count();
        long echo = wsClients.stream().filter(c -> c.kind == Kind.ECHO).count();
        return dumb + " dumb-increment, " + echo + " lws-echo (a message every 250 ms each), 10 lws-mirror (every 500 ms), "
                + "5 wss lws-echo, 5 permessage-deflate lws-echo; HTTP: 2 keep-alive loops (/index.html, /dyn/...), "
                + "1 new-connection loop (/index.html), https keep-alive and new-connection loops, zip and CGI keep-alive and "
                + "new-connection loops";
    }

    void startLoad() {
        int half = clients / 2;
        for (int i = 0; i < half; i++) {
            wsClients.add(new DumbClient(i, plain));
        }
        for (int i = 0; i < clients - half; i++) {
            wsClients.add(new EchoClient(Kind.ECHO, i, plain, "/", "lws-echo", false, 250));
        }
        for (int i = 0; i < 10; i++) {
            wsClients.add(new EchoClient(Kind.MIRROR, i, plain, "/?mirror=soak", "lws-mirror-protocol", false, 500));
        }
        for (int i = 0; i < 5; i++) {
            wsClients.add(new EchoClient(Kind.TLS, i, tls, "/", "lws-echo", false, 250));
            wsClients.add(new EchoClient(Kind.DEFLATE, i, plain, "/", "lws-echo", true, 250));
        }
        for (WsClient c : wsClients) {
            thread(c.kind.label + "-client-" + c.id, c);
            sleep(10);
        }
        Predicate<SoakClients.Response> page = r -> r.text().equals(index) || r.text().contains("lws4j dynamic content");
        thread("http-ka-1", new HttpLoop(Kind.HTTP, plain, true, 10, page, new String[] {"/index.html"}, new String[] {"/dyn/soak?x=1"}));
        thread("http-ka-2", new HttpLoop(Kind.HTTP, plain, true, 10, page, new String[] {"/dyn/other"}, new String[] {"/"}));
        thread("http-new", new HttpLoop(Kind.HTTP, plain, false, 10, page, new String[] {"/index.html"}));
        thread("https-ka", new HttpLoop(Kind.TLS, tls, true, 20, page, new String[] {"/index.html"}));
        thread("https-new", new HttpLoop(Kind.TLS, tls, false, 50, page, new String[] {"/index.html"}));
        Predicate<SoakClients.Response> book = r -> r.body().length > 1000;
        thread("zip-ka", new HttpLoop(Kind.ZIP, plain, true, 20, book, new String[] {"/ziptest/"},
                new String[] {"/ziptest/index.html", "Accept-Encoding: gzip"}, new String[] {"/ziptest/css/book.css"}));
        thread("zip-new", new HttpLoop(Kind.ZIP, plain, false, 20, book, new String[] {"/ziptest/images/cover.jpg"}));
        thread("cgi-ka", new HttpLoop(Kind.CGI, plain, true, 50, r -> r.text().equals("hello /ka\n"), new String[] {"/cgi/ka"}));
        thread("cgi-new", new HttpLoop(Kind.CGI, plain, false, 100, r -> r.text().equals("hello /new\n"), new String[] {"/cgi/new"}));
    }

    void awaitClientsUp(Kind kind, int seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (wsClients.stream().filter(c -> kind == null || c.kind == kind).allMatch(c -> c.up)) {
                return;
            }
            sleep(50);
        }
        System.out.println(clock() + " not every " + (kind == null ? "" : kind.label + " ") + "client reconnected within " + seconds + " s");
    }

    static Phase newPhase(String name, Kind involved) {
        Phase prev = phase;
        Phase p = new Phase(name, involved);
        prev.t1 = p.t0;
        phases.add(p);
        phase = p;
        return p;
    }

    boolean pastDeadline() {
        return System.nanoTime() > deadline;
    }

    boolean serverAlive() {
        return Files.exists(Paths.get("/proc/" + pid));
    }

    // ---- plug-in updates --------------------------------------------------------------------------

    interface Probe {
        /** null when the plug-in answered, else what happened. */
        String attempt();
    }

    record Plugin(Kind kind, Path deployed, byte[] original, String boundLine, Probe probe) {
    }

    Plugin plugin(Kind kind, String prefix, String boundLine, Probe probe) throws IOException {
        Path jar;
        try (Stream<Path> s = Files.list(home.resolve("deploy"))) {
            jar = s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IOException("no " + prefix + "*.jar in deploy/"));
        }
        return new Plugin(kind, jar, Files.readAllBytes(jar), boundLine, probe);
    }

    String awaitProbe(Plugin p, long end) {
        String why = null;
        while (System.nanoTime() < end) {
            why = p.probe.attempt();
            if (why == null) {
                return null;
            }
            sleep(5);
        }
        return why;
    }

    void updates(String name, Plugin p, int count) throws IOException {
        Phase ph = newPhase(name, p.kind);
        System.out.println(clock() + " " + name);
        snapshot(ph, "before");
        Files.createDirectories(home.resolve("staging"));
        int failedInARow = 0;
        for (int n = 1; n <= count; n++) {
            if (pastDeadline() || !serverAlive()) {
                ph.stopped = serverAlive() ? "time limit reached after " + (n - 1) + " updates" : "the server died after " + (n - 1) + " updates";
                break;
            }
            String failure = update(ph, p, n);
            ph.done = n;
            if (failure != null) {
                ph.failures.add("update " + n + ": " + failure);
                System.out.println(clock() + " update " + n + " failed: " + failure);
                if (++failedInARow >= 10) {
                    ph.stopped = "10 failed updates in a row";
                    break;
                }
            } else {
                failedInARow = 0;
            }
            if (n % 100 == 0 && n < count) {
                snapshot(ph, "after " + n);
            }
            sleep(100); // the plug-in's own clients reconnect before the next update lands
        }
        awaitClientsUp(p.kind, 30);
        sleep(2000);
        snapshot(ph, "after " + ph.done);
    }

    /** One update: a new revision of the jar moved in; null when the plug-in answers again, else why not. */
    String update(Phase ph, Plugin p, int n) throws IOException {
        Path staged = home.resolve("staging").resolve(p.deployed.getFileName());
        Files.write(staged, revision(p.original, n));
        int mark = log.size();
        long t0 = System.nanoTime();
        Files.move(staged, p.deployed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        long boundBy = t0 + TimeUnit.SECONDS.toNanos(60);
        int at;
        while ((at = log.find(mark, p.boundLine)) < 0) {
            if (System.nanoTime() > boundBy) {
                return "the log never said \"" + p.boundLine + "\" within 60 s";
            }
            sleep(2);
            log.poll();
        }
        long bound = System.nanoTime();
        long answerBy = bound + TimeUnit.SECONDS.toNanos(30);
        String why;
        while ((why = p.probe.attempt()) != null) {
            ph.lateProbes++;
            if (ph.lateProbeSample == null) {
                ph.lateProbeSample = "update " + n + ": " + why;
            }
            if (System.nanoTime() > answerBy) {
                return "bound, but no probe succeeded within 30 s: " + why;
            }
            sleep(5);
        }
        long t1 = System.nanoTime();
        ph.boundMs.add(TimeUnit.NANOSECONDS.toMicros(bound - t0));
        ph.rebindMs.add(TimeUnit.NANOSECONDS.toMicros(t1 - t0));
        return null;
    }

    /** The jar with one more entry naming the revision: a different file for FileInstall and Felix. */
    static byte[] revision(byte[] jar, int n) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(jar.length + 512);
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(jar));
                ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                z.putNextEntry(copy);
                in.transferTo(z);
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry("META-INF/lws4j-soak-revision.txt"));
            z.write(("revision " + n + "\n").getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return out.toByteArray();
    }

    // ---- probes: one fresh attempt each ----------------------------------------------------------

    String probeMirror() {
        return wsProbe(plain, "/?mirror=soak-probe", "lws-mirror-protocol", false);
    }

    String probeDeflate() {
        return wsProbe(plain, "/", "lws-echo", true);
    }

    String wsProbe(SoakClients.Target t, String path, String protocol, boolean deflate) {
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        SoakClients.Ws w = null;
        try {
            w = SoakClients.Ws.open(t, path, protocol, deflate);
            if (deflate && !w.deflate) {
                return "permessage-deflate not negotiated";
            }
            w.start(new SoakClients.WsListener() {
                @Override
                public void message(SoakClients.Ws ws, String text, boolean compressed) {
                    got.add(deflate && !compressed ? "uncompressed " + text : text);
                }

                @Override
                public void closed(SoakClients.Ws ws, int code, String reason, IOException error) {
                    got.add("closed " + code);
                }
            }, "probe");
            w.send("probe");
            String r = got.poll(5, TimeUnit.SECONDS);
            return "probe".equals(r) ? null : "echo: " + r;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            return "interrupted";
        } finally {
            if (w != null) {
                w.sendClose();
                w.close();
            }
        }
    }

    String probeTls() {
        return httpProbe(tls, "/index.html", r -> r.text().equals(index));
    }

    String probeZip() {
        return httpProbe(plain, "/ziptest/", r -> r.text().contains("<html"));
    }

    String probeCgi() {
        return httpProbe(plain, "/cgi/probe", r -> r.text().equals("hello /probe\n"));
    }

    static String httpProbe(SoakClients.Target t, String path, Predicate<SoakClients.Response> check) {
        try (SoakClients.HttpConn c = new SoakClients.HttpConn(t)) {
            SoakClients.Response r = c.get(path, true);
            return r.status() == 200 && check.test(r) ? null : "status " + r.status();
        } catch (IOException e) {
            return e.toString();
        }
    }

    // ---- part 3: live edits of a vhost .cfg -------------------------------------------------------

    volatile boolean pollerStop;

    void edits(String name, int count) throws IOException {
        Phase ph = newPhase(name, null);
        System.out.println(clock() + " " + name);
        Path www = home.resolve("www-live");
        Files.createDirectories(www);
        Files.writeString(www.resolve("index.html"), "live\n");
        writeCfg(www, 0);
        long addBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!edited(0)) {
            if (System.nanoTime() > addBy) {
                ph.stopped = "the live vhost was never served";
                return;
            }
            sleep(20);
        }
        ph.counts.clear(); // what a client saw before the vhost existed does not count
        ph.samples.clear();
        Thread poller = thread("live-poller", () -> {
            while (running && !pollerStop) {
                liveGet();
                sleep(10);
            }
        });
        snapshot(ph, "before");
        for (int n = 1; n <= count; n++) {
            if (pastDeadline() || !serverAlive()) {
                ph.stopped = serverAlive() ? "time limit reached after " + (n - 1) + " edits" : "the server died after " + (n - 1) + " edits";
                break;
            }
            long t0 = System.nanoTime();
            writeCfg(www, n);
            long by = t0 + TimeUnit.SECONDS.toNanos(30);
            boolean done;
            while (!(done = edited(n)) && System.nanoTime() < by) {
                sleep(5);
            }
            ph.done = n;
            if (done) {
                ph.rebindMs.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
            } else {
                ph.failures.add("edit " + n + " not served within 30 s");
                System.out.println(clock() + " edit " + n + " never took effect");
            }
            if (n % 100 == 0 && n < count) {
                snapshot(ph, "after " + n);
            }
        }
        sleep(2000);
        pollerStop = true;
        snapshot(ph, "after " + ph.done);
        try {
            poller.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** deploy/org.lws4j.vhost-live.cfg, written whole (staged, then moved in): FileInstall never reads half a file. */
    void writeCfg(Path www, int edit) throws IOException {
        String cfg = String.join("\n", "# live edit " + edit, "port = " + live.port(), "interface = 127.0.0.1",
                "mounts.0.mountpoint = /", "mounts.0.origin = file://" + www, "mounts.0.default = index.html",
                "headers.X-Edit = " + edit, "");
        Path staged = home.resolve("staging/org.lws4j.vhost-live.cfg");
        Files.createDirectories(staged.getParent());
        Files.writeString(staged, cfg);
        Files.move(staged, home.resolve("deploy/org.lws4j.vhost-live.cfg"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** A GET / of the live vhost on a new connection shows X-Edit: n. */
    boolean edited(int n) {
        SoakClients.Response r = liveGet();
        return r != null && String.valueOf(n).equals(r.header("x-edit"));
    }

    /** GET / of the live vhost on a new connection; anything but a 200 is an error (nobody updates anything). */
    SoakClients.Response liveGet() {
        try (SoakClients.HttpConn c = new SoakClients.HttpConn(live)) {
            SoakClients.Response r = c.get("/", true);
            if (r.status() == 200 && r.text().equals("live\n")) {
                ok(Kind.LIVE);
            } else {
                event(Kind.LIVE, "status " + r.status(), false, r.header("x-edit"));
            }
            return r;
        } catch (IOException e) {
            ioEvent(Kind.LIVE, e, false);
            return null;
        }
    }

    // ---- leak figures -------------------------------------------------------------------------------

    void snapshot(Phase ph, String label) {
        String hist = jcmd("GC.class_histogram");
        String heap = jcmd("GC.heap_info");
        String perf = jcmd("PerfCounter.print");
        long loaders = histCount(hist, "org.apache.felix.framework.BundleWiringImpl$BundleClassLoader");
        long revisions = histCount(hist, "org.apache.felix.framework.BundleRevisionImpl");
        long bundles = histCount(hist, "org.apache.felix.framework.BundleImpl");
        long live = group(hist, "(?m)^Total\\s+\\d+\\s+(\\d+)");
        long used = group(heap, "used (\\d+)K") * 1024;
        long meta = group(heap, "Metaspace\\s+used (\\d+)K") * 1024;
        long classes = group(perf, "java\\.cls\\.loadedClasses=(\\d+)") - group(perf, "java\\.cls\\.unloadedClasses=(\\d+)");
        long threads = -1;
        long fds = -1;
        double cpu = -1;
        try {
            threads = group(Files.readString(Paths.get("/proc/" + pid + "/status")), "Threads:\\s+(\\d+)");
            try (Stream<Path> s = Files.list(Paths.get("/proc/" + pid + "/fd"))) {
                fds = s.count();
            }
            String[] stat = Files.readString(Paths.get("/proc/" + pid + "/stat")).replaceFirst("^.*\\) ", "").split(" ");
            cpu = (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            // the server is gone: -1
        }
        String load = "?";
        try {
            load = Files.readString(Paths.get("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            // not Linux
        }
        String row = String.format(Locale.ROOT, "%-12s %8d %10d %12d %9d %11.1f %11.1f %10.1f %8d %8d %8d %9.0f %7s",
                label, loaders, revisions, revisions - bundles, classes, live / 1048576.0, used / 1048576.0, meta / 1048576.0,
                threads, fds, ph.done, cpu, load);
        ph.snapshots.add(row);
        System.out.println(clock() + " " + ph.name + " | " + row + " | errors so far " + ph.errors()
                + (ph.rebindMs.isEmpty() ? "" : ", rebind median " + ms(percentile(ph.rebindMs, 50)) + " ms"));
    }

    static final String SNAP_HEAD = String.format(Locale.ROOT, "%-12s %8s %10s %12s %9s %11s %11s %10s %8s %8s %8s %9s %7s",
            "when", "loaders", "revisions", "old-revs", "classes", "live-MiB", "used-MiB", "meta-MiB", "threads", "fds", "done", "cpu-s",
            "load1");

    String jcmd(String what) {
        try {
            Process p = new ProcessBuilder("jcmd", String.valueOf(pid), what).redirectErrorStream(true).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            p.waitFor(120, TimeUnit.SECONDS);
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static long histCount(String hist, String cls) {
        return group(hist, "(?m)^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(cls) + "\\s*$");
    }

    static long group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    // ---- the report ---------------------------------------------------------------------------------

    static long percentile(List<Long> values, int p) {
        List<Long> s = new ArrayList<>(values);
        Collections.sort(s);
        if (s.isEmpty()) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    static String ms(long micros) {
        return String.format(Locale.ROOT, "%.0f", micros / 1000.0);
    }

    int report() {
        long errors = 0;
        long failures = 0;
        System.out.println();
        System.out.println("==== soak report ====");
        System.out.println("load: " + describeLoad());
        for (Phase p : phases) {
            long t1 = p.t1 == 0 ? System.nanoTime() : p.t1;
            System.out.println();
            System.out.printf(Locale.ROOT, "-- %s (%.0f s)%s%n", p.name, (t1 - p.t0) / 1e9, p.stopped == null ? "" : "; STOPPED: " + p.stopped);
            if (!p.rebindMs.isEmpty() || !p.failures.isEmpty()) {
                boolean edit = p.involved == null;
                System.out.printf(Locale.ROOT, "   %s: %d done, %d %s%n", edit ? "edits" : "updates", p.done, p.failures.size(),
                        edit ? "never took effect" : "failed to rebind");
                p.failures.stream().limit(10).forEach(f -> System.out.println("     " + f));
                System.out.printf(Locale.ROOT, "   %s: median %s ms, p99 %s ms, max %s ms (n=%d)%n",
                        edit ? "time from the .cfg landing to the edit in a response"
                                : "rebind, from the jar landing to the plug-in answering a new client",
                        ms(percentile(p.rebindMs, 50)), ms(percentile(p.rebindMs, 99)), ms(percentile(p.rebindMs, 100)), p.rebindMs.size());
                if (!p.boundMs.isEmpty()) {
                    System.out.printf(Locale.ROOT, "   of which to the \"bound\" line in the log: median %s ms, p99 %s ms, max %s ms; "
                            + "probes failed after that line: %d%s%n", ms(percentile(p.boundMs, 50)), ms(percentile(p.boundMs, 99)),
                            ms(percentile(p.boundMs, 100)), p.lateProbes, p.lateProbeSample == null ? "" : " (first: " + p.lateProbeSample + ")");
                }
                failures += p.failures.size();
            }
            long e = p.errors();
            errors += e;
            System.out.println("   errors seen by clients: " + e);
            p.counts.forEach((k, v) -> System.out.printf(Locale.ROOT, "     %8d  %s%n", v.sum(), k));
            p.samples.stream().limit(15).forEach(s -> System.out.println("       e.g. " + s));
            StringBuilder served = new StringBuilder();
            for (Kind k : Kind.values()) {
                LongAdder a = p.ok.get(k);
                if (a != null) {
                    served.append(served.length() == 0 ? "" : ", ").append(k.label).append(' ').append(a.sum());
                }
            }
            System.out.println("   served fine meanwhile (messages, echoes, responses): " + served);
            if (p.serverLog.isEmpty()) {
                System.out.println("   server log: no ERR or WARN line");
            } else {
                System.out.println("   server log, ERR and WARN lines (digits as N):");
                p.serverLog.forEach((k, v) -> System.out.printf(Locale.ROOT, "     %8d  %s%n", v.sum(), k));
            }
            if (!p.snapshots.isEmpty()) {
                System.out.println("   after a full GC:");
                System.out.println("     " + SNAP_HEAD);
                p.snapshots.forEach(s -> System.out.println("     " + s));
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "total: %d failed updates or edits, %d client errors, %.0f s%n", failures, errors, (System.nanoTime() - T0) / 1e9);
        return failures == 0 && errors == 0 ? 0 : 1;
    }
}
