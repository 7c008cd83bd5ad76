/*
 * MirrorEmbedServer: lws-mirror-protocol served by lws4j embedded (no OSGi), for
 * mirror-embed-bench.sh (a benchmark, not a test): the mirror's fan-out measured on whatever
 * build is on the classpath, e.g. before and after a change to the groups, on a port of the
 * script's choosing (no fixed port). Prints "listening <port>" once it serves; runs until killed.
 *
 *   java -cp CORE:API:MIRROR:DEPS:DIR MirrorEmbedServer <port> <threads>
 */

import java.util.concurrent.CountDownLatch;

import org.lws4j.core.embed.Lws4j;
import org.lws4j.protocol.mirror.MirrorProtocol;

public final class MirrorEmbedServer {
    private MirrorEmbedServer() {
    }

    public static void main(String[] a) throws Exception {
        String json = "{ \"global\": { \"count-threads\": \"" + a[1] + "\", \"server-string\": \"lws4j\" },"
                + " \"vhosts\": [ { \"name\": \"localhost\", \"port\": \"" + a[0] + "\", \"interface\": \"127.0.0.1\","
                + " \"mounts\": [], \"ws-protocols\": [ { \"lws-mirror-protocol\": {} } ] } ] }";
        try (Lws4j.Running lws = Lws4j.builder().json(json).logLevel(1)
                .protocol(MirrorProtocol.NAME, new MirrorProtocol()).start()) {
            System.out.println("listening " + lws.port("localhost"));
            System.out.flush();
            new CountDownLatch(1).await();
        }
    }
}
