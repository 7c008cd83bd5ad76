package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/lws4j console}: the Gogo shell on standard input with the lws: commands, and vhosts
 * from {@code deploy/org.lws4j.vhost-NAME.cfg} (FileInstall + ConfigAdmin), on a private copy of
 * the runtime. The shell's input is a pipe the test writes commands into; its end stops the server.
 */
class ShellIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static DistRun rt;
    private static OutputStream shell;
    private static boolean passed;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        rt = DistRun.copy("shell-it").withoutDemo();
        Path www = Files.createDirectories(rt.home.resolve("www"));
        Files.writeString(www.resolve("index.html"), "shell-it home\n");
        rt.config("site.json", "{\"vhosts\": [{\"name\": \"localhost\", \"port\": \"" + rt.port + "\","
                + " \"interface\": \"127.0.0.1\", \"mounts\": [{\"mountpoint\": \"/\", \"origin\": \"file://" + www
                + "\", \"default\": \"index.html\"}], \"ws-protocols\": [{\"dumb-increment-protocol\": {}}]}]}");
        shell = rt.console();
        // "accepting" comes once the framework has started every boot bundle (Gogo's command
        // tracking included): typed earlier, a command can meet "Command not found"
        rt.await("the runtime to accept on " + rt.port, WAIT,
                () -> rt.logText().contains("accepting connections on 127.0.0.1:" + rt.port) ? Optional.of(true) : Optional.empty());
    }

    @AfterAll
    static void stop() throws Exception {
        if (rt != null) {
            if (!passed) {
                rt.failed("ShellIT failed");
            }
            rt.close();
        }
    }

    /** Types {@code line} into the shell and waits for output matching {@code expected} after it. */
    private static Matcher command(String line, String expected) throws Exception {
        int from = rt.logText().length();
        shell.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        shell.flush();
        Pattern p = Pattern.compile(expected, Pattern.MULTILINE);
        return rt.await("'" + line + "' to print " + expected, WAIT, () -> {
            String text = rt.logText();
            Matcher m = p.matcher(text.substring(Math.min(from, text.length())));
            return m.find() ? Optional.of(m) : Optional.empty();
        });
    }

    private int get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void commandsAndConfigAdminVhostsInTheStandaloneRuntime() throws Exception {
        command("lws:vhosts", "^vhost localhost port " + rt.port + ": tls no, keepalive 5 s$");
        command("lws:protocols", "^dumb-increment-protocol\\s+org\\.lws4j\\.protocol\\.dumb\\.increment \\[\\d+\\]");

        // a WebSocket shows in lws:connections and lws:close closes it
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().subprotocols("dumb-increment-protocol")
                .buildAsync(URI.create("ws://127.0.0.1:" + rt.port + "/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        first.complete(data.toString());
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                        closed.complete(code);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        assertTrue(first.get(10, TimeUnit.SECONDS).matches("\\d+"));
        Matcher row = command("lws:connections", "^(\\d+)\\s+localhost\\s+dumb-increment-protocol\\s+websocket\\s+127\\.0\\.0\\.1:\\d+");
        command("lws:close " + row.group(1), "connection " + row.group(1) + ": closing \\(1000");
        assertEquals(1000, closed.get(10, TimeUnit.SECONDS));
        ws.abort();

        // a vhost from deploy/org.lws4j.vhost-NAME.cfg, then a bad edit that keeps it as it was
        int port = DistRun.freePort();
        Path cfg = rt.home.resolve("deploy/org.lws4j.vhost-shelltest.cfg");
        // ${lws4j.home}: FileInstall fills in framework and system properties
        String good = "port = " + port + "\ninterface = 127.0.0.1\nmounts.0.mountpoint = /\n"
                + "mounts.0.origin = file://${lws4j.home}/www\nmounts.0.default = index.html\n";
        Files.writeString(cfg, good);
        rt.await("the .cfg vhost to answer on " + port, WAIT, () -> {
            try {
                return get(port, "/") == 200 ? Optional.of(true) : Optional.empty();
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        });
        command("lws:vhosts", "^vhost shelltest port " + port + ": tls no");
        Files.writeString(cfg, good.replace("port = " + port, "port = eighty"));
        rt.await("the bad value to be logged", WAIT, () -> rt.logText().contains(
                "deploy/org.lws4j.vhost-shelltest.cfg: port: \"eighty\"") ? Optional.of(true) : Optional.empty());
        // the refusal's consequence is logged just after the bad value: wait for it too, do not race it
        rt.awaitLog("vhost shelltest on port " + port + " keeps its last good configuration", WAIT);
        assertEquals(200, get(port, "/"));

        // the end of the shell's input stops the server
        shell.close();
        assertTrue(rt.exited(Duration.ofSeconds(30)), "the runtime did not stop at the end of its input");
        assertTrue(rt.logText().contains("gosh: stopping shell and framework"));
        passed = true;
    }
}
