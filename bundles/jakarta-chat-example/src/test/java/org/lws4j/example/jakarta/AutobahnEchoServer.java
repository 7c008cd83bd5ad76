package org.lws4j.example.jakarta;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.server.ServerEndpointConfig;

import org.lws4j.core.embed.Lws4j;
import org.lws4j.jakarta.websocket.JakartaWebSocket;

/**
 * The server the Autobahn fuzzing client tests: {@link EchoEndpoint}, unchanged, served at
 * {@code /} (the client asks for no path) by lws4j embedded on 127.0.0.1 with one service thread,
 * in a JVM of its own (the plugin's Jython client shares nothing with it). The plugin calls
 * {@link #main} with the port on a thread of its own and interrupts it when the suite is done; the
 * server process is ended then (and by a shutdown hook, should Maven exit first).
 */
public final class AutobahnEchoServer {
    private AutobahnEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<String> cp = new ArrayList<>();
        for (URL u : ((URLClassLoader) AutobahnEchoServer.class.getClassLoader()).getURLs()) {
            cp.add(Path.of(u.toURI()).toString());
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, cp), Serve.class.getName(), Integer.toString(port))
                .inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!listening(port)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the echo server did not start on " + port);
                }
                Thread.sleep(100);
            }
            p.waitFor();
        } catch (InterruptedException done) {
            // the suite is over
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The server process: EchoEndpoint at / until killed. */
    public static final class Serve {
        private Serve() {
        }

        public static void main(String[] args) throws Exception {
            String json = "{ \"global\": { \"count-threads\": \"1\" }, \"vhosts\": [ { \"name\": \"autobahn\", \"port\": \""
                    + args[0] + "\", \"interface\": \"127.0.0.1\", \"mounts\": [] } ] }";
            var jakarta = JakartaWebSocket.server().deploy(ServerEndpointConfig.Builder.create(EchoEndpoint.class, "/").build());
            try (Lws4j.Running lws = Lws4j.builder().json(json).protocol(JakartaWebSocket.PROTOCOL, jakarta.protocol()).start()) {
                new CountDownLatch(1).await();
            }
        }
    }
}
