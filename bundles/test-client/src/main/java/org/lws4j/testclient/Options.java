package org.lws4j.testclient;

import org.lws4j.api.ClientConnectInfo;
import org.lws4j.api.LogLevel;

/**
 * The command line of {@code lws4j client}. Immutable; {@link #connectInfo(String)} makes a fresh
 * {@link ClientConnectInfo} for every connection (one must not be changed once handed over).
 *
 * @param url the URL as given
 * @param insecure {@code -k}: accept a self-signed certificate and skip the host name check
 * @param protocol {@code --protocol}: one WebSocket asking for this protocol, or null for the
 *     lws test client's pair (lws-mirror-protocol and dumb-increment-protocol)
 * @param rate {@code --rate}: mirror circles per second; 0 sends as fast as the socket takes them
 * @param deflate false with {@code --no-deflate}: permessage-deflate is not offered
 * @param ca {@code --ca}: a PEM file of CA certificates to trust, or null for the JDK's
 * @param httpVersion {@code --h2}: HTTP/2 ({@link ClientConnectInfo#HTTP_2}: by ALPN over TLS, also
 *     for WebSockets (RFC 8441), with prior knowledge on cleartext); {@code --h1}: HTTP/1.1 only;
 *     null: the client's default (https by ALPN, the rest HTTP/1.1)
 * @param logMask {@code -d}: the log level mask
 * @param help {@code -h}
 */
record Options(String url, boolean insecure, String protocol, int rate, boolean deflate, String ca,
               String httpVersion, int logMask, boolean help) {

    static final String USAGE = String.join("\n",
            "Usage: lws4j client URL [-k] [--protocol NAME] [--rate N] [--no-deflate] [--ca FILE] [--h2|--h1] [-d MASK]",
            "",
            "  ws://HOST:PORT/PATH, wss://...   join lws-mirror-protocol and draw circles on it, and show",
            "                                   dumb-increment-protocol counts from a second connection",
            "  http://HOST:PORT/PATH, https://  fetch and print the body (the status goes to the log)",
            "  raw://HOST:PORT                  relay standard input to the socket, the socket to standard output",
            "",
            "  -k               accept a self-signed server certificate, skip the host name check",
            "  --protocol NAME  ws: one WebSocket asking for NAME; for a protocol other than the two",
            "                   demo ones, each line of input is sent as a text message and each",
            "                   message received is printed",
            "  --rate N         mirror circles per second (default 20; 0: as fast as the socket takes",
            "                   them, as lws's test client does)",
            "  --no-deflate     do not offer permessage-deflate",
            "  --ca FILE        trust the CA certificates in this PEM file instead of the JDK's",
            "  --h2             HTTP/2: offered by ALPN on https and wss (a WebSocket over h2 is an",
            "                   RFC 8441 stream), with prior knowledge on http and ws; without it",
            "                   https offers h2 and http/1.1, the rest speak HTTP/1.1",
            "  --h1             HTTP/1.1 only (ALPN http/1.1), as lws's --h1",
            "  -d MASK          log level mask (1 ERR, 2 WARN, 4 NOTICE, 8 INFO, 16 DEBUG, 256 CLIENT, ...)",
            "",
            "Ctrl-C stops it; so does the end of input (Ctrl-D) for ws and raw. Exit status: 0, or 1",
            "when a connection failed, 2 for a bad command line.",
            "");

    static Options parse(String... args) {
        String url = null;
        boolean insecure = false;
        String protocol = null;
        int rate = 20;
        boolean deflate = true;
        String ca = null;
        String version = null;
        int mask = LogLevel.DEFAULT_MASK;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-k":
                case "--insecure":
                    insecure = true;
                    break;
                case "--protocol":
                    protocol = value(args, ++i, a);
                    break;
                case "--rate":
                    rate = number(value(args, ++i, a), a);
                    break;
                case "--no-deflate":
                    deflate = false;
                    break;
                case "--ca":
                    ca = value(args, ++i, a);
                    break;
                case "--h2":
                    version = ClientConnectInfo.HTTP_2;
                    break;
                case "--h1":
                    version = ClientConnectInfo.HTTP_1_1;
                    break;
                case "-d":
                    mask = number(value(args, ++i, a), a);
                    break;
                case "-h":
                case "--help":
                    help = true;
                    break;
                default:
                    if (a.startsWith("--protocol=")) {
                        protocol = a.substring("--protocol=".length());
                    } else if (a.startsWith("-d") && a.length() > 2) {
                        mask = number(a.substring(2), "-d");
                    } else if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    } else if (url != null) {
                        throw new IllegalArgumentException("one URL only (got " + url + " and " + a + ")");
                    } else {
                        url = a;
                    }
            }
        }
        if (url == null && !help) {
            throw new IllegalArgumentException("no URL");
        }
        if (protocol != null && (protocol.isBlank() || protocol.startsWith("lws4j-client-"))) {
            throw new IllegalArgumentException("--protocol needs a name (not one of the client's own lws4j-client-*)");
        }
        Options o = new Options(url, insecure, protocol, rate, deflate, ca, version, mask, help);
        if (url != null) {
            o.connectInfo(null); // a bad URL is a usage error, found now
        }
        return o;
    }

    /** A new connect info for the URL, for a WebSocket asking for {@code wsProtocol} (ignored for http and raw). */
    ClientConnectInfo connectInfo(String wsProtocol) {
        ClientConnectInfo i = ClientConnectInfo.parse(url);
        i.allowSelfSigned(insecure).skipHostCheck(insecure).origin(i.address());
        if (ca != null) {
            i.caFile(ca);
        }
        if (httpVersion != null && !i.isRaw()) {
            i.httpVersion(httpVersion);
        }
        if (i.isWebSocket() && wsProtocol != null) {
            i.protocols(wsProtocol);
        }
        return i;
    }

    /** ws, wss, http, https or raw. */
    String scheme() {
        return url.substring(0, url.indexOf(':')).toLowerCase(java.util.Locale.ROOT);
    }

    /** The value after option {@code args[i - 1]}; fails with what is missing. */
    static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String s, String option) {
        try {
            int n = Integer.parseInt(s.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, not '" + s + "'");
        }
    }
}
