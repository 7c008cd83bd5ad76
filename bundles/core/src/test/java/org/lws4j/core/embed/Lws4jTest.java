package org.lws4j.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;

/** Embedding without OSGi: the application's own thread drives the loop, or its executor runs it. */
class Lws4jTest {

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String config(int threads, int port) {
        return "{\"global\": {\"count-threads\": \"" + threads + "\", \"log-level\": \"3\"}, \"vhosts\": [{\"name\": \"localhost\","
                + " \"port\": \"" + port + "\", \"interface\": \"127.0.0.1\","
                + " \"mounts\": [{\"mountpoint\": \"/app\", \"origin\": \"callback://app\"}]}]}";
    }

    /** Answers with the name of the thread that runs the callback. */
    static final Protocol WHO = (wsi, reason, in) -> {
        if (reason == Reason.HTTP) {
            wsi.respond(org.lws4j.api.HttpResponse.of(200).contentType("text/plain"),
                    ByteBuffer.wrap(Thread.currentThread().getName().getBytes(StandardCharsets.UTF_8)));
        }
        return Result.CONTINUE;
    };

    static String get(int port) throws Exception {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/app"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    @Test
    void theApplicationsOwnThreadServes() throws Exception {
        int port = freePort();
        try (Lws4j.Running lws = Lws4j.builder().json(config(0, port)).protocol("app", WHO).start()) {
            assertEquals(0, lws.context().serviceThreads());
            AtomicBoolean run = new AtomicBoolean(true);
            Thread app = new Thread(() -> {
                while (run.get()) {
                    lws.context().service(50);
                }
            }, "app-loop");
            app.start();
            try {
                assertEquals("app-loop", get(port));
            } finally {
                run.set(false);
                app.join(2000);
            }
        }
    }

    @Test
    void serviceIsRefusedWhenTheContextHasThreads() throws Exception {
        int port = freePort();
        try (Lws4j.Running lws = Lws4j.builder().json(config(1, port)).protocol("app", WHO).start()) {
            try {
                lws.context().service(0);
                throw new AssertionError("service() ran on a context with its own thread");
            } catch (IllegalStateException expected) {
                assertTrue(expected.getMessage().contains("count-threads 0"));
            }
            assertTrue(get(port).startsWith("lws4j-service-"));
        }
    }

    @Test
    void loopsRunOnTheApplicationsExecutor() throws Exception {
        int port = freePort();
        ExecutorService ex = Executors.newFixedThreadPool(2, r -> new Thread(r, "app-executor"));
        try (Lws4j.Running lws = Lws4j.builder().json(config(2, port)).executor(ex).protocol("app", WHO).start()) {
            assertEquals("app-executor", get(port));
        } finally {
            ex.shutdown();
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS), "the loops did not return when the context stopped");
        }
    }
}
