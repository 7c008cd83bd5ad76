package org.lws4j.itests.support;

import java.nio.charset.StandardCharsets;

/**
 * What the itest server serves and where the test finds it: shared by the driver (which writes the
 * files and the config before Felix starts) and the probe (which checks the answers). Plain Java
 * only, so it loads the same on both sides.
 */
public final class Site {
    /** Framework property: the port the itest vhost listens on (127.0.0.1). */
    public static final String PORT = "lws4j.itest.port";
    /** Framework property: the folder behind the {@code /} file mount. */
    public static final String WWW = "lws4j.itest.www";
    /** Framework property: path of the greeting fixture bundle answering "hello from v1". */
    public static final String GREETING_V1 = "lws4j.itest.greeting.v1";
    /** Framework property: path of the greeting fixture bundle answering "hello from v2". */
    public static final String GREETING_V2 = "lws4j.itest.greeting.v2";

    /**
     * Framework property prefix (+ "dumb-increment", "mirror", "echo"): path of the protocol
     * bundle's jar, for {@code Bundle.update(InputStream)} from the same jar.
     */
    public static final String JAR_PREFIX = "lws4j.itest.jar.";

    public static final String DUMB_INCREMENT = "dumb-increment-protocol";
    public static final String MIRROR = "lws-mirror-protocol";
    public static final String ECHO = "lws-echo";
    /** What the WebSocket itest vhost offers in its "ws-protocols", in this order. */
    public static final String[] WS_PROTOCOLS = {DUMB_INCREMENT, MIRROR, ECHO};
    /** Bundle-SymbolicNames of the protocol bundles. */
    public static final String DUMB_INCREMENT_BUNDLE = "org.lws4j.protocol.dumb.increment";
    public static final String MIRROR_BUNDLE = "org.lws4j.protocol.mirror";
    public static final String ECHO_BUNDLE = "org.lws4j.protocol.echo";

    /** The mount served by the {@code test-greeting} protocol. */
    public static final String GREET_PATH = "/greet";
    /** The 200 KiB file's name in the file mount. */
    public static final String BIG_NAME = "big.bin";
    public static final int BIG_SIZE = 200 * 1024;

    public static final String INDEX_TEXT = "<!doctype html>\n"
            + "<html><head><meta charset=\"utf-8\"><title>lws4j itest</title></head>\n"
            + "<body><h1>lws4j itest</h1><p>served from a file:// mount</p></body></html>\n";

    private Site() {
    }

    public static byte[] index() {
        return INDEX_TEXT.getBytes(StandardCharsets.UTF_8);
    }

    /** 200 KiB of known, non-repeating-per-block content (a wrong offset or a lost chunk shows). */
    public static byte[] big() {
        byte[] b = new byte[BIG_SIZE];
        int x = 0x2545F491;
        for (int i = 0; i < b.length; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            b[i] = (byte) x;
        }
        return b;
    }
}
