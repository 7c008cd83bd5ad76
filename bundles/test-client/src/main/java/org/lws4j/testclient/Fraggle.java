package org.lws4j.testclient;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.ClientConnectInfo;
import org.lws4j.api.LogLevel;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;

/**
 * {@code lws4j fraggle URL}: libwebsockets' test-fraggle client on lws4j, both ways
 * ({@link FraggleClient}). Built as {@link TestClient} is: a plain program, a context with one
 * service thread and a vhost on port 0, standard output an adopted stream.
 */
public final class Fraggle {
    static final String USAGE = String.join("\n",
            "Usage: lws4j fraggle URL [--messages N] [-k] [--ca FILE] [--no-deflate] [-d MASK]",
            "",
            "  Connects to URL (ws:// or wss://) with the subprotocol fraggle-protocol. Checks N of the",
            "  randomly fragmented messages the server sends against the sum that follows each, sends N",
            "  of its own, and waits for the server's verdict on each (lws4j's server sends them; lws's",
            "  test-fraggle server does not). Then it closes.",
            "",
            "  --messages N   how many each way (default 10; 0: until Ctrl-C)",
            "  -k             accept a self-signed server certificate, skip the host name check",
            "  --ca FILE      trust the CA certificates in this PEM file instead of the JDK's",
            "  --no-deflate   do not offer permessage-deflate",
            "  -d MASK        log level mask (1 ERR, 2 WARN, 4 NOTICE, 8 INFO, ...)",
            "",
            "Exit status: 0 when every sum matched both ways, 1 otherwise (or when the connection",
            "failed), 2 for a bad command line, 130 after Ctrl-C.",
            "");

    /** The command line. */
    record Args(String url, long messages, boolean insecure, String ca, boolean deflate, int logMask) {
        static Args parse(String... args) {
            String url = null;
            long messages = 10;
            boolean insecure = false;
            String ca = null;
            boolean deflate = true;
            int mask = LogLevel.DEFAULT_MASK;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--messages" -> messages = count(Options.value(args, ++i, a), a);
                    case "-k", "--insecure" -> insecure = true;
                    case "--ca" -> ca = Options.value(args, ++i, a);
                    case "--no-deflate" -> deflate = false;
                    case "-d" -> mask = (int) count(Options.value(args, ++i, a), a);
                    default -> {
                        if (a.startsWith("--messages=")) {
                            messages = count(a.substring("--messages=".length()), "--messages");
                        } else if (a.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        } else if (url != null) {
                            throw new IllegalArgumentException("one URL only (got " + url + " and " + a + ")");
                        } else {
                            url = a;
                        }
                    }
                }
            }
            if (url == null) {
                throw new IllegalArgumentException("no URL");
            }
            String scheme = url.contains(":") ? url.substring(0, url.indexOf(':')).toLowerCase(Locale.ROOT) : "";
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("the URL must be ws:// or wss://, not " + url);
            }
            Args parsed = new Args(url, messages, insecure, ca, deflate, mask);
            parsed.connectInfo(); // a bad URL is a usage error, found now
            return parsed;
        }

        ClientConnectInfo connectInfo() {
            ClientConnectInfo i = ClientConnectInfo.parse(url);
            i.allowSelfSigned(insecure).skipHostCheck(insecure).origin(i.address());
            if (ca != null) {
                i.caFile(ca);
            }
            return i;
        }

        private static long count(String s, String option) {
            try {
                long n = Long.parseLong(s.trim());
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException(option + " needs a number, not '" + s + "'");
        }
    }

    private final Args args;
    private final PrintStream out;
    private final PrintStream err;
    private final Outcome outcome = new Outcome();
    private final CountDownLatch finished = new CountDownLatch(1);

    Fraggle(Args args, PrintStream out, PrintStream err) {
        this.args = args;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] argv) {
        if (List.of(argv).contains("-h") || List.of(argv).contains("--help")) {
            System.out.print(USAGE);
            System.exit(0);
        }
        Args a;
        try {
            a = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("lws4j fraggle: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        Fraggle f = new Fraggle(a, System.out, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(f::interrupt, "lws4j-fraggle-stop"));
        System.exit(f.run());
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

    /** Runs to the end; returns the exit status. */
    int run() {
        try {
            return execute();
        } catch (Exception e) {
            err.println("lws4j fraggle: " + e);
            return 1;
        } finally {
            finished.countDown();
        }
    }

    private int execute() throws Exception {
        ContextImpl ctx = TestClient.startContext("lws4j-fraggle", args.logMask(), err);
        StdoutSink stdout = null;
        FraggleClient client = null;
        try {
            stdout = new StdoutSink(out);
            stdout.onLost(() -> outcome.end(1));
            client = new FraggleClient(stdout, outcome, args.messages());
            Map<String, Map<String, String>> offered = new LinkedHashMap<>();
            offered.put(StdoutSink.NAME, Map.of());
            offered.put(client.name, Map.of());
            if (ctx.addVhost(new VhostConfig("lws4j fraggle", TestClient.VHOST, 0, null, 5, List.of(), offered, Map.of(), Map.of())) == null) {
                throw new IllegalStateException("the client vhost could not be made");
            }
            ctx.addProtocol(StdoutSink.NAME, stdout, 0, 1);
            ctx.addProtocol(client.name, client, 0, 2);
            if (args.url().toLowerCase(Locale.ROOT).startsWith("wss")) {
                PlugIns.installTls(ctx);
            }
            if (args.deflate()) {
                PlugIns.installDeflate(ctx);
            }
            stdout.open(ctx, TestClient.VHOST);
            ctx.logImpl().setMask(args.logMask()); // set up: from here on, what was asked for
            ctx.log().notice("fraggle: connecting to %s", args.url());
            if (!client.connect(ctx, args.connectInfo())) {
                outcome.end(1);
            }
            outcome.await(Long.MAX_VALUE);
            return outcome.status();
        } finally {
            if (client != null && client.isActive()) {
                client.stop();
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                while (client.isActive() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
            if (stdout != null && stdout.isOpen()) {
                stdout.execute(stdout::finish);
                if (!stdout.awaitFlushed(5000)) {
                    ctx.log().warn("standard output did not take the last of the output");
                }
            }
            if (args.logMask() == LogLevel.DEFAULT_MASK) {
                ctx.logImpl().setMask(LogLevel.DEFAULT_MASK & ~LogLevel.NOTICE.bit());
            }
            ctx.stop();
        }
    }
}
