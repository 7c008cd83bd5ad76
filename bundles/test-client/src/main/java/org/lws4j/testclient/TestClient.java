package org.lws4j.testclient;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.LogLevel;
import org.lws4j.api.Protocol;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.log.StderrEmitter;

/**
 * {@code lws4j client URL}: libwebsockets' test client on lws4j, run as a plain Java program
 * (no OSGi). It builds the core's context directly: one service thread, one vhost
 * ({@value #VHOST}, port 0: no listener) offering the client's protocols, the TLS provider and
 * permessage-deflate when their jars are on the classpath ({@link PlugIns}). Standard output
 * (and, for ws and raw, standard input) are adopted streams, so everything the client does
 * happens in callbacks on the service thread; the main thread only opens connections, reopens
 * them as lws's client does (every 2 s at most), and waits for the end.
 *
 * <ul>
 * <li>ws, wss: {@link MirrorClient} and {@link DumbClient}, or one {@code --protocol}; the end
 *     of input or Ctrl-C closes them (1000) and ends the program.
 * <li>http, https: {@link HttpFetch}; the program ends with the response.
 * <li>raw: {@link RawRelay}; the program ends when the socket closes.
 * </ul>
 */
public final class TestClient {
    static final String VHOST = "lws4j-client";
    /** lws's test client reconnects at most this often. */
    static final long RECONNECT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Options options;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Outcome outcome = new Outcome();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<WsClient> webSockets = new ArrayList<>();
    private ContextImpl ctx;
    private StdoutSink stdout;
    private MirrorClient mirror;

    TestClient(Options options, InputStream in, PrintStream out, PrintStream err) {
        this.options = options;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Options o = parseOrExit(args, System.err);
        TestClient c = new TestClient(o, System.in, System.out, System.err);
        // Ctrl-C: end the run; the main thread closes everything and the hook waits for it
        Thread hook = new Thread(c::interrupt, "lws4j-client-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int status = c.run();
        System.exit(status);
    }

    private static Options parseOrExit(String[] args, PrintStream err) {
        try {
            Options o = Options.parse(args);
            if (o.help()) {
                System.out.print(Options.USAGE);
                System.exit(0);
            }
            return o;
        } catch (IllegalArgumentException e) {
            err.println("lws4j client: " + e.getMessage());
            err.print(Options.USAGE);
            System.exit(2);
            return null;
        }
    }

    /**
     * A started context for a client program: one service thread, small header pool, its log to
     * {@code err} at {@code mask} (without the context's own set-up notices at the default mask).
     */
    static ContextImpl startContext(String serverString, int mask, PrintStream err) throws java.io.IOException {
        LogImpl log = new LogImpl(mask);
        log.addEmitter(new StderrEmitter(err));
        log.setMask(mask == LogLevel.DEFAULT_MASK ? mask & ~LogLevel.NOTICE.bit() : mask);
        ContextImpl ctx = new ContextImpl(new ContextConfig(1, serverString, 20, 0, 0, 0, 8192, 4, 64L << 20, mask, 0, 0), log);
        ctx.start();
        return ctx;
    }

    /** Runs to the end; returns the exit status. */
    int run() {
        try {
            return execute();
        } catch (Exception e) {
            err.println("lws4j client: " + e);
            return 1;
        } finally {
            finished.countDown();
        }
    }

    /** From the Ctrl-C hook: end the run and give the main thread a moment to close things. */
    void interrupt() {
        outcome.end(130);
        try {
            finished.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int execute() throws Exception {
        ctx = startContext("lws4j-client", options.logMask(), err);
        try {
            String scheme = options.scheme();
            stdout = new StdoutSink(out);
            stdout.onLost(() -> outcome.end(1));
            Map<String, Protocol> protocols = new LinkedHashMap<>();
            protocols.put(StdoutSink.NAME, stdout);
            StdinSource stdin = null;
            if (scheme.equals("raw")) {
                RawRelay relay = new RawRelay(stdout, outcome);
                stdin = new StdinSource(relay);
                relay.setStdin(stdin);
                protocols.put(RawRelay.NAME, relay);
            } else if (scheme.startsWith("http")) {
                protocols.put(HttpFetch.NAME, new HttpFetch(stdout, outcome));
            } else {
                stdin = new StdinSource(webSocketsFor(options.protocol()));
                webSockets.forEach(w -> protocols.put(w.name, w));
            }
            if (stdin != null) {
                protocols.put(StdinSource.NAME, stdin);
            }
            Map<String, Map<String, String>> offered = new LinkedHashMap<>();
            protocols.keySet().forEach(n -> offered.put(n, Map.of()));
            if (ctx.addVhost(new VhostConfig("lws4j client", VHOST, 0, null, 5, List.of(), offered, Map.of(), Map.of())) == null) {
                throw new IllegalStateException("the client vhost could not be made");
            }
            long id = 1;
            for (Map.Entry<String, Protocol> p : protocols.entrySet()) {
                ctx.addProtocol(p.getKey(), p.getValue(), 0, id++);
            }
            if (scheme.equals("wss") || scheme.equals("https")) {
                PlugIns.installTls(ctx);
            }
            if (scheme.startsWith("ws") && options.deflate()) {
                PlugIns.installDeflate(ctx);
            }
            stdout.open(ctx, VHOST);
            if (stdin != null) {
                stdin.open(ctx, in, VHOST);
            }
            ctx.logImpl().setMask(options.logMask()); // set up: from here on, what was asked for
            if (scheme.startsWith("ws")) {
                superviseWebSockets();
            } else {
                String local = scheme.equals("raw") ? RawRelay.NAME : HttpFetch.NAME;
                ctx.connect(options.connectInfo(null).localProtocol(local));
                outcome.await(Long.MAX_VALUE);
            }
            return outcome.status();
        } finally {
            shutdown();
        }
    }

    /** The WebSocket clients of the run; returns what standard input feeds. */
    private StdinSource.Listener webSocketsFor(String protocol) {
        if (protocol == null || protocol.equals(MirrorClient.NAME)) {
            mirror = new MirrorClient(stdout, options.rate());
            webSockets.add(mirror);
        }
        if (protocol == null || protocol.equals(DumbClient.NAME)) {
            webSockets.add(new DumbClient(stdout));
        }
        if (webSockets.isEmpty()) {
            TextClient t = new TextClient(protocol, stdout, outcome);
            webSockets.add(t);
            return t;
        }
        return new StdinSource.Listener() {
            @Override
            public void input(ByteBuffer data) {
                // the demo sends nothing typed; only the end of input matters
            }

            @Override
            public void end() {
                ctx.log().notice("end of input: stopping");
                outcome.end(0);
            }
        };
    }

    /**
     * lws's test client's main loop: (re)open what is not open, at most every 2 s, and print the
     * mirror counts every second. A {@code --protocol} session is opened once and not reopened.
     */
    private void superviseWebSockets() throws InterruptedException {
        if (webSockets.get(0) instanceof TextClient) {
            if (!webSockets.get(0).connect(ctx, options.connectInfo(null))) {
                outcome.end(1);
            }
            outcome.await(Long.MAX_VALUE);
            return;
        }
        long[] next = new long[webSockets.size()];
        long nextStats = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        do {
            long now = System.nanoTime();
            for (int i = 0; i < webSockets.size(); i++) {
                WsClient w = webSockets.get(i);
                if (!w.isActive() && now - next[i] >= 0) {
                    next[i] = now + RECONNECT_NANOS;
                    ctx.log().notice("%s: connecting to %s", w.name, options.url());
                    w.connect(ctx, options.connectInfo(null));
                }
            }
            if (mirror != null && now - nextStats >= 0) {
                nextStats += TimeUnit.SECONDS.toNanos(1);
                stdout.execute(mirror::printStats);
            }
        } while (!outcome.await(50));
    }

    /** Closes the WebSockets (1000, briefly waiting for the handshake), prints what is queued, stops the context. */
    private void shutdown() throws InterruptedException {
        if (stdout != null && stdout.isOpen()) {
            if (mirror != null) {
                stdout.execute(mirror::printStats);
            }
            webSockets.forEach(WsClient::close);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            while (webSockets.stream().anyMatch(WsClient::isActive) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            stdout.execute(stdout::finish);
            if (!stdout.awaitFlushed(5000)) {
                ctx.log().warn("standard output did not take the last of the output");
            }
        }
        if (options.logMask() == LogLevel.DEFAULT_MASK) {
            ctx.logImpl().setMask(LogLevel.DEFAULT_MASK & ~LogLevel.NOTICE.bit()); // and its goodbyes
        }
        ctx.stop();
    }
}
