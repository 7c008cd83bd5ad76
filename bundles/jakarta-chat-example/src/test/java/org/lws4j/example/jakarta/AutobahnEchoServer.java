package org.lws4j.example.jakarta;

import java.util.concurrent.CountDownLatch;

import jakarta.websocket.server.ServerEndpointConfig;

import org.lws4j.core.embed.Lws4j;
import org.lws4j.jakarta.websocket.JakartaWebSocket;

/**
 * The server the Autobahn fuzzing client tests: {@link EchoEndpoint}, unchanged, served at
 * {@code /} (the client asks for no path) by lws4j embedded on 127.0.0.1 with one service thread.
 * The plugin calls {@link #main} with the port on a thread of its own and interrupts it when the
 * suite is done; the server is closed then.
 */
public final class AutobahnEchoServer {
    private AutobahnEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String json = "{ \"global\": { \"count-threads\": \"1\" }, \"vhosts\": [ { \"name\": \"autobahn\", \"port\": \""
                + port + "\", \"interface\": \"127.0.0.1\", \"mounts\": [] } ] }";
        var jakarta = JakartaWebSocket.server().deploy(ServerEndpointConfig.Builder.create(EchoEndpoint.class, "/").build());
        try (Lws4j.Running lws = Lws4j.builder().json(json).protocol(JakartaWebSocket.PROTOCOL, jakarta.protocol()).start()) {
            new CountDownLatch(1).await();
        } catch (InterruptedException done) {
            // the suite is over
        }
    }
}
