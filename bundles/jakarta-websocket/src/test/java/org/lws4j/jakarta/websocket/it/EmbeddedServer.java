package org.lws4j.jakarta.websocket.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.lws4j.core.embed.Lws4j;
import org.lws4j.jakarta.websocket.JakartaServer;
import org.lws4j.jakarta.websocket.JakartaWebSocket;

/**
 * lws4j embedded with one service thread and two vhosts on 127.0.0.1 ("localhost" and
 * "other.test", same port), serving the Jakarta endpoints given; a test starts one per class and
 * closes it after. LWS4J_TEST_LOG=1 shows the server's log.
 */
final class EmbeddedServer implements AutoCloseable {
    final JakartaServer jakarta;
    final Lws4j.Running lws;
    final int port;

    private EmbeddedServer(JakartaServer jakarta, Lws4j.Running lws, int port) {
        this.jakarta = jakarta;
        this.lws = lws;
        this.port = port;
    }

    static EmbeddedServer start(Object... endpoints) throws Exception {
        JakartaServer jakarta = JakartaWebSocket.server().deploy(endpoints);
        for (int attempt = 0; attempt < 10; attempt++) {
            int port = freePort();
            String json = """
                { "global": { "count-threads": "1", "log-level": "%d" },
                  "vhosts": [ { "name": "localhost", "port": "%d", "interface": "127.0.0.1", "mounts": [] },
                              { "name": "other.test", "port": "%d", "interface": "127.0.0.1", "mounts": [] } ] }
                """.formatted(System.getenv("LWS4J_TEST_LOG") != null ? 15 : 1, port, port);
            Lws4j.Running lws = Lws4j.builder().json(json).protocol(JakartaWebSocket.PROTOCOL, jakarta.protocol()).start();
            if (lws.port("localhost") == port) {
                return new EmbeddedServer(jakarta, lws, port);
            }
            lws.close();
        }
        throw new IOException("no free port");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    java.net.URI uri(String path) {
        return java.net.URI.create("ws://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        lws.close();
    }
}
