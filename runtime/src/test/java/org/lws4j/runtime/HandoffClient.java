package org.lws4j.runtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A WebSocket client of HandoffIT on the JDK's client: it keeps every text message it gets with
 * the time it came (whole, pieces gathered), hands each to an optional listener, and records the
 * close (code and time) or the error that ended it. Thread-safe: callbacks come on the HTTP
 * client's threads, the test reads from its own.
 */
final class HandoffClient implements WebSocket.Listener {
    final String name;
    private final List<String> texts = new ArrayList<>();
    private final List<Long> nanos = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final BiConsumer<HandoffClient, String> onText;
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    volatile long closedNanos;
    private WebSocket ws;

    private HandoffClient(String name, BiConsumer<HandoffClient, String> onText) {
        this.name = name;
        this.onText = onText;
    }

    /** Opens ws://127.0.0.1:PORT{@code path} naming {@code protocol}, within 10 s. */
    static HandoffClient open(HttpClient http, int port, String path, String protocol, String name,
                              BiConsumer<HandoffClient, String> onText) throws Exception {
        HandoffClient c = new HandoffClient(name, onText);
        c.ws = http.newWebSocketBuilder().subprotocols(protocol).connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://" + DistRun.HOST + ":" + port + path), c).get(10, TimeUnit.SECONDS);
        return c;
    }

    /** Sends {@code text} as one message and waits (bounded) until the client has taken it. */
    void send(String text) throws Exception {
        ws.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    synchronized List<String> texts() {
        return new ArrayList<>(texts);
    }

    synchronized int count() {
        return texts.size();
    }

    synchronized List<Long> nanos() {
        return new ArrayList<>(nanos);
    }

    boolean isClosed() {
        return closed.isDone();
    }

    void abort() {
        if (ws != null) {
            ws.abort();
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        String whole = null;
        synchronized (this) {
            partial.append(data);
            if (last) {
                whole = partial.toString();
                partial.setLength(0);
                texts.add(whole);
                nanos.add(System.nanoTime());
            }
        }
        if (whole != null && onText != null) {
            onText.accept(this, whole);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closedNanos = System.nanoTime();
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closedNanos = System.nanoTime();
        closed.completeExceptionally(error);
    }

    @Override
    public String toString() {
        return name;
    }
}
