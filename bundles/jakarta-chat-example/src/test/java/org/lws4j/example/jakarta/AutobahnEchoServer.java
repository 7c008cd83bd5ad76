package org.lws4j.example.jakarta;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
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
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        CountDownLatch ready = new CountDownLatch(1);
        Thread out = new Thread(() -> relay(p, ready), "autobahn-echo-stdout");
        out.setDaemon(true);
        out.start();
        try {
            if (!ready.await(60, TimeUnit.SECONDS) || !p.isAlive()) {
                throw new IllegalStateException("the echo server did not start on " + port);
            }
            p.waitFor();
        } catch (InterruptedException done) {
            // the suite is over
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Copies the server's output to ours; its {@link Serve#READY} line (or its end) opens {@code ready}. */
    private static void relay(Process p, CountDownLatch ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                System.out.println(line);
                if (line.startsWith(Serve.READY)) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            System.err.println("autobahn echo server output: " + e);
        } finally {
            ready.countDown();
        }
    }

    /** The server process: EchoEndpoint at / until killed. */
    public static final class Serve {
        /** The line it prints once it listens. */
        static final String READY = "autobahn echo listening on ";

        private Serve() {
        }

        public static void main(String[] args) throws Exception {
            String json = "{ \"global\": { \"count-threads\": \"1\" }, \"vhosts\": [ { \"name\": \"autobahn\", \"port\": \""
                    + args[0] + "\", \"interface\": \"127.0.0.1\", \"mounts\": [] } ] }";
            var jakarta = JakartaWebSocket.server().deploy(ServerEndpointConfig.Builder.create(EchoEndpoint.class, "/").build());
            try (Lws4j.Running lws = Lws4j.builder().json(json).protocol(JakartaWebSocket.PROTOCOL, jakarta.protocol()).start()) {
                System.out.println(READY + lws.port("autobahn"));
                System.out.flush();
                new CountDownLatch(1).await();
            }
        }
    }
}
